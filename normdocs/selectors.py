"""Reads for normative documents."""

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .models import CleanupAssignment, CleanupCampaign, CleanupItem, NormativeDocument, Status


def documents_in_force() -> QuerySet[NormativeDocument]:
    """The register of documents in force (现行有效目录): what the public portal lists."""
    return NormativeDocument.objects.filter(status=Status.IN_FORCE).select_related(
        "drafting_body__unit"
    )


def document_locked(document: NormativeDocument | int) -> NormativeDocument:
    """The document re-read under a row lock, with its drafting body: for another app's service
    that must serialise on it (two proposals of one document onto an agenda do not both pass)
    without reaching into normdocs' models. Raises ``NormativeDocument.DoesNotExist``."""
    pk = getattr(document, "pk", document)
    return (
        NormativeDocument.objects.select_for_update(of=("self",))
        .select_related("drafting_body")
        .get(pk=pk)
    )


def cleanup_results(*, campaign: CleanupCampaign) -> dict[str, list[CleanupItem]]:
    """The published result lists of a closed campaign, one per outcome (37号 五(十八))."""
    results: dict[str, list[CleanupItem]] = {outcome: [] for outcome in CleanupItem.Outcome.values}
    verdicts = campaign.verdicts.select_related("document", "successor")
    for item in verdicts.order_by("document__number"):
        if item.outcome:
            results[item.outcome].append(item)
    return results


def cleanup_documents(campaign: CleanupCampaign | int) -> QuerySet[NormativeDocument]:
    """The documents of a campaign's scope, as fixed when it opened (国办发〔2018〕37号 五(十八)):
    the snapshots of its drafting bodies' shares, whatever the documents' status since."""
    table = connection.ops.quote_name(CleanupAssignment._meta.db_table)
    if connection.vendor == "postgresql":
        ids = (
            f"SELECT (jsonb_array_elements(documents))::bigint FROM {table} WHERE campaign_id = %s"
        )
    else:
        ids = (
            f"SELECT j.value FROM {table}, json_each({table}.documents) AS j WHERE campaign_id = %s"
        )
    return NormativeDocument.objects.filter(pk__in=RawSQL(ids, [getattr(campaign, "pk", campaign)]))


def share_holding(*, campaign, document, lock: bool = False) -> CleanupAssignment | None:
    """The drafting body's share of ``campaign`` whose snapshot holds ``document`` (谁制定谁清理:
    the share of the document's drafting body), or None when the document is not in scope.
    ``lock`` locks the share's row for the rest of the transaction."""
    campaign_id, document_id = getattr(campaign, "pk", campaign), getattr(document, "pk", document)
    body = (
        NormativeDocument.objects.filter(pk=document_id)
        .values_list("drafting_body_id", flat=True)
        .first()
    )
    shares = CleanupAssignment.objects.filter(campaign_id=campaign_id, drafting_body_id=body)
    if lock:
        shares = shares.select_for_update(of=("self",))
    share = shares.select_related("campaign", "drafting_body__unit").first()
    return share if share is not None and document_id in share.documents else None


def cleanup_entries(campaign: CleanupCampaign, documents=None) -> list[CleanupItem]:
    """Each document of ``documents`` (default: the whole scope, by id) with its verdict: the
    campaign's ``CleanupItem`` when one was entered, else an unsaved, undecided item (no pk)
    naming the document and its drafting body's share. Three queries."""
    if documents is None:
        documents = cleanup_documents(campaign).order_by("pk")
    documents = list(documents)
    ids = [d.pk for d in documents]
    verdicts = {
        v.document_id: v
        for v in campaign.verdicts.filter(document_id__in=ids).select_related("decided_by")
    }
    share_of = {}
    bodies = {d.drafting_body_id for d in documents}
    for share in CleanupAssignment.objects.filter(
        campaign=campaign, drafting_body_id__in=bodies
    ).select_related("drafting_body__unit"):
        share_of.update(dict.fromkeys(share.documents, share))
    entries = []
    for document in documents:
        share = share_of.get(document.pk)
        if share is None:
            continue  # not in this campaign's scope
        entry = verdicts.get(document.pk) or CleanupItem(document=document)
        entry.campaign, entry.assignment, entry.document = campaign, share, document
        entries.append(entry)
    return entries


def document_cleanup_entries(document: NormativeDocument) -> list[CleanupItem]:
    """Every campaign whose scope holds ``document``, oldest first, with its verdict there or an
    unsaved, undecided item (国办发〔2018〕37号 五(十八))."""
    shares = CleanupAssignment.objects.filter(drafting_body_id=document.drafting_body_id)
    verdicts = {v.campaign_id: v for v in document.cleanup_verdicts.all()}
    entries = []
    for share in shares.select_related("campaign").order_by("campaign__opened_on", "campaign_id"):
        if document.pk not in share.documents:
            continue
        entry = verdicts.get(share.campaign_id) or CleanupItem(document=document)
        entry.campaign, entry.assignment, entry.document = share.campaign, share, document
        entries.append(entry)
    return entries

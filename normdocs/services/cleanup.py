"""Cleanup campaigns (清理, 国办发〔2018〕37号 五(十八)): regular, special and dynamic."""

import logging
from datetime import date

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from workflows.calendar import CalendarRangeError
from workflows.clocks.selectors import calendar_for, rule_for
from workflows.models import Unit
from workflows.permissions import has_role_in_unit

from .. import rules
from ..conf import setting
from ..models import (
    CleanupAssignment,
    CleanupCampaign,
    CleanupItem,
    DraftingBody,
    NormativeDocument,
    Status,
)
from ..permissions import is_drafter_for, is_legal_affairs_officer_for
from ..rules import RuleRefusal
from . import deadlines
from ._common import act_time, record, refuse, today

logger = logging.getLogger(__name__)
SCOPE_KEYS = (
    "drafting_bodies",
    "issuer_codes",
    "published_from",
    "published_to",
    "keyword",
    "documents",
)


def cleanup_scope_documents(*, government: Unit, scope: dict) -> QuerySet[NormativeDocument]:
    """In-force documents of ``government`` and the bodies under it that match ``scope``.

    Scope keys (all optional, combined with AND): drafting_bodies (ids), issuer_codes,
    published_from / published_to (ISO dates), keyword (title, laws cited or text: a changed
    law such as 行政处罚法), documents (an explicit list of ids).
    """
    unknown = set(scope) - set(SCOPE_KEYS)
    if unknown:
        raise RuleRefusal(
            _("Unknown scope keys: %(keys)s."),
            code="unknown_scope_keys",
            params={"keys": ", ".join(sorted(unknown))},
        )
    documents = NormativeDocument.objects.filter(status=Status.IN_FORCE).filter(
        Q(drafting_body__unit=government) | Q(drafting_body__unit__parent=government)
    )
    if scope.get("drafting_bodies"):
        documents = documents.filter(drafting_body_id__in=scope["drafting_bodies"])
    if scope.get("issuer_codes"):
        documents = documents.filter(issuer_code__in=scope["issuer_codes"])
    if scope.get("published_from"):
        documents = documents.filter(published_on__gte=scope["published_from"])
    if scope.get("published_to"):
        documents = documents.filter(published_on__lte=scope["published_to"])
    if scope.get("keyword"):
        word = scope["keyword"]
        documents = documents.filter(
            Q(title__contains=word) | Q(cited_laws__contains=word) | Q(text__contains=word)
        )
    if scope.get("documents"):
        documents = documents.filter(pk__in=scope["documents"])
    return documents


@transaction.atomic
def cleanup_open(
    *,
    kind: str,
    government: Unit,
    by,
    title: str,
    scope: dict | None = None,
    on: date | None = None,
    ordered_by: str = "",
) -> CleanupCampaign:
    """Open a campaign: one review item per in-force document in scope, assigned to its drafting
    body (谁制定谁清理; the lead body for joint documents), with a due date and a clocks deadline
    per body.

    Built for tens of thousands of documents: a fixed number of statements however many
    documents and drafting bodies are in scope (the items in one INSERT … SELECT, the clocks
    and their record events in one go each).
    """
    scope = dict(scope or {})
    if kind not in CleanupCampaign.Kind.values:
        raise RuleRefusal(
            _("Unknown cleanup kind “%(kind)s”."),
            code="unknown_cleanup_kind",
            params={"kind": kind},
        )
    if kind == CleanupCampaign.Kind.REGULAR:
        if not (by == "system" or is_legal_affairs_officer_for(user=by, government=government)):
            raise RuleRefusal(
                _("A regular cleanup is opened by the scheduler or a legal-affairs officer."),
                code="not_legal_affairs_officer",
            )
    else:
        if not (by != "system" and is_legal_affairs_officer_for(user=by, government=government)):
            raise RuleRefusal(
                _(
                    "Only a legal-affairs officer of the government opens a special or dynamic "
                    "cleanup."
                ),
                code="not_legal_affairs_officer",
            )
        if not any(scope.get(key) for key in SCOPE_KEYS):
            raise RuleRefusal(
                _(
                    "A special or dynamic cleanup needs a scope (issuer, dates, cited law or "
                    "keyword, or a list)."
                ),
                code="scope_required",
            )
    on = on or today()
    rule = rule_for(deadlines.CLEANUP_ITEM)
    try:
        due_on = rule.due(on, calendar=calendar_for())
    except CalendarRangeError:
        # The items' clocks wait for the holiday notice (workflows.clocks) and fill this in
        # when it is entered (``deadlines.copy_computed_due``): the cleanup is not held up.
        due_on = None
    campaign = CleanupCampaign.objects.create(
        kind=kind,
        title=title,
        government=government,
        scope=scope,
        opened_on=on,
        ordered_by=ordered_by.strip(),
        opened_by=None if by == "system" else by,
        due_on=due_on,
    )
    in_scope = list(
        cleanup_scope_documents(government=government, scope=scope).values_list(
            "pk", "drafting_body_id"
        )
    )
    body_ids = sorted({body_id for _, body_id in in_scope})
    assignments = CleanupAssignment.objects.bulk_create(
        [CleanupAssignment(campaign=campaign, drafting_body_id=b, due_on=due_on) for b in body_ids]
    )
    assignment_of = {a.drafting_body_id: a.pk for a in assignments}
    _items_insert(
        campaign=campaign,
        documents=[doc_id for doc_id, _ in in_scope],
        assignments=[assignment_of[body_id] for _, body_id in in_scope],
    )
    bodies = DraftingBody.objects.select_related("unit").in_bulk(body_ids)
    for assignment in assignments:
        assignment.drafting_body = bodies[assignment.drafting_body_id]
    deadlines.open_clocks(
        rule_key=deadlines.CLEANUP_ITEM,
        start=on,
        subjects=[(a, a.drafting_body.unit) for a in assignments],
        responsible_role="drafter",  # cleanup_item_decide: the body's drafters
    )
    record(
        actor=by,
        action="cleanup.opened",
        subject=campaign,
        payload={
            "kind": kind,
            "title": title,
            "ordered_by": ordered_by.strip(),
            "scope": scope,
            "due_on": due_on,
            "legal_source": rule.legal_source,
            "documents": [doc_id for doc_id, _ in in_scope],
            "drafting_bodies": body_ids,
        },
        on=on,
    )
    return campaign


def _items_insert(*, campaign: CleanupCampaign, documents: list[int], assignments: list[int]):
    """One undecided item per document, in the order given (their ids follow it, as
    bulk_create's would), in one statement: the ids travel as two arrays, not as one
    parameter per field of every row."""
    if connection.vendor != "postgresql":  # no arrays (SQLite, `make run`): the ORM's way
        CleanupItem.objects.bulk_create(
            [
                CleanupItem(campaign=campaign, assignment_id=a, document_id=d)
                for d, a in zip(documents, assignments, strict=True)
            ],
            batch_size=500,
        )
        return
    item = CleanupItem._meta
    columns = ", ".join(
        connection.ops.quote_name(item.get_field(name).column)
        for name in ("campaign", "assignment", "document", "outcome", "reason")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(item.db_table)} ({columns}) "
            "SELECT %s, assignment, document, '', '' "
            "FROM unnest(%s::bigint[], %s::bigint[]) WITH ORDINALITY AS t(document, assignment, n) "
            "ORDER BY n",
            [campaign.pk, documents, assignments],
        )


def cleanup_open_regular_if_due(*, on: date | None = None) -> list[CleanupCampaign]:
    """Open the regular cleanup of each government whose interval has run (default 2 years).

    Anchored on the government's last regular campaign. Harmless when run twice: the government
    row is locked while deciding, and the database refuses a second regular campaign that day.
    """
    on = on or today()
    opened = []
    governments = Unit.objects.filter(drafting_body__kind=DraftingBody.Kind.GOVERNMENT).values_list(
        "pk", flat=True
    )
    for government_id in governments:
        with transaction.atomic():
            government = Unit.objects.select_for_update().get(pk=government_id)
            last = (
                CleanupCampaign.objects.filter(
                    government=government, kind=CleanupCampaign.Kind.REGULAR
                )
                .order_by("-opened_on")
                .values_list("opened_on", flat=True)
                .first()
            )
            due = rules.next_regular_cleanup_on(
                last_opened_on=last, interval_years=setting("CLEANUP_INTERVAL_YEARS"), today=on
            )
            if on < due:
                continue
            opened.append(
                cleanup_open(
                    kind=CleanupCampaign.Kind.REGULAR,
                    government=government,
                    by="system",
                    title=f"{government.name} {on.year}年度行政规范性文件常态化清理",
                    on=on,
                )
            )
    return opened


@transaction.atomic
def cleanup_item_decide(
    *, item: CleanupItem, by, outcome: str, reason: str, on: date | None = None
) -> CleanupItem:
    """The drafting body's verdict on one of its documents, with its reason (37号 五(十八))."""
    item = (
        CleanupItem.objects.select_for_update(of=("self",))
        .select_related("campaign", "assignment__drafting_body__unit", "document")
        .get(pk=item.pk)
    )
    if item.campaign.closed_at is not None:
        raise RuleRefusal(_("The campaign is closed."), code="campaign_closed")
    body = item.assignment.drafting_body
    if not (
        is_drafter_for(user=by, body=body)
        or has_role_in_unit(user=by, role="unit_head", unit=body.unit)
    ):
        raise RuleRefusal(
            _("Only %(body)s reviews its own documents (谁制定谁清理)."),
            code="not_own_document",
            params={"body": body},
        )
    refuse(rules.cleanup_outcome_refusal(outcome=outcome, reason=reason))
    item.outcome, item.reason = outcome, reason.strip()
    on = on or today()
    if on < item.campaign.opened_on:
        raise RuleRefusal(
            _("A document cannot be decided before the cleanup opened."),
            code="before_cleanup_opened",
        )
    item.decided_by, item.decided_at = by, act_time(on)
    item.save(update_fields=["outcome", "reason", "decided_by", "decided_at"])
    if not CleanupItem.objects.filter(assignment=item.assignment, outcome="").exists():
        deadlines.meet(item.assignment, deadlines.CLEANUP_ITEM, at=item.decided_at)
    record(
        actor=by,
        action="cleanup.item_decided",
        subject=item.campaign,
        payload={
            "item": item.pk,
            "document": item.document_id,
            "outcome": outcome,
            "reason": item.reason,
        },
        on=on,
    )
    return item


@transaction.atomic
def cleanup_close(
    *,
    campaign: CleanupCampaign,
    by,
    published_on: date | None = None,
    published_where: str = "",
) -> CleanupCampaign:
    """Close a campaign whose every item has an outcome, apply them and publish the lists.

    Repealed and invalid documents leave the in-force register from the publication date; an
    amend opens a new drafting cycle linked to the old document, which stays in force until the
    amendment takes effect.
    """
    from .lifecycle import normdoc_create
    from .validity import normdoc_declare_invalid, normdoc_repeal

    campaign = CleanupCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.closed_at is not None:
        raise RuleRefusal(_("The campaign is already closed."), code="campaign_closed")
    if not is_legal_affairs_officer_for(user=by, government=campaign.government):
        raise RuleRefusal(
            _("Only a legal-affairs officer of the government closes a cleanup."),
            code="not_legal_affairs_officer",
        )
    undecided = campaign.items.filter(outcome="").count()
    if undecided:
        raise RuleRefusal(
            _("%(count)s document(s) have no cleanup outcome yet."),
            code="undecided_documents",
            params={"count": undecided},
        )
    published_on = published_on or today()
    counts = {outcome: 0 for outcome in rules.CLEANUP_OUTCOMES}
    for item in campaign.items.select_related("document__drafting_body", "decided_by").order_by(
        "pk"
    ):
        counts[item.outcome] += 1
        reason = f"{campaign.title}: {item.reason}"
        if item.outcome == CleanupItem.Outcome.REPEAL:
            normdoc_repeal(document=item.document, by=by, on=published_on, reason=reason)
        elif item.outcome == CleanupItem.Outcome.DECLARE_INVALID:
            normdoc_declare_invalid(document=item.document, by=by, on=published_on, reason=reason)
        elif item.outcome == CleanupItem.Outcome.AMEND:
            old = item.document
            item.successor = normdoc_create(
                by=item.decided_by,
                drafting_body=old.drafting_body,
                title=old.title,
                issuer_code=old.issuer_code,
                doc_type=old.doc_type,
                text=old.text,
                legal_basis=old.legal_basis,
                cited_laws=old.cited_laws,
                touches_public_interest=old.touches_public_interest,
                amends=old,
            )
            item.save(update_fields=["successor"])
    # Closed when the lists were published (entered after the fact, that is the day given).
    campaign.closed_at = act_time(published_on)
    campaign.results_published_on = published_on
    campaign.results_published_where = published_where.strip()
    campaign.save(update_fields=["closed_at", "results_published_on", "results_published_where"])
    record(
        actor=by,
        action="cleanup.closed",
        subject=campaign,
        payload={
            "results_published_on": published_on,
            "results_published_where": campaign.results_published_where,
            "counts": counts,
        },
        on=published_on,
    )
    return campaign

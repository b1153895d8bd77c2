"""Reads for normative documents."""

from django.db.models import QuerySet

from .models import CleanupCampaign, CleanupItem, NormativeDocument, Status


def documents_in_force() -> QuerySet[NormativeDocument]:
    """The register of documents in force (现行有效目录): what the public portal lists."""
    return NormativeDocument.objects.filter(status=Status.IN_FORCE).select_related(
        "drafting_body__unit"
    )


def cleanup_results(*, campaign: CleanupCampaign) -> dict[str, list[CleanupItem]]:
    """The published result lists of a closed campaign, one per outcome (37号 五(十八))."""
    results: dict[str, list[CleanupItem]] = {outcome: [] for outcome in CleanupItem.Outcome.values}
    for item in campaign.items.select_related("document", "successor").order_by("document__number"):
        if item.outcome:
            results[item.outcome].append(item)
    return results

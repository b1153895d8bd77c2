"""The inbox branches of an open cleanup campaign: each drafting body's share of undecided
documents, and closing the campaign once every document is decided."""

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from .. import clockrules
from ..models import CleanupAssignment, CleanupCampaign, CleanupItem, ScopeSize
from .columns import _NO_ID, _clock_due, _row, _units


def _cleanup_branches() -> list:
    """The steps of an open cleanup campaign: each drafting body reviewing its share of the
    documents, and the government's legal advisor closing the campaign once all are decided."""
    # A share's documents without a verdict yet (国办发〔2018〕37号 五(十八)).
    undecided = ScopeSize() - Coalesce(
        Subquery(
            CleanupItem.objects.filter(assignment=OuterRef("pk"))
            .order_by()
            .values("assignment")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )
    shares_undecided = CleanupAssignment.objects.annotate(undecided=undecided).filter(
        undecided__gt=0
    )
    return [
        _row(
            shares_undecided.filter(
                campaign__status=CleanupCampaign.Status.OPEN,
                drafting_body__unit_id__in=_units("drafter", "unit_head"),
            ),
            "cleanup",
            i_ref=F("pk"),
            i_document=_NO_ID,
            i_campaign=F("campaign_id"),
            i_title=F("campaign__title"),
            i_number=Value(""),
            i_unit=F("drafting_body__unit__name"),
            i_state=Value(""),
            i_due=Coalesce(
                _clock_due(CleanupAssignment, "pk", clockrules.CLEANUP_ITEM), F("due_on")
            ),
            i_created=Cast("campaign__opened_on", DateTimeField()),
            i_count=F("undecided"),
        ),
        _row(
            CleanupCampaign.objects.filter(
                ~Exists(shares_undecided.filter(campaign=OuterRef("pk"))),
                status=CleanupCampaign.Status.OPEN,
                government_id__in=_units("legal_advisor"),
            ),
            "cleanup_close",
            i_ref=F("pk"),
            i_document=_NO_ID,
            i_campaign=F("pk"),
            i_title=F("title"),
            i_number=Value(""),
            i_unit=F("government__name"),
            i_state=Value(""),
            i_due=F("due_on"),
            i_created=Cast("opened_on", DateTimeField()),
        ),
    ]

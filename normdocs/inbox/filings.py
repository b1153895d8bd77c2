"""The inbox branches of a document's filing: submitting it, recording an outside body's receipt
and outcome, the receiving government's review, and the correction it asked for."""

from django.db.models import F
from django.db.models.functions import Coalesce

from .. import clockrules
from ..models import Filing
from .columns import _DRAFTING_UNIT, _clock_due, _document_columns, _roles, _row


def _filing_branches() -> list:
    """The steps of a document's filing: submitting it, recording an outside body's receipt and
    outcome, the receiving government's review, and the correction it asked for."""
    return [
        _row(
            Filing.objects.filter(
                status__in=(Filing.Status.DUE, Filing.Status.RETURNED),
                **{_DRAFTING_UNIT: _roles("filing_submit")},
            ),
            "filing_submit",
            **_document_columns(
                "document__",
                i_state=F("status"),
                i_due=_clock_due(Filing, "pk", clockrules.FILING),
            ),
        ),
        # A body outside the installation: the clerk records its receipt, then its outcome,
        # due when its 30 days of review end (令第218号; chased when overdue).
        _row(
            Filing.objects.filter(
                status__in=(Filing.Status.SUBMITTED, Filing.Status.RECEIVED),
                receiving_body__isnull=False,
                **{_DRAFTING_UNIT: _roles("filing_outcome")},
            ),
            "filing_outcome",
            **_document_columns(
                "document__",
                i_unit=F("receiving_body__name"),
                i_state=F("status"),
                i_due=Coalesce(
                    _clock_due(Filing, "pk", clockrules.FILING_REVIEW), F("review_due_on")
                ),
            ),
        ),
        _row(
            Filing.objects.filter(
                status=Filing.Status.RECEIVED,
                receiving_unit_id__in=_roles("filing_review"),
            ),
            "filing_review",
            **_document_columns(
                "document__",
                i_unit=F("receiving_unit__name"),
                i_state=F("status"),
                i_due=Coalesce(
                    _clock_due(Filing, "pk", clockrules.FILING_REVIEW), F("review_due_on")
                ),
            ),
        ),
        _row(
            Filing.objects.filter(
                status=Filing.Status.CORRECTION_REQUESTED,
                **{_DRAFTING_UNIT: _roles("filing_correction")},
            ),
            "filing_correction",
            **_document_columns(
                "document__",
                i_state=F("status"),
                i_due=Coalesce(
                    _clock_due(Filing, "pk", clockrules.FILING_CORRECTION),
                    F("correction_due_on"),
                ),
            ),
        ),
    ]

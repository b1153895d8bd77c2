"""The inbox branches of a document's own procedure: its current legality review (the review,
the amendments it asked for, sending it on to deliberation), then deliberation, registering,
publishing and deciding on its renewal."""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from workflows.clocks.models import Deadline
from workflows.models import Unit

from .. import clockrules
from ..models import Deliberation, DraftingBody, LegalityReview, NormativeDocument, Status
from ..steps import document_steps
from .columns import (
    _DRAFTING_UNIT,
    _clock_due,
    _clock_opened,
    _document_columns,
    _roles,
    _row,
    _subject_is,
    _units,
)


def _deliberation_offered() -> Q:
    """The deliberation step's offers (``normdocs.steps``), in SQL: its roles over the issuing
    unit, and the meeting secretary of the government whose government office issues the
    document (``steps.government_meeting_unit``: it deliberates at the government's meeting)."""
    own, government = document_steps()["deliberate"].offered_to
    governments = Unit.objects.filter(
        general_office=OuterRef("drafting_body__unit_id"), pk__in=_units(*government.roles)
    )
    return Q(drafting_body__unit_id__in=_units(*own.roles)) | Q(
        Exists(governments), ~Q(drafting_body__kind=DraftingBody.Kind.GOVERNMENT)
    )


def _review_branches() -> list:
    """The steps of the document's current legality review: the review itself, the drafter's
    amendments it asked for, and sending the document on to deliberation."""
    is_current_review = ~Exists(
        LegalityReview.objects.filter(document=OuterRef("document"), pk__gt=OuterRef("pk"))
    )
    reviews = LegalityReview.objects.filter(
        is_current_review, document__status=Status.LEGALITY_REVIEW
    )
    return [
        _row(
            reviews.filter(outcome="", **{_DRAFTING_UNIT: _roles("legality_review")}),
            "legality_review",
            **_document_columns(
                "document__",
                i_due=Coalesce(
                    _clock_due(NormativeDocument, "document_id", clockrules.LEGALITY_REVIEW),
                    F("due_on"),
                ),
            ),
        ),
        _row(
            reviews.filter(
                outcome=LegalityReview.Outcome.NEEDS_AMENDMENT,
                amendments_recorded_at=None,
                **{_DRAFTING_UNIT: _roles("amendments")},
            ),
            "amendments",
            **_document_columns("document__"),
        ),
        _row(
            reviews.filter(
                Q(outcome=LegalityReview.Outcome.LAWFUL)
                | Q(
                    outcome=LegalityReview.Outcome.NEEDS_AMENDMENT,
                    amendments_recorded_at__isnull=False,
                ),
                **{_DRAFTING_UNIT: _roles("send_to_deliberation")},
            ),
            "send_to_deliberation",
            **_document_columns("document__"),
        ),
    ]


def _document_branches() -> list:
    """The steps on the document itself: deliberation, registering and publishing it, and
    deciding on its renewal while an expiry notice clock runs."""
    adopted = Exists(Deliberation.objects.filter(document=OuterRef("pk"), adopted=True))
    documents = NormativeDocument.objects.all()
    return [
        _row(
            documents.filter(
                _deliberation_offered(),
                ~adopted,
                status=Status.DELIBERATION,
            ),
            "deliberation",
            **_document_columns(),
        ),
        _row(
            documents.filter(
                adopted, status=Status.DELIBERATION, drafting_body__unit_id__in=_roles("register")
            ),
            "register",
            **_document_columns(),
        ),
        _row(
            documents.filter(
                status=Status.REGISTERED, drafting_body__unit_id__in=_roles("publish")
            ),
            "publish",
            **_document_columns(),
        ),
        _row(
            documents.filter(
                Exists(
                    Deadline.objects.filter(
                        _subject_is(NormativeDocument, "pk"),
                        rule_key__in=(clockrules.EXPIRY_FIRST, clockrules.EXPIRY_LAST),
                        status__in=Deadline.RUNNING,
                    )
                ),
                status__in=(Status.PUBLISHED, Status.IN_FORCE),
                drafting_body__unit_id__in=_roles("renewal"),
            ),
            "renewal",
            # Renewal must be decided before the period lapses (令第218号): that day is the due.
            **_document_columns(
                i_due=F("valid_until"),
                i_created=_clock_opened(
                    NormativeDocument, "pk", clockrules.EXPIRY_FIRST, clockrules.EXPIRY_LAST
                ),
            ),
        ),
    ]

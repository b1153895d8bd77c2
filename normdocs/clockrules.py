"""The legal clocks of normative documents, registered with workflows.clocks at start-up.

A jurisdiction changes a length with a DeadlineRuleOverride in the admin, not a code change.
"""

from django.utils.translation import gettext_lazy as _

from workflows.clocks.rules import CALENDAR, WORKING, DeadlineRule, register_rule

from .conf import legal_source, setting

LEGALITY_REVIEW = "normdocs.legality_review"
FILING = "normdocs.filing"
FILING_REVIEW = "normdocs.filing_review"
FILING_CORRECTION = "normdocs.filing_correction"
CLEANUP_ITEM = "normdocs.cleanup_review"
# Two clocks that end on the reminder days before expiry (6 and 1 months): each is a one-day clock
# started the day before, so the clocks sweep reminds and escalates from exactly that date.
EXPIRY_FIRST = "normdocs.expiry_first_notice"
EXPIRY_LAST = "normdocs.expiry_last_notice"


def register() -> None:
    for key, unit, name, description in [
        (
            LEGALITY_REVIEW,
            WORKING,
            "LEGALITY_REVIEW_MAX_WORKING_DAYS",
            _("Legality review of a normative document"),
        ),
        (FILING, CALENDAR, "FILING_DEADLINE_DAYS", _("Filing of a normative document")),
        (FILING_REVIEW, CALENDAR, "FILING_REVIEW_DAYS", _("Filing review")),
        (
            FILING_CORRECTION,
            CALENDAR,
            "FILING_CORRECTION_DAYS",
            _("Correction after filing review"),
        ),
        (CLEANUP_ITEM, CALENDAR, "CLEANUP_ITEM_DAYS", _("Cleanup review by the drafting body")),
    ]:
        register_rule(
            DeadlineRule(
                key=key,
                unit=unit,
                amount=setting(name),
                legal_source=legal_source(name),
                description=description,
            )
        )
    for key, name, description in [
        (
            EXPIRY_FIRST,
            "EXPIRY_FIRST_REMINDER_MONTHS",
            _("Evaluate renewal: the validity period ends in 6 months"),
        ),
        (
            EXPIRY_LAST,
            "EXPIRY_LAST_REMINDER_MONTHS",
            _("Decide renewal: the validity period ends in 1 month"),
        ),
    ]:
        register_rule(
            DeadlineRule(
                key=key,
                unit=CALENDAR,
                amount=1,
                legal_source=legal_source(name),
                description=description,
            )
        )

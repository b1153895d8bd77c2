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
# Public comment on a document touching the public interest: its own clock, so that the period
# cites the normative-document rules, not the decisions' Decree 713 Art. 15.
PUBLIC_COMMENT = "normdocs.public_comment"
PUBLIC_COMMENT_SOURCE = "国办发〔2018〕37号 二(五)；自治区人民政府令第218号"


def register() -> None:
    _register_public_comment()
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


def _register_public_comment() -> None:
    """The comment period of a normative document (国办发〔2018〕37号 二(五)；自治区人民政府令
    第218号), used by workflows.consultations for a consultation on a NormativeDocument."""
    from django.conf import settings

    from workflows.consultations import rules as consultation_rules

    register_rule(
        DeadlineRule(
            key=PUBLIC_COMMENT,
            unit=CALENDAR,
            amount=int(getattr(settings, "NORMDOCS_PUBLIC_COMMENT_MIN_DAYS", 30)),
            legal_source=PUBLIC_COMMENT_SOURCE,
            description=_("Public comment on a normative document"),
        )
    )
    consultation_rules.SUBJECT_RULE_KEYS["normdocs.normativedocument"] = PUBLIC_COMMENT

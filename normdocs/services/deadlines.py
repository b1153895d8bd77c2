"""The legal clocks of normative documents, on workflows.clocks.

Rule keys and their defaults are in normdocs/clockrules.py, registered at start-up; a
jurisdiction changes a length with a DeadlineRuleOverride, not a code change.
"""

from datetime import timedelta

from workflows.clocks.models import Deadline
from workflows.clocks.selectors import deadlines_for
from workflows.clocks.services import deadline_meet, deadline_open, deadline_waive

from ..clockrules import (  # noqa: F401 (re-exported for the services)
    CLEANUP_ITEM,
    EXPIRY_FIRST,
    EXPIRY_LAST,
    FILING,
    FILING_CORRECTION,
    FILING_REVIEW,
    LEGALITY_REVIEW,
)
from ..models import CleanupAssignment, CleanupCampaign, Filing, LegalityReview, NormativeDocument


def running(subject, rule_key: str) -> Deadline | None:
    return deadlines_for(subject).filter(rule_key=rule_key, status__in=Deadline.RUNNING).first()


def meet(subject, rule_key: str, *, at=None) -> None:
    """Stop the clock at ``at``, the time the act was done (now when it is done live)."""
    deadline = running(subject, rule_key)
    if deadline is not None:
        deadline_meet(deadline=deadline, at=at)


def waive(subject, rule_key: str, *, by, reason: str) -> None:
    # clocks.deadline_waive names a person (waived_by) and cannot be called for the system yet:
    # a clock the system would close stays running and shows as overdue. See the issue note.
    if by == "system":
        return
    deadline = running(subject, rule_key)
    if deadline is not None:
        deadline_waive(deadline=deadline, by=by, reason=reason)


def open_clock(*, subject, rule_key: str, start, responsible_unit, responsible_people=()):
    return deadline_open(
        subject=subject,
        rule_key=rule_key,
        start=start,
        responsible_unit=responsible_unit,
        responsible_people=responsible_people,
    )


def open_notice(*, subject, rule_key: str, on, responsible_unit):
    """A one-day clock (see EXPIRY_FIRST) that falls due on ``on``."""
    return open_clock(
        subject=subject,
        rule_key=rule_key,
        start=on - timedelta(days=1),
        responsible_unit=responsible_unit,
    )


def notice_exists(subject, rule_key: str, *, on) -> bool:
    return deadlines_for(subject).filter(rule_key=rule_key, start=on - timedelta(days=1)).exists()


def copy_computed_due(*, deadline: Deadline, **_kwargs) -> None:
    """A clock that awaited its holiday notice got its due date: copy it onto the rows that
    show it (``workflows.clocks.signals.deadline_computed``, in the same transaction)."""
    subject_model = deadline.content_type.model_class()
    pk = deadline.object_id
    due = deadline.due
    if deadline.rule_key == LEGALITY_REVIEW and subject_model is NormativeDocument:
        LegalityReview.objects.filter(
            document_id=pk, submitted_on=deadline.start, due_on=None
        ).update(due_on=due)
    elif deadline.rule_key == FILING and subject_model is NormativeDocument:
        Filing.objects.filter(document_id=pk, due_on=None).update(due_on=due)
    elif deadline.rule_key == FILING_REVIEW and subject_model is Filing:
        Filing.objects.filter(pk=pk, review_due_on=None).update(review_due_on=due)
    elif deadline.rule_key == FILING_CORRECTION and subject_model is Filing:
        Filing.objects.filter(pk=pk, correction_due_on=None).update(correction_due_on=due)
    elif deadline.rule_key == CLEANUP_ITEM and subject_model is CleanupAssignment:
        assignment = CleanupAssignment.objects.filter(pk=pk).select_related("campaign").first()
        if assignment is not None:
            CleanupAssignment.objects.filter(pk=pk, due_on=None).update(due_on=due)
            CleanupCampaign.objects.filter(pk=assignment.campaign_id, due_on=None).update(
                due_on=due
            )

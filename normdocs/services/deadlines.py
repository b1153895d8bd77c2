"""The legal clocks of normative documents, on workflows.clocks.

Rule keys and their defaults are in normdocs/clockrules.py, registered at start-up; a
jurisdiction changes a length with a DeadlineRuleOverride, not a code change.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.utils import translation

from workflows.clocks.models import Deadline
from workflows.clocks.selectors import deadlines_for
from workflows.clocks.services import (
    DeadlineClosed,
    deadline_meet,
    deadline_open,
    deadline_waive,
    deadlines_open_many,
)
from workflows.record.services import ACTOR_SYSTEM

from ..clockrules import (  # noqa: F401 (re-exported for the services)
    CLEANUP_ITEM,
    EXPIRY_FIRST,
    EXPIRY_LAST,
    FILING,
    FILING_CORRECTION,
    FILING_REVIEW,
    LEGALITY_REVIEW,
)
from ..models import (
    ENDED_STATES,
    CleanupAssignment,
    CleanupCampaign,
    CleanupItem,
    Filing,
    LegalityReview,
    NormativeDocument,
)


def running(subject, rule_key: str) -> Deadline | None:
    return deadlines_for(subject).filter(rule_key=rule_key, status__in=Deadline.RUNNING).first()


def meet(subject, rule_key: str, *, at=None) -> None:
    """Stop the clock at ``at``, the time the act was done (now when it is done live)."""
    deadline = running(subject, rule_key)
    if deadline is not None:
        deadline_meet(deadline=deadline, at=at)


def waive(subject, rule_key: str, *, by, reason: str) -> None:
    """Stop the clock without the step being done; ``by`` is a person or "system"."""
    deadline = running(subject, rule_key)
    if deadline is not None:
        deadline_waive(deadline=deadline, by=by, reason=reason)


def clocks_end_with(document: NormativeDocument, *, reason) -> int:
    """Close every running clock of a document that has just ended (lapsed, repealed, declared
    invalid, replaced by its amendment); returns how many were closed.

    The document's own clocks (filing, renewal notices), its filing's (review, correction) and
    its drafting body's cleanup review when no document still in force is left undecided
    there: work that is no longer to be done must not show as overdue. Waived by the system
    with ``reason``, a (lazy) text naming the end, stored in the installation's language like
    a reason a person types. A clock closed meanwhile by someone else is skipped.
    """
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(reason)
    filings = [
        str(pk) for pk in Filing.objects.filter(document=document).values_list("pk", flat=True)
    ]
    # The shares (国办发〔2018〕37号 五(十八)) whose snapshot holds the document undecided and
    # where every document still undecided has ended too.
    assignments = []
    for assignment in CleanupAssignment.objects.filter(
        drafting_body_id=document.drafting_body_id, campaign__status=CleanupCampaign.Status.OPEN
    ).exclude(Exists(CleanupItem.objects.filter(campaign=OuterRef("campaign"), document=document))):
        if document.pk not in assignment.documents:
            continue
        decided = CleanupItem.objects.filter(assignment=assignment).values("document")
        live_undecided = (
            NormativeDocument.objects.filter(pk__in=assignment.documents)
            .exclude(status__in=ENDED_STATES)
            .exclude(pk__in=decided)
        )
        if not live_undecided.exists():
            assignments.append(str(assignment.pk))
    type_of = ContentType.objects.get_for_model
    clocks = Deadline.objects.filter(status__in=Deadline.RUNNING).filter(
        Q(content_type=type_of(NormativeDocument), object_id=str(document.pk))
        | Q(content_type=type_of(Filing), object_id__in=filings)
        | Q(content_type=type_of(CleanupAssignment), object_id__in=assignments)
    )
    closed = 0
    for deadline in clocks.order_by("pk"):
        try:
            deadline_waive(deadline=deadline, by=ACTOR_SYSTEM, reason=reason)
        except DeadlineClosed:
            continue
        closed += 1
    return closed


def open_clock(
    *, subject, rule_key: str, start, responsible_unit, responsible_role, responsible_people=()
):
    """``responsible_role`` for ``responsible_unit`` is who acts on the step: the role
    ``permissions.py`` requires for it (see the table in normdocs/inbox), reminded and shown
    the clock."""
    return deadline_open(
        subject=subject,
        rule_key=rule_key,
        start=start,
        responsible_unit=responsible_unit,
        responsible_role=responsible_role,
        responsible_people=responsible_people,
    )


def open_clocks(*, rule_key: str, start, subjects, responsible_role):
    """``open_clock`` for many ``(subject, responsible_unit)`` at once, in a fixed number of
    statements (``deadlines_open_many``)."""
    return deadlines_open_many(
        rule_key=rule_key, start=start, subjects=subjects, responsible_role=responsible_role
    )


def open_notice(*, subject, rule_key: str, on, responsible_unit, responsible_role):
    """A one-day clock (see EXPIRY_FIRST) that falls due on ``on``."""
    return open_clock(
        subject=subject,
        rule_key=rule_key,
        start=on - timedelta(days=1),
        responsible_unit=responsible_unit,
        responsible_role=responsible_role,
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
    elif deadline.rule_key == FILING and subject_model is Filing:  # one clock per filing
        Filing.objects.filter(pk=pk, due_on=None).update(due_on=due)
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

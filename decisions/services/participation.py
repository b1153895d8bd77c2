"""Public participation: the consultation on the draft and its comments (第十四条、第十五条) and
hearings (第十六条、第十七条)."""

import hashlib
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from workflows.consultations import services as consultation_services
from workflows.consultations.models import Comment, Consultation
from workflows.consultations.selectors import consultation_latest
from workflows.record.services import record_append
from workflows.transactions import service_atomic

from .. import rules
from ..lifecycle import decision_stage_move
from ..models import Decision, Hearing, Stage
from ._common import (
    act_on,
    act_time,
    held_read,
    held_remember,
    held_written,
    lock,
    require_not_sealed,
    require_role,
    require_stage,
)

LATEST = "latest_consultation"  # what ``latest_consultation`` keeps while the decision is held


def latest_consultation(decision: Decision) -> Consultation | None:
    """The decision's latest consultation (``consultation_latest``), read once while this
    transaction holds the decision (``_common.held_read``): the flow's timer asks the one just
    opened for its closing moment. The services below that change it hand their copy on."""
    return held_read(decision, LATEST, lambda: consultation_latest(subject=decision))


def latest_consultation_column(value) -> Subquery:
    """``value`` (a field's name or an expression) of the latest consultation of the decision a
    query is on (``OuterRef("pk")``), as one of its columns, None when it has none: the package
    and archive checklists read it with their counts in one statement. Latest in
    ``consultation_latest``'s order."""
    latest = Consultation.objects.filter(
        subject_type=ContentType.objects.get_for_model(Decision), subject_id=OuterRef("pk")
    ).order_by("-opens_at", "-pk")
    return Subquery(latest.values(value=F(value) if isinstance(value, str) else value)[:1])


@service_atomic
def decision_consultation_open(
    *,
    decision: Decision,
    by,
    opens_at: datetime,
    closes_at: datetime,
    short_period_reason: str = "",
    attachments: list[tuple[str, bytes]] = (),
) -> Consultation:
    """Put the draft out for public comment, ≥ 30 days or shorter with a published reason
    (第十四条、第十五条), with its attachments as ``(name, content)`` pairs: the public sees the
    draft text and the attachments. One refused file refuses the whole opening."""
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.CONSULTATION)
    latest = latest_consultation(decision)
    if latest is not None and latest.status != Consultation.Status.FINISHED:
        raise ValidationError(_("A consultation is already running."), code="consultation_running")
    consultation = consultation_services.consultation_open(
        subject=decision,
        by=by,
        title=decision.title,
        draft_text=decision.draft_text,
        opens_at=opens_at,
        closes_at=closes_at,
        short_period_reason=short_period_reason,
    )
    if latest is None or consultation.opens_at >= latest.opens_at:  # consultation_latest's order
        held_remember(decision, LATEST, consultation)
    for name, data in attachments:
        consultation_services.consultation_attachment_add(
            consultation=consultation, by=by, name=name, data=data
        )
    record_append(
        actor=by,
        action="decision.consultation_opened",
        subject=decision,
        # The drafting explanation is published beside the draft (第十四条): its text as it
        # went out is kept in the record.
        payload={
            "consultation": consultation.pk,
            "drafting_explanation": decision.drafting_explanation,
        },
    )
    return consultation


@service_atomic
def decision_consultation_close(*, decision: Decision | int, at: datetime | None = None) -> bool:
    """The comment period ran out (the flow's timer): the lead unit now handles the comments.
    Harmless when run twice. ``decision`` may be its id (the timer has only that)."""
    decision = lock(decision)
    consultation = latest_consultation(decision)
    if consultation is None:
        return False
    # Closing refreshes the instance it is given: the kept copy stays current.
    closed = consultation_services.consultation_close(consultation=consultation, at=at)
    if decision.stage == Stage.CONSULTATION and consultation.status != Consultation.Status.OPEN:
        decision_stage_move(decision=decision, move="close_consultation")
        record_append(
            actor="system",
            action="decision.consultation_closed",
            subject=decision,
            payload={"consultation": consultation.pk, **act_on(act_time(at))},
        )
    return closed


@service_atomic
def decision_comment_dispose(*, comment: Comment, by, outcome: str, reason: str = ""):
    """The lead unit's drafter disposes of a comment on its decision (第十五条).

    Under the decision's lock, like ``decision_consultation_finish``: a disposition written
    while the adoption report is being made would change a report already counted."""
    decision = comment.consultation.subject
    if not isinstance(decision, Decision):
        raise ValidationError(_("This comment is not about a decision."), code="wrong_subject")
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.CONSULTATION, Stage.DISPOSITION)
    return consultation_services.comment_dispose(
        comment=comment, by=by, outcome=outcome, reason=reason
    )


@service_atomic
def decision_comment_hide(*, comment: Comment, by, reason: str):
    """The lead unit's drafter hides an abusive comment, keeping it and the reason (第十五条);
    under the decision's lock, as every change to what its consultation holds."""
    decision = comment.consultation.subject
    if not isinstance(decision, Decision):
        raise ValidationError(_("This comment is not about a decision."), code="wrong_subject")
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_not_sealed(decision)
    return consultation_services.comment_hide(comment=comment, by=by, reason=reason)


@service_atomic
def decision_consultation_finish(
    *, decision: Decision, by, at: datetime | None = None
) -> Consultation:
    """Every comment has its disposition: write the adoption report and move on to the
    assessments (第十五条). Refused while a comment lacks a disposition. ``at``: when, given
    when it is entered after the fact."""
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.DISPOSITION)
    consultation = consultation_services.consultation_finish(
        consultation=latest_consultation(decision), by=by
    )
    held_written(decision, LATEST, consultation)
    decision_stage_move(decision=decision, move="finish_consultation")
    record_append(
        actor=by,
        action="decision.consultation_finished",
        subject=decision,
        payload={
            "consultation": consultation.pk,
            "comments": consultation.comments.count(),
            **act_on(act_time(at)),
        },
    )
    return consultation


@service_atomic
def hearing_schedule(
    *,
    decision: Decision,
    by,
    materials_sent_on: date,
    held_on: date,
    participants: str,
    place: str = "",
    notice: str = "",
    at: datetime | None = None,
) -> Hearing:
    """Schedule a hearing: materials reach participants ≥ 7 days before; the participant list
    is published (第十六条、第十七条). With its ``notice`` (听证公告) it is announced at once:
    the notice and the participants appear on the portal (``hearing_announce``)."""
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.DRAFTING, Stage.CONSULTATION, Stage.DISPOSITION, Stage.ASSESSMENT)
    if rules.hearing_problem(materials_sent_on=materials_sent_on, held_on=held_on):
        raise ValidationError(
            _("The hearing must be held at least %(days)s days after the materials are sent."),
            code="hearing_notice_too_short",
            params={"days": rules.HEARING_NOTICE_DAYS},
        )
    if not participants.strip():
        raise ValidationError(_("List the participants."), code="participants_required")
    hearing = Hearing.objects.create(
        decision=decision,
        materials_sent_on=materials_sent_on,
        held_on=held_on,
        participants=participants.strip(),
        place=place,
        notice=notice.strip(),
        announced_at=act_time(at) if notice.strip() else None,
        scheduled_by=by,
    )
    record_append(
        actor=by,
        action="decision.hearing_scheduled",
        subject=decision,
        payload={
            "hearing": hearing.pk,
            "materials_sent_on": materials_sent_on,
            "held_on": held_on,
            "participants": hearing.participants,
            "notice": hearing.notice,
            **act_on(act_time(at)),
        },
    )
    return hearing


@service_atomic
def hearing_announce(*, hearing: Hearing, by, notice: str, at: datetime | None = None) -> Hearing:
    """Announce a scheduled hearing: its notice (matter, time, place, how to take part) and its
    participant list are published on the portal before it is held (第十六条、第十七条)."""
    decision = lock(hearing.decision_id)
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_not_sealed(decision)
    if hearing.recorded_at is not None:
        raise ValidationError(_("The hearing was already held."), code="hearing_held")
    if not notice.strip():
        raise ValidationError(_("Write the hearing notice."), code="notice_required")
    hearing.notice = notice.strip()
    hearing.announced_at = act_time(at)
    hearing.save(update_fields=["notice", "announced_at"])
    record_append(
        actor=by,
        action="decision.hearing_announced",
        subject=decision,
        payload={"hearing": hearing.pk, "notice": hearing.notice, **act_on(hearing.announced_at)},
    )
    return hearing


@service_atomic
def hearing_record(
    *, hearing: Hearing, by, record: str, signed_by_participants: bool, at: datetime | None = None
) -> Hearing:
    """The hearing record, signed by the participants (第十七条)."""
    decision = lock(hearing.decision_id)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_not_sealed(decision)
    if not record.strip() or not signed_by_participants:
        raise ValidationError(
            _("The hearing record must be written and signed by the participants."),
            code="record_unsigned",
        )
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    hearing.record = record.strip()
    hearing.record_signed = True
    hearing.recorded_at = act_time(at)
    hearing.save(update_fields=["record", "record_signed", "recorded_at"])
    record_append(
        actor=by,
        action="decision.hearing_recorded",
        subject=decision,
        payload={
            "hearing": hearing.pk,
            "sha256": hashlib.sha256(hearing.record.encode()).hexdigest(),
            **act_on(hearing.recorded_at),
        },
    )
    return hearing

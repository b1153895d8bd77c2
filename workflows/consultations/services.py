"""Writes for public consultations. Every change is recorded in the same transaction."""

import hashlib
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.clocks.selectors import deadlines_for, rule_for
from workflows.clocks.services import deadline_open, deadlines_meet_running
from workflows.files import upload_store
from workflows.record.services import record_append
from workflows.validators import period_too_long_error

from ..composed import composed_first, composed_get
from ..transactions import service_atomic
from . import public_cache, rules
from .models import COMMENT_MAX_CHARS, Comment, Consultation, ConsultationAttachment, Disposition


def minimum_period(subject: Model | None = None) -> tuple[int, str]:
    """The minimum comment period in calendar days and its legal source: the clocks rule
    ``consultation.comment_period`` (default 30 days, 第十五条; a jurisdiction may override it),
    or the rule the subject's app registered for it (``rules.rule_key_for``)."""
    rule = rule_for(rules.rule_key_for(subject._meta.label_lower if subject else None))
    return rule.amount, rule.legal_source


def period_refuse(
    *,
    opens_at: datetime,
    closes_at: datetime,
    short_period_reason: str = "",
    subject: Model | None = None,
) -> None:
    """Raise the refusal ``consultation_open`` gives this comment period, if any
    (《重大行政决策程序暂行条例》第十五条: not less than the minimum, 30 days by default, unless a
    reason is stated and published; the closing day comes after the opening day). Its ``code``
    names the rule: ``closes_before_opening``, ``period_too_long``,
    ``short_period_without_reason``."""
    days, _source = minimum_period(subject)
    problem = rules.period_problem(
        opens_at=opens_at,
        closes_at=closes_at,
        minimum_days=days,
        short_period_reason=short_period_reason,
    )
    if problem == "period_too_long":
        raise period_too_long_error()
    if problem == "closes_before_opening":
        raise ValidationError(
            _("The consultation must close on a later day than the day it opens."), code=problem
        )
    if problem == "short_period_without_reason":
        raise ValidationError(
            _("A comment period shorter than %(days)s days needs a stated reason."),
            code=problem,
            params={"days": days},
        )


def period_refusal(**period) -> ValidationError | None:
    """The refusal of ``period_refuse`` as a value, or None: the forms that open a consultation
    ask it first to show the service's own refusal at its field."""
    try:
        period_refuse(**period)
    except ValidationError as refusal:
        return refusal
    return None


@service_atomic
def consultation_open(
    *,
    subject: Model,
    by,
    title: str,
    draft_text: str,
    opens_at: datetime,
    closes_at: datetime,
    short_period_reason: str = "",
) -> Consultation:
    """Put ``draft_text`` out for public comment. A short period needs a reason, and the
    period ends on a later day than it starts (第十五条, ``period_refuse``)."""
    days, legal_source = minimum_period(subject)
    period_refuse(
        opens_at=opens_at,
        closes_at=closes_at,
        short_period_reason=short_period_reason,
        subject=subject,
    )
    if not draft_text.strip():
        raise ValidationError(_("There is no text to put out for comment."), code="no_text")
    consultation = Consultation.objects.create(
        subject=subject,
        title=title,
        draft_text=draft_text,
        draft_sha256=hashlib.sha256(draft_text.encode()).hexdigest(),
        opens_at=opens_at,
        closes_at=closes_at,
        minimum_days=days,
        legal_source=legal_source,
        # Only a period actually shorter than the minimum carries (and publishes) a reason.
        short_period_reason=short_period_reason.strip()
        if closes_at < rules.earliest_close(opens_at=opens_at, minimum_days=days)
        else "",
        created_by=by,
    )
    record_append(
        actor=by,
        action="consultation.opened",
        subject=consultation,
        payload={
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
            "minimum_days": days,
            "legal_source": legal_source,
            "short_period_reason": consultation.short_period_reason,
            "draft_sha256": consultation.draft_sha256,
        },
    )
    _period_clock_open(consultation, subject=subject, by=by)
    return consultation


def _period_clock_open(consultation: Consultation, *, subject: Model, by) -> None:
    """The engine's timer closes the period; this clock reminds the lead unit before it closes
    (第十五条: the period the consultation was given, 30 days unless a reason was published).
    No clock when the person who opened it has no profile (and so no unit to answer for it)."""
    profile = getattr(by, "profile", None)
    if profile is not None:
        deadline_open(
            subject=consultation,
            rule_key=rules.rule_key_for(subject._meta.label_lower),
            start=timezone.localdate(consultation.opens_at),
            due=timezone.localdate(consultation.closes_at),
            responsible_unit=profile.unit,
            # Both apps let only a drafter open a consultation (decision_consultation_open,
            # normdocs' open_consultation); the unit's drafters answer for it after them.
            responsible_role="drafter",
            responsible_people=[by],
        )


@service_atomic
def comment_submit(
    *,
    consultation: Consultation,
    text: str,
    name: str = "",
    contact: str = "",
    paragraph_ref: str = "",
    show_name: bool = False,
    at: datetime | None = None,
) -> Comment:
    """A member of the public comments (第十四条). Called by the public portal."""
    at = at or timezone.now()
    consultation = _consultation_locked(consultation.pk)
    if not rules.is_accepting_comments(
        status_open=consultation.status == Consultation.Status.OPEN,
        opens_at=consultation.opens_at,
        closes_at=consultation.closes_at,
        at=at,
    ):
        raise ValidationError(_("This consultation is not accepting comments."), code="closed")
    text = text.strip()
    if not text:
        raise ValidationError(_("The comment is empty."), code="empty")
    if len(text) > COMMENT_MAX_CHARS:
        raise ValidationError(
            _("A comment may have at most %(max)s characters."),
            code="too_long",
            params={"max": COMMENT_MAX_CHARS},
        )
    comment = Comment.objects.create(
        consultation=consultation,
        text=text,
        name=name.strip()[:100],
        contact=contact.strip()[:200],
        paragraph_ref=paragraph_ref.strip()[:100],
        show_name=show_name and bool(name.strip()),
        submitted_at=at,
    )
    # The contact is personal data: the record keeps only that one was given.
    record_append(
        actor="public",
        action="consultation.comment_submitted",
        subject=consultation,
        payload={
            "comment_id": comment.pk,
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "has_contact": bool(comment.contact),
        },
    )
    return comment


@service_atomic
def comment_hide(*, comment: Comment, by, reason: str) -> Comment:
    """Hide a comment from the public page; it is never deleted and still needs a disposition."""
    if not reason.strip():
        raise ValidationError(_("Hiding a comment needs a reason."), code="reason_required")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.hidden = True
    comment.hidden_reason = reason.strip()
    comment.hidden_by = by
    comment.hidden_at = timezone.now()
    comment.save(update_fields=["hidden", "hidden_reason", "hidden_by", "hidden_at"])
    record_append(
        actor=by,
        action="consultation.comment_hidden",
        subject=comment.consultation,
        payload={"comment_id": comment.pk, "reason": comment.hidden_reason},
    )
    return comment


@service_atomic
def comment_dispose(*, comment: Comment, by, outcome: str, reason: str = "") -> Disposition:
    """Record how a comment was handled: adopted, partly adopted or not adopted (第十五条).

    It may be changed until the consultation finishes; each change is recorded.
    """
    if outcome not in Disposition.Outcome.values:
        raise ValidationError(_("Unknown disposition."), code="invalid_outcome")
    problem = rules.disposition_problem(outcome=outcome, reason=reason)
    if problem:
        raise ValidationError(_("A comment not fully adopted needs a reason."), code=problem)
    consultation = _consultation_locked(comment.consultation_id)
    if consultation.status == Consultation.Status.FINISHED:
        raise ValidationError(
            _("The consultation is finished; dispositions are final."), code="finished"
        )
    # What ``update_or_create`` does, without its two savepoints: it takes them to survive
    # another transaction creating the same comment's disposition between its read and its
    # insert, which the consultation's row lock above rules out (every disposition is written
    # here, under it). A savepoint would also make the rows this transaction holds be read
    # again (``workflows.locks.row_held``).
    fields = {
        "outcome": outcome,
        "reason": reason.strip(),
        "decided_by": by,
        "decided_at": timezone.now(),
    }
    disposition = composed_first(("disposition locked",), _disposition_locked, comment.pk)
    if disposition is None:
        disposition = Disposition.objects.create(comment=comment, **fields)
    else:
        for name, value in fields.items():
            setattr(disposition, name, value)
        disposition.save(update_fields=list(fields))
    record_append(
        actor=by,
        action="consultation.comment_disposed",
        subject=consultation,
        payload={"comment_id": comment.pk, "outcome": outcome, "reason": disposition.reason},
    )
    return disposition


@service_atomic
def consultation_close(
    *, consultation: Consultation, by="system", at: datetime | None = None
) -> bool:
    """Close the comment period once it has run out. Harmless when run twice: returns False
    when somebody else already closed it or the period has not ended."""
    at = at or timezone.now()
    claimed = Consultation.objects.filter(
        pk=consultation.pk, status=Consultation.Status.OPEN, closes_at__lte=at
    ).update(status=Consultation.Status.CLOSED, closed_at=at)
    if claimed != 1:
        return False
    public_cache.forget(consultation.pk)  # update() sends no post_save
    consultation.refresh_from_db()
    deadlines_meet_running(
        deadlines=deadlines_for(consultation), at=at, by=None if by == "system" else by
    )
    record_append(
        actor=by,
        action="consultation.closed",
        subject=consultation,
        payload={"closed_at": at.isoformat(), "comments": consultation.comments.count()},
    )
    return True


def _disposed_comments(consultation: Consultation):
    comments = consultation.comments.select_related("disposition").order_by("submitted_at", "pk")
    for number, comment in enumerate(comments, start=1):
        excerpt = comment.text if len(comment.text) <= 80 else comment.text[:80] + "…"
        yield rules.DisposedComment(
            number=number,
            paragraph_ref=comment.paragraph_ref,
            excerpt=excerpt,
            outcome=comment.disposition.outcome,
            reason=comment.disposition.reason,
            public_name=comment.name.strip() if comment.show_name else "",
            hidden=comment.hidden,
        )


@service_atomic
def consultation_finish(*, consultation: Consultation, by) -> Consultation:
    """Finish the consultation stage and write the adoption report.

    Refused while the period is still open or any comment lacks a disposition (第十五条).
    """
    consultation = _consultation_locked(consultation.pk)
    if consultation.status == Consultation.Status.OPEN:
        raise ValidationError(_("The comment period has not closed yet."), code="still_open")
    if consultation.status == Consultation.Status.FINISHED:
        return consultation
    undisposed = consultation.comments.filter(disposition__isnull=True).count()
    if not rules.may_finish(comments_without_disposition=undisposed):
        raise ValidationError(
            _("%(count)s comment(s) have no disposition yet."),
            code="undisposed_comments",
            params={"count": undisposed},
        )
    consultation.adoption_report = rules.adoption_report(
        title=consultation.title, comments=_disposed_comments(consultation)
    )
    consultation.status = Consultation.Status.FINISHED
    consultation.finished_at = timezone.now()
    consultation.save(update_fields=["adoption_report", "status", "finished_at"])
    record_append(
        actor=by,
        action="consultation.finished",
        subject=consultation,
        payload={
            "adoption_report_sha256": hashlib.sha256(
                consultation.adoption_report.encode()
            ).hexdigest()
        },
    )
    return consultation


@service_atomic
def consultation_attachment_add(
    *, consultation: Consultation, by, name: str, data: bytes
) -> ConsultationAttachment:
    """Publish a document with the consultation (第十四条). PDF, DOCX or OFD only, the type read
    from the content, the size limited (FAZHI_MAX_ATTACHMENT_BYTES). Who may add one is the
    subject's service's business; a finished consultation takes no more files."""
    consultation = _consultation_locked(consultation.pk)
    if consultation.status == Consultation.Status.FINISHED:
        raise ValidationError(_("The consultation is finished."), code="finished")
    attachment = ConsultationAttachment(consultation=consultation, uploaded_by=by)
    upload = upload_store(attachment, name=name, data=data)
    attachment.save()
    record_append(
        actor=by,
        action="consultation.attachment_added",
        subject=consultation,
        payload={"attachment": attachment.pk, **upload},
    )
    return attachment


# --- rows locked by their id, the statement composed once (``workflows.composed``): every
# comment, disposition and close of a consultation asks one of these.


def _consultation_locked(pk: int) -> Consultation:
    return composed_get(("consultation locked",), _consultation_lock, pk)


def _consultation_lock(pk: int) -> QuerySet:
    return Consultation.objects.select_for_update().filter(pk=pk)


def _disposition_locked(comment_id: int) -> QuerySet:
    """The comment's disposition, as ``.first()`` reads it."""
    return Disposition.objects.select_for_update().filter(comment_id=comment_id).order_by("pk")[:1]

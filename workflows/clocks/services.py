"""Writes for legal clocks: open, meet and waive deadlines; notifications.

A deadline is computed once, when its step opens, and stored with its rule, its legal source,
its start and its due date: the computation is evidence (domain.md §4). Each change is
written to the full-process record in the same transaction
(《重大行政决策程序暂行条例》第三十三条).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

import chinese_calendar
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from workflows.calendar import CalendarRangeError, package_years
from workflows.models import Unit
from workflows.record.services import ACTOR_SYSTEM, record_append, record_append_many
from workflows.roles import ROLES

from ..transactions import service_atomic
from .models import CalendarYear, CalendarYearDay, Deadline, Jurisdiction, Notification
from .rules import CALENDAR, DeadlineRule
from .selectors import calendar_for, calendars_all, jurisdiction_default, rule_for
from .signals import deadline_computed

logger = logging.getLogger(__name__)


class DeadlineClosed(ValidationError):
    """The deadline was already met or waived."""


def _msgid(text) -> str:
    """The untranslated source of a (lazy) string: stored, then translated for each reader."""
    with translation.override(None):
        return str(text)


@service_atomic
def deadline_open(
    *,
    subject,
    rule_key: str,
    start: date,
    responsible_unit: Unit,
    responsible_role: str = "",
    responsible_people: Iterable = (),
    jurisdiction: Jurisdiction | None = None,
    due: date | None = None,
) -> Deadline:
    """Start the clock ``rule_key`` for ``subject`` on ``start`` and store its due date.

    ``responsible_role`` is the role that acts on the step for ``responsible_unit`` (the
    step's offer): its holders are reminded when no ``responsible_people`` are named, and the
    unit's heads when the clock is overdue (``sweep._insert_due_reminders``). Empty: the unit's
    heads are reminded. Raises ValueError for a role that is not one of ``roles.ROLES``.

    ``due`` is for a period the law sets only a minimum for and the subject was given a
    different one (a consultation open longer than 30 days, or shorter with its published
    reason): that date is stored as given, counted in calendar days from ``start``, with the
    rule's legal source. Otherwise the rule computes it.

    The rule is the registered default with the jurisdiction's override applied, read now and
    copied onto the row, so later changes to the rule never move this deadline. Opening a clock
    that is already running for the same subject and rule returns the running one unchanged.

    When the count reaches a year whose State Council holiday notice is not known yet, the
    clock is stored without a due date, *awaiting the notice for that year*
    (``Deadline.awaiting_year``): the step that opened it goes ahead, and
    ``deadlines_compute_awaiting`` computes it the moment the notice is entered (domain.md
    §4: never guessed, never blocking the work). Raises ``rules.UnknownRule``.
    """
    _check_role(responsible_role)
    jurisdiction = jurisdiction or jurisdiction_default()
    content_type = ContentType.objects.get_for_model(subject)
    running = Deadline.objects.filter(
        content_type=content_type,
        object_id=str(subject.pk),
        rule_key=rule_key,
        status__in=Deadline.RUNNING,
    ).first()
    if running is not None:
        return running

    rule = rule_for(rule_key, jurisdiction=jurisdiction)
    if due is None:
        due, awaiting, period = *_computed_due(rule, start, jurisdiction), None
    else:  # a period set for this subject, counted in calendar days
        awaiting, period = None, (CALENDAR, (due - start).days)
    deadline = _new_deadline(
        content_type=content_type,
        subject=subject,
        rule=rule,
        jurisdiction=jurisdiction,
        start=start,
        due=due,
        awaiting=awaiting,
        period=period,
        responsible_unit=responsible_unit,
        responsible_role=responsible_role,
    )
    try:
        # A concurrent open of the same clock loses on the partial unique constraint.
        with transaction.atomic():
            deadline.save()
    except IntegrityError:
        return Deadline.objects.get(
            content_type=content_type,
            object_id=str(subject.pk),
            rule_key=rule_key,
            status__in=Deadline.RUNNING,
        )
    people = list(responsible_people)
    deadline.responsible_people.set(people)
    record_append(
        actor=ACTOR_SYSTEM,
        action="deadline.opened",
        subject=subject,
        payload=_opened_payload(deadline, rule, people=sorted(p.pk for p in people)),
    )
    return deadline


def _check_role(role: str) -> None:
    if role and role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; known roles: {', '.join(ROLES)}")


def _computed_due(rule, start: date, jurisdiction) -> tuple[date | None, int | None]:
    """(due, None), or (None, the year whose holiday notice the count waits for)."""
    try:
        return rule.due(start, calendar=calendar_for(jurisdiction)), None
    except CalendarRangeError as unknown:
        return None, unknown.year


def _new_deadline(
    *,
    content_type,
    subject,
    rule,
    jurisdiction,
    start: date,
    due: date | None,
    responsible_unit: Unit,
    responsible_role: str,
    awaiting: int | None = None,
    period: tuple[str, int] | None = None,
) -> Deadline:
    """The unsaved row of a clock (``deadline_open``, ``deadlines_open_many``): ``due`` (or
    ``awaiting``) as computed by the rule, over the rule's period unless ``period`` (unit,
    amount) names the one set for this subject."""
    unit, amount = period or (rule.unit, rule.amount)
    return Deadline(
        content_type=content_type,
        object_id=str(subject.pk),
        subject_label=str(subject)[:500],
        jurisdiction=jurisdiction,
        rule_key=rule.key,
        rule_description=_msgid(rule.description)[:300],
        legal_source=rule.legal_source,
        start=start,
        unit=unit,
        amount=amount,
        due=due,
        awaiting_year=awaiting,
        responsible_unit=responsible_unit,
        responsible_role=responsible_role,
    )


def _opened_payload(deadline: Deadline, rule, *, people: list[int]) -> dict:
    """The record entry of an opened clock (``deadline.opened``), one or many at a time."""
    return {
        "deadline": deadline.pk,
        "rule": rule.key,
        "stage": deadline.rule_description,
        "legal_source": rule.legal_source,
        "jurisdiction": deadline.jurisdiction.name,
        "start": deadline.start,
        "unit": rule.unit,
        "amount": rule.amount,
        "due": deadline.due,
        **({"awaiting_holiday_notice": deadline.awaiting_year} if deadline.awaiting_year else {}),
        "responsible_unit": deadline.responsible_unit.name,
        **({"responsible_role": deadline.responsible_role} if deadline.responsible_role else {}),
        "responsible_people": people,
    }


@service_atomic
def deadlines_open_many(
    *,
    rule_key: str,
    start: date,
    subjects: Sequence[tuple[object, Unit]],
    responsible_role: str = "",
    jurisdiction: Jurisdiction | None = None,
) -> list[Deadline]:
    """``deadline_open`` for many ``(subject, responsible_unit)`` at once: the same rule,
    start and role for all, no responsible people, each due date computed (or awaiting its
    holiday notice) as there. The same rows and the same "deadline.opened" events, in the
    order given, in a fixed number of statements however many subjects: a cleanup opens one
    clock per drafting body at once. Returns the deadlines in that order; a clock already
    running for a subject and ``rule_key`` is returned unchanged, as ``deadline_open`` does.
    """
    _check_role(responsible_role)
    jurisdiction = jurisdiction or jurisdiction_default()
    keyed = [
        (ContentType.objects.get_for_model(subject), str(subject.pk), subject, unit)
        for subject, unit in subjects
    ]
    if not keyed:
        return []
    by_type: dict[ContentType, list[str]] = {}
    for content_type, object_id, _subject, _unit in keyed:
        by_type.setdefault(content_type, []).append(object_id)
    running = {
        (d.content_type_id, d.object_id): d
        for d in Deadline.objects.filter(rule_key=rule_key, status__in=Deadline.RUNNING).filter(
            Q.create(
                [Q(content_type=ct, object_id__in=ids) for ct, ids in by_type.items()],
                connector=Q.OR,
            )
        )
    }
    rule = rule_for(rule_key, jurisdiction=jurisdiction)
    due, awaiting = _computed_due(rule, start, jurisdiction)  # the same for every subject
    opened = [
        _new_deadline(
            content_type=content_type,
            subject=subject,
            rule=rule,
            jurisdiction=jurisdiction,
            start=start,
            due=due,
            awaiting=awaiting,
            responsible_unit=unit,
            responsible_role=responsible_role,
        )
        for content_type, object_id, subject, unit in keyed
        if (content_type.pk, object_id) not in running
    ]
    try:
        # A concurrent open of one of these clocks loses on the partial unique constraint.
        with transaction.atomic():
            Deadline.objects.bulk_create(opened)
    except IntegrityError:
        # Then open them one by one, as deadline_open does: it returns the clock opened
        # concurrently, now committed.
        return [
            deadline_open(
                subject=subject,
                rule_key=rule_key,
                start=start,
                responsible_unit=unit,
                responsible_role=responsible_role,
                jurisdiction=jurisdiction,
            )
            for _type, _id, subject, unit in keyed
        ]
    record_append_many(
        actor=ACTOR_SYSTEM,
        action="deadline.opened",
        entries=[
            (
                _subject_key_of(deadline.content_type_id, deadline.object_id),
                _opened_payload(deadline, rule, people=[]),
            )
            for deadline in opened
        ],
    )
    new = {(d.content_type_id, d.object_id): d for d in opened}
    return [running.get((ct.pk, object_id)) or new[ct.pk, object_id] for ct, object_id, *_ in keyed]


def _lock(deadline: Deadline) -> Deadline:
    return Deadline.objects.select_for_update().get(pk=deadline.pk)


@service_atomic
def deadline_meet(*, deadline: Deadline, at: datetime | None = None, by=None) -> Deadline:
    """The step was done: stop the clock (late if it was overdue) and cancel unsent reminders.

    Meeting a met deadline again changes nothing; a waived one cannot be met.
    """
    row = _lock(deadline)
    if row.status == Deadline.Status.MET:
        return row
    if row.status == Deadline.Status.WAIVED:
        raise DeadlineClosed(_("This deadline was waived."), code="waived")
    at = at or timezone.now()
    was = row.status
    row.status = Deadline.Status.MET
    row.met_at = at
    row.save(update_fields=["status", "met_at"])
    row.reminders.filter(sent_at=None, cancelled_at=None).update(cancelled_at=at)
    record_append(
        actor=by or ACTOR_SYSTEM,
        action="deadline.met",
        subject=_subject_key(row),
        payload={
            "deadline": row.pk,
            "rule": row.rule_key,
            "due": row.due,
            "met_at": at,
            # A clock still awaiting its holiday notice cannot be late yet; its computation
            # says whether it was ("deadline.computed").
            "late": was == Deadline.Status.OVERDUE
            or (row.due is not None and timezone.localdate(at) > row.due),
        },
    )
    return row


@service_atomic
def deadline_waive(*, deadline: Deadline, by, reason: str) -> Deadline:
    """Stop the clock without the step being done; the reason is required and recorded.

    ``by`` is the person who decided, or ``"system"`` (ACTOR_SYSTEM) when a process closes
    a clock it no longer needs (e.g. a document withdrawn); the reason is required either way.
    """
    if by != ACTOR_SYSTEM and getattr(by, "pk", None) is None:
        # Checked first: the public or a missing person never waives a legal clock.
        raise TypeError(f"by is a saved User or {ACTOR_SYSTEM!r}, not {by!r}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("A reason is required to waive a deadline."), code="waiver_reason_required"
        )
    row = _lock(deadline)
    if not row.is_running:
        raise DeadlineClosed(_("This deadline is already closed."), code="closed")
    at = timezone.now()
    row.status = Deadline.Status.WAIVED
    row.waived_at = at
    row.waived_by = None if by == ACTOR_SYSTEM else by
    row.waived_reason = reason
    row.save(update_fields=["status", "waived_at", "waived_by", "waived_reason"])
    row.reminders.filter(sent_at=None, cancelled_at=None).update(cancelled_at=at)
    record_append(
        actor=by,
        action="deadline.waived",
        subject=_subject_key(row),
        payload={"deadline": row.pk, "rule": row.rule_key, "due": row.due, "reason": reason},
    )
    return row


def _subject_key(deadline: Deadline):
    return _subject_key_of(deadline.content_type_id, deadline.object_id)


def _subject_key_of(content_type_id: int, object_id: str):
    # The subject may have been deleted; the record names it by key either way.
    from workflows.record.selectors import SubjectKey

    return SubjectKey(ContentType.objects.get_for_id(content_type_id), object_id)


@service_atomic
def deadlines_mark_overdue(*, today: date) -> list[int]:
    """Mark running clocks whose due date has passed as overdue, recording each one.

    The due day itself is still in time. Rows another sweep is marking are skipped. One
    event per clock, about the clock's subject, all appended together (``record_append_many``):
    a sweep after a holiday may mark hundreds at once.
    """
    rows = list(
        Deadline.objects.select_for_update(skip_locked=True)
        .filter(status=Deadline.Status.OPEN, due__lt=today)
        .values_list("id", "content_type_id", "object_id", "rule_key", "due")
    )
    if not rows:
        return []
    ids = [row[0] for row in rows]
    Deadline.objects.filter(pk__in=ids, status=Deadline.Status.OPEN).update(
        status=Deadline.Status.OVERDUE
    )
    record_append_many(
        actor=ACTOR_SYSTEM,
        action="deadline.overdue",
        entries=[
            (
                _subject_key_of(content_type_id, object_id),
                {"deadline": pk, "rule": rule_key, "due": due, "on": today},
            )
            for pk, content_type_id, object_id, rule_key, due in rows
        ],
    )
    return ids


# --- clocks awaiting a holiday notice -------------------------------------------------------


@dataclass
class ComputeReport:
    computed: list[int] = field(default_factory=list)
    # Still waiting: their count reaches a year that is still unknown (deadline → year).
    waiting: dict[int, int] = field(default_factory=dict)


def _calendar_source(year: int) -> dict:
    """Where the schedule of ``year`` came from: the evidence a computation cites."""
    if year in package_years():
        return {
            "year": year,
            "source": "chinesecalendar",
            "version": getattr(chinese_calendar, "__version__", ""),
        }
    notice = CalendarYear.objects.filter(year=year, is_complete=True).first()
    if notice is None:  # cannot happen: the year was just used to compute
        return {"year": year}
    return {
        "year": year,
        "source": "notice",
        "notice": notice.pk,
        "title": notice.title,
        "reference": notice.reference,
        "published_on": notice.published_on,
    }


def deadlines_compute_awaiting(*, by=ACTOR_SYSTEM) -> ComputeReport:
    """Compute every clock that was waiting for a holiday notice now known (domain.md §4).

    Each clock in its own transaction, under its row lock, from the rule, legal source and
    start stored when it opened; the computation is written to the full-process record with
    the notice it used as its source, and ``signals.deadline_computed`` lets the domain apps
    copy the date onto their own rows in the same transaction. A clock whose count still
    reaches an unknown year keeps waiting (for that year). Harmless when run twice: a clock
    already computed is skipped. Called after a notice is entered or marked complete, and by
    every reminder sweep (which also catches a chinesecalendar upgrade).
    """
    report = ComputeReport()
    waiting = list(
        Deadline.objects.filter(due=None)
        .order_by("pk")
        .values_list("pk", "awaiting_year", "jurisdiction_id")
    )
    if not waiting:
        return report
    # Every sweep calls this: clocks whose year is still unknown are skipped without a lock.
    known = {pk: calendar.known_years for pk, calendar in calendars_all()}
    for pk, year, jurisdiction_id in waiting:
        if year not in known.get(jurisdiction_id, ()):
            report.waiting[pk] = year
            continue
        try:
            with transaction.atomic():
                row = Deadline.objects.select_for_update().select_related("jurisdiction").get(pk=pk)
                if row.due is not None:
                    continue
                calendar = calendar_for(row.jurisdiction)
                if row.awaiting_year not in calendar.known_years:
                    report.waiting[pk] = row.awaiting_year
                    continue
                rule = DeadlineRule(
                    key=row.rule_key,
                    unit=row.unit,
                    amount=row.amount,
                    legal_source=row.legal_source,
                )
                try:
                    due = rule.due(row.start, calendar=calendar)
                except CalendarRangeError as unknown:
                    # The count ran on into a later unknown year: wait for that one now.
                    row.awaiting_year = unknown.year
                    row.save(update_fields=["awaiting_year"])
                    report.waiting[pk] = unknown.year
                    continue
                years = sorted({y for y in range(row.start.year, due.year + 1)} - package_years())
                waited_for = row.awaiting_year
                row.due, row.awaiting_year = due, None
                row.save(update_fields=["due", "awaiting_year"])
                record_append(
                    actor=by,
                    action="deadline.computed",
                    subject=_subject_key(row),
                    payload={
                        "deadline": row.pk,
                        "rule": row.rule_key,
                        "stage": row.rule_description,
                        "legal_source": row.legal_source,
                        "start": row.start,
                        "unit": row.unit,
                        "amount": row.amount,
                        "due": due,
                        "awaited_holiday_notice": waited_for,
                        "calendar": [_calendar_source(y) for y in years]
                        or [_calendar_source(waited_for)],
                        **(
                            {"met_late": timezone.localdate(row.met_at) > due} if row.met_at else {}
                        ),
                    },
                )
                deadline_computed.send(sender=Deadline, deadline=row)
                report.computed.append(pk)
        except Exception:  # noqa: BLE001 - one clock's failure must not hold back the others
            logger.exception("Deadline %s could not be computed; the next sweep retries", pk)
    return report


# --- national holiday notices ---------------------------------------------------------------


@service_atomic
def calendar_year_enter(
    *,
    year: int,
    title: str,
    published_on: date,
    by,
    holidays: Mapping[date, str],
    working_days: Mapping[date, str] | None = None,
    reference: str = "",
    url: str = "",
    note: str = "",
    complete: bool = True,
) -> CalendarYear:
    """Enter the State Council's holiday notice for ``year``: its holidays and its make-up
    working days (调休), each with the festival it belongs to (domain.md §4).

    Raises ``ValidationError`` for a year the installed package carries (its schedule is never
    replaced by hand), a year already entered, a date outside ``year``, a make-up working day
    on a weekday, or a date listed twice. The admin does the same with its inline form.
    """
    if CalendarYear.objects.filter(year=year).exists():
        raise ValidationError(
            {
                "year": _(
                    "The holiday notice for %(year)s is entered already. Correct it in the "
                    "admin under “Deadlines and reminders → National holiday notices”."
                )
                % {"year": year}
            },
            code="entered",
        )
    notice = CalendarYear(
        year=year,
        title=title,
        reference=reference,
        url=url,
        published_on=published_on,
        is_complete=complete,
        note=note,
        entered_by=None if by in (None, ACTOR_SYSTEM) else by,
    )
    working_days = working_days or {}
    twice = sorted(set(holidays) & set(working_days))
    if twice:
        raise ValidationError(
            _("A date is listed both as a holiday and as a working day: %(dates)s"),
            code="day_listed_twice",
            params={"dates": ", ".join(d.isoformat() for d in twice)},
        )
    notice.full_clean()
    notice.save()
    days = [
        CalendarYearDay(calendar_year=notice, date=day, kind=kind, name=name)
        for kind, entries in (
            (CalendarYearDay.Kind.HOLIDAY, holidays),
            (CalendarYearDay.Kind.WORKING_DAY, working_days),
        )
        for day, name in sorted(entries.items())
    ]
    for day in days:
        day.full_clean()
        day.save()
    calendar_year_record(calendar_year=notice, by=by, action="calendar.year_entered")
    return notice


def calendar_year_record(*, calendar_year: CalendarYear, by, action: str) -> None:
    """Write the notice as it now stands to the full-process record: every deadline computed
    with it can be traced to the data and the person who entered them.

    A notice that is complete now releases the clocks that waited for it: once this
    transaction commits, each is computed in its own (``deadlines_compute_awaiting``).
    """
    if calendar_year.is_complete:
        transaction.on_commit(lambda: deadlines_compute_awaiting(by=by or ACTOR_SYSTEM))
    days = list(calendar_year.days.order_by("date").values_list("date", "kind", "name"))
    record_append(
        actor=by or ACTOR_SYSTEM,
        action=action,
        subject=calendar_year,
        payload={
            "year": calendar_year.year,
            "title": calendar_year.title,
            "reference": calendar_year.reference,
            "url": calendar_year.url,
            "published_on": calendar_year.published_on,
            "complete": calendar_year.is_complete,
            "holidays": [
                [d, name] for d, kind, name in days if kind == CalendarYearDay.Kind.HOLIDAY
            ],
            "working_days": [
                [d, name] for d, kind, name in days if kind == CalendarYearDay.Kind.WORKING_DAY
            ],
        },
    )


# --- notifications --------------------------------------------------------------------------


@service_atomic
def notification_create(
    *, recipient, title: str, body: str = "", url: str = "", reminder=None
) -> Notification:
    return Notification.objects.create(
        recipient=recipient, title=title[:300], body=body, url=url[:500], reminder=reminder
    )


def notification_tell(*, recipient, title: str, body: str, url: str) -> Notification:
    """An in-app notification, in the caller's transaction (it exists exactly when what it
    announces does), and the same words by e-mail once that commits, when the person has an
    address. The e-mail is a courtesy copy: the notification (and the inbox item beside it)
    carries the work, so a mail server that refuses it is logged and nothing is undone.
    Reminders, which must reach people, are e-mailed by the sweep instead (mark, then send)."""
    notification = notification_create(recipient=recipient, title=title, body=body, url=url)
    if recipient.email:
        transaction.on_commit(
            partial(
                send_mail,
                subject=title,
                message=body,
                from_email=None,
                recipient_list=[recipient.email],
            ),
            robust=True,
        )
    return notification


@service_atomic
def notification_mark_read(*, notification: Notification, at: datetime | None = None) -> bool:
    """Mark one notification read; True when it was unread."""
    return (
        Notification.objects.filter(pk=notification.pk, read_at=None).update(
            read_at=at or timezone.now()
        )
        == 1
    )


@service_atomic
def notifications_mark_all_read(*, user, at: datetime | None = None) -> int:
    """Mark every unread notification of ``user`` read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at=None).update(
        read_at=at or timezone.now()
    )

"""Opening legal clocks: one (``deadline_open``) or many at once (``deadlines_open_many``).

A deadline is computed once, when its step opens, and stored with its rule, its legal source,
its start and its due date: the computation is evidence (domain.md §4). Each opening is
written to the full-process record in the same transaction
(《重大行政决策程序暂行条例》第三十三条).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils import translation

from workflows.calendar import CalendarRangeError
from workflows.models import Unit
from workflows.record.services import ACTOR_SYSTEM, record_append, record_append_many
from workflows.roles import ROLES

from ..transactions import service_atomic
from .models import Deadline, Jurisdiction
from .rules import CALENDAR
from .selectors import calendar_for, jurisdiction_default, rule_for
from .signals import deadlines_opened


def _msgid(text) -> str:
    """The untranslated source of a (lazy) string: stored, then translated for each reader."""
    with translation.override(None):
        return str(text)


def _subject_key(deadline: Deadline):
    return _subject_key_of(deadline.content_type_id, deadline.object_id)


def _subject_key_of(content_type_id: int, object_id: str):
    # The subject may have been deleted; the record names it by key either way.
    from workflows.record.selectors import SubjectKey

    return SubjectKey(ContentType.objects.get_for_id(content_type_id), object_id)


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
    unit's heads when the clock is overdue (``schedule._insert_due_reminders``). Empty: the unit's
    heads are reminded. Raises ValueError for a role that is not one of ``roles.ROLES``.

    ``due`` is for a period the law sets only a minimum for and the subject was given a
    different one (a consultation open longer than 30 days, or shorter with its published
    reason): that date is stored as given, counted in calendar days from ``start``, with the
    rule's legal source. Otherwise the rule computes it.

    The rule is the registered default with the jurisdiction's override applied, read now and
    copied onto the row, so later changes to the rule never move this deadline. Opening a clock
    that is already running for the same subject and rule returns the running one unchanged:
    one ``INSERT … ON CONFLICT DO NOTHING RETURNING`` on the constraint of one running clock
    per rule (no savepoint), then, only when it inserted nothing, the running row is read.

    When the count reaches a year whose State Council holiday notice is not known yet, the
    clock is stored without a due date, *awaiting the notice for that year*
    (``Deadline.awaiting_year``): the step that opened it goes ahead, and
    ``deadlines_compute_awaiting`` computes it the moment the notice is entered (domain.md
    §4: never guessed, never blocking the work). Raises ``rules.UnknownRule``.
    """
    _check_role(responsible_role)
    jurisdiction = jurisdiction or jurisdiction_default()
    content_type = ContentType.objects.get_for_model(subject)
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
    if not _insert_unless_running(deadline):
        # Running already (opened before, or concurrently and now committed).
        return Deadline.objects.get(
            content_type=content_type,
            object_id=str(subject.pk),
            rule_key=rule_key,
            status__in=Deadline.RUNNING,
        )
    deadlines_opened.send(sender=Deadline, deadlines=[deadline])
    people = list(responsible_people)
    if people:  # the row was just inserted: it names nobody yet, nothing to read or remove
        deadline.responsible_people.add(*people)
    record_append(
        actor=ACTOR_SYSTEM,
        action="deadline.opened",
        subject=subject,
        payload=_opened_payload(deadline, rule, people=sorted(p.pk for p in people)),
    )
    return deadline


def _insert_unless_running(deadline: Deadline) -> bool:
    """Insert the unsaved ``deadline`` unless a clock of its subject and rule is running.

    One statement, ``INSERT … ON CONFLICT DO NOTHING RETURNING id`` on PostgreSQL (``INSERT OR
    IGNORE … RETURNING id`` on SQLite 3.35+, the embedded default), so a concurrent open loses on the partial unique constraint
    ``clocks_one_running_clock_per_rule`` without a savepoint: True with ``deadline.pk`` set
    when inserted, False when the running clock (committed, or committed by the concurrent
    transaction this one waited for) took its place. Like ``bulk_create``, no model signals.
    """
    connection = connections[router.db_for_write(Deadline)]
    if not connection.features.can_return_columns_from_insert:  # SQLite before 3.35
        raise NotImplementedError("Opening a clock needs INSERT … RETURNING")
    opts = Deadline._meta
    query = InsertQuery(Deadline, on_conflict=OnConflict.IGNORE)
    query.insert_values([f for f in opts.local_concrete_fields if f is not opts.pk], [deadline])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [opts.pk]
    ((sql, params),) = compiler.as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    deadline.pk = row[0]
    deadline._state.adding, deadline._state.db = False, connection.alias
    return True


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
    running = _running_clocks(rule_key, keyed)
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
    _announce_opened_many(opened, rule)
    new = {(d.content_type_id, d.object_id): d for d in opened}
    return [running.get((ct.pk, object_id)) or new[ct.pk, object_id] for ct, object_id, *_ in keyed]


def _running_clocks(rule_key: str, keyed: list[tuple]) -> dict[tuple[int, str], Deadline]:
    """The clocks of ``rule_key`` already running for the subjects of ``keyed`` (content type,
    object id, subject, unit), by (content type id, object id): one query, one condition per
    content type."""
    by_type: dict[ContentType, list[str]] = {}
    for content_type, object_id, _subject, _unit in keyed:
        by_type.setdefault(content_type, []).append(object_id)
    return {
        (d.content_type_id, d.object_id): d
        for d in Deadline.objects.filter(rule_key=rule_key, status__in=Deadline.RUNNING).filter(
            Q.create(
                [Q(content_type=ct, object_id__in=ids) for ct, ids in by_type.items()],
                connector=Q.OR,
            )
        )
    }


def _announce_opened_many(opened: list[Deadline], rule) -> None:
    """``signals.deadlines_opened`` and one "deadline.opened" record event per clock just
    inserted, in one statement, as ``deadline_open`` writes one (《重大行政决策程序暂行条例》
    第三十三条)."""
    deadlines_opened.send(sender=Deadline, deadlines=opened)
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

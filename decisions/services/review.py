"""Legality review (合法性审查, 第二十五条至第二十八条).

The lead unit's drafter sends the draft to the review office (负责合法性审查的部门, the 司法局
for a county government: ``workflows.offices.review_office_of``), stating the date by which the
opinion is needed: no earlier than the 7th working day unless a reason is recorded (第二十六条,
a minimum owed to the reviewer). A legal advisor of the office who did not draft it either
returns the submission for supplement (退回补充, 第二十六条) or prepares the opinion
(第二十八条); the office's head approves it, and only then is the opinion numbered, issued in the
office's name (合法性审查意见书) and the decision moved on.
"""

from datetime import date, datetime
from functools import cache

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.calendar import CalendarRangeError
from workflows.clocks.selectors import calendar_for, rule_for
from workflows.clocks.services import deadline_meet, deadline_open, deadline_waive
from workflows.connections import prepared_cursor
from workflows.models import Unit
from workflows.offices import review_office_of
from workflows.record.services import record_append
from workflows.rows import columns, related
from workflows.transactions import service_atomic

from .. import rules
from ..lifecycle import decision_stage_move
from ..models import Decision, DraftVersion, LegalityOpinionRegister, LegalityReview, Stage
from ..rules import preparation
from ._common import (
    act_on,
    act_time,
    decision_first,
    held_forget,
    held_read,
    held_written,
    lock,
    missing_error,
    require_role,
    require_stage,
)

RULE_KEY = "decision.legality_review"
RUNNING = (LegalityReview.Status.SUBMITTED, LegalityReview.Status.AWAITING_APPROVAL)
LATEST = "latest_review"  # what ``latest_review`` keeps while the decision is held
LATEST_FIRST = ("-submitted_at", "-pk")  # which review is a decision's latest
# What ``review_passes`` reads of a review.
PASSES_READS = ("status", "outcome", "exploratory_reform", "legal_risk_statement")


def legality_review_actors(decision: Decision) -> tuple[str, Unit]:
    """(role, unit) that acts on the legality review: whom its clock reminds and shows to —
    read from the step's declaration (``decisions.steps``), as the task's offer is: the legal
    advisors of the review office."""
    from ..steps import step_of_node  # the steps call these services

    return step_of_node("legality_review").offered_units(decision)[0]


def review_copy_computed_due(*, deadline, **_kwargs) -> None:
    """The review clock awaited its holiday notice and now has its date: the review shows it
    (``workflows.clocks.signals.deadline_computed``, in the same transaction)."""
    if deadline.rule_key == RULE_KEY:
        LegalityReview.objects.filter(deadline_id=deadline.pk, due_on=None).update(
            due_on=deadline.due
        )
        # Submitted without a date while the minimum was unknown: it is the minimum.
        LegalityReview.objects.filter(deadline_id=deadline.pk, opinion_needed_by=None).update(
            opinion_needed_by=deadline.due, minimum_on=deadline.due, minimum_unchecked_year=None
        )
        held_forget(LATEST)  # changed past any kept copy, of a decision not known here


def latest_review(decision: Decision) -> LegalityReview | None:
    """The decision's latest review, read once while this transaction holds the decision
    (``_common.held_read``): the flow's gates ask it again after the service that wrote it.
    Each service below that saves a review hands its copy on (``held_written``)."""
    return held_read(
        decision, LATEST, lambda: decision_first("latest_review", _latest_review_of, decision)
    )


def _latest_review_of(pk: int):
    """``decision.legality_reviews.order_by(*LATEST_FIRST).first()``'s query."""
    return LegalityReview.objects.filter(decision_id=pk).order_by(*LATEST_FIRST)[:1]


def latest_review_column() -> Subquery:
    """What ``review_passes`` reads of the latest review of the decision a query is on
    (``OuterRef("pk")``), as one of its columns: the package check reads it with its counts in
    one statement. ``review_passes_column`` answers from it."""
    latest = LegalityReview.objects.filter(decision=OuterRef("pk")).order_by(*LATEST_FIRST)
    return Subquery(
        latest.values(value=JSONObject(**{name: name for name in PASSES_READS}))[:1],
        output_field=JSONField(),
    )


def review_passes_column(value: dict | None) -> bool:
    """``review_passes`` of the latest review as ``latest_review_column`` read it (None: none)."""
    return review_passes(None if value is None else LegalityReview(**value))


def passes_review(decision: Decision) -> bool:
    """The latest completed review lets the draft go to the meeting (第二十五条)."""
    return review_passes(latest_review(decision))


def review_passes(review: LegalityReview | None) -> bool:
    """``review`` (a decision's latest) lets the draft go to the meeting (第二十五条)."""
    return review is not None and rules.may_go_to_meeting(
        reviewed=review.status == LegalityReview.Status.COMPLETED,
        outcome=review.outcome,
        exploratory_reform=review.exploratory_reform,
        legal_risk_statement=review.legal_risk_statement,
    )


def was_returned(decision: Decision) -> bool:
    """The latest review returned the submission for supplement (第二十六条)."""
    review = latest_review(decision)
    return review is not None and review.status == LegalityReview.Status.RETURNED


def has_drafted(*, decision: Decision, user) -> bool:
    """``user`` started the decision, wrote a version of its draft or sent it to review: such
    a person never reviews it (第二十五条: the review office reviews the lead unit's draft)."""
    if decision.created_by_id == user.pk:
        return True
    if user.pk is None:  # nobody's id to look for: the ORM's own answer
        return _has_drafted_orm(decision=decision, user=user)
    # Both asked in one statement, written once (``_has_drafted_sql``): composing the union
    # with the ORM at each review step cost more than running it (issue 15).
    with prepared_cursor() as cursor:
        cursor.execute(_has_drafted_sql(connection.vendor), [decision.pk, user.pk] * 2)
        return cursor.fetchone() is not None


def _has_drafted_orm(*, decision: Decision, user) -> bool:
    """``has_drafted``'s read of the versions and reviews, as the ORM asks it."""
    wrote = decision.versions.filter(created_by=user).order_by().values("pk")
    submitted = decision.legality_reviews.filter(submitted_by=user).order_by().values("pk")
    return bool(wrote.union(submitted, all=True)[:1])


@cache
def _has_drafted_sql(vendor: str) -> str:
    """``_has_drafted_orm``'s statement, written from the models' metadata (portable SQL; the
    vendor keys the cache because the quoting is the connection's). Its parameters: the
    decision's id and the person's, twice."""
    q = connection.ops.quote_name
    version, review = DraftVersion._meta, LegalityReview._meta
    return (
        f"SELECT 1 FROM {q(version.db_table)}"
        f" WHERE {q(version.get_field('decision').column)} = %s"
        f" AND {q(version.get_field('created_by').column)} = %s"
        f" UNION ALL SELECT 1 FROM {q(review.db_table)}"
        f" WHERE {q(review.get_field('decision').column)} = %s"
        f" AND {q(review.get_field('submitted_by').column)} = %s"
        " LIMIT 1"
    )


def _review_locked(review: LegalityReview) -> LegalityReview:
    """``review`` read afresh under a row lock (its row only), with the review office and the
    draft version it names, which the services read of it.

    On PostgreSQL inside a transaction (every service) the statement is written once
    (``_review_locked_sql``) and sent through ``prepared_cursor``: composing the lock with its
    two joins at each review step cost more than running it (issue 15). Elsewhere (SQLite
    has no row locks; outside a transaction the ORM refuses the lock) the ORM's own read."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return _review_locked_orm(review)
    reviews, offices, versions = _review_locked_columns()
    with prepared_cursor() as cursor:
        cursor.execute(_review_locked_sql(connection.vendor), [review.pk])
        row = cursor.fetchone()
    if row is None:
        raise LegalityReview.DoesNotExist("LegalityReview matching query does not exist.")
    n, m = len(reviews), len(reviews) + len(offices)
    locked = reviews.load(row[:n])
    related(locked, "review_office", offices.load(row[n:m]) if locked.review_office_id else None)
    related(locked, "draft_version", versions.load(row[m:]))
    return locked


def _review_locked_orm(review: LegalityReview) -> LegalityReview:
    """``_review_locked`` as the ORM asks it (what ``_review_locked_sql`` stands for)."""
    return (
        LegalityReview.objects.select_for_update(of=("self",))
        .select_related("review_office", "draft_version")
        .get(pk=review.pk)
    )


def _review_locked_columns():
    return columns(LegalityReview, "r"), columns(Unit, "o"), columns(DraftVersion, "v")


@cache
def _review_locked_sql(vendor: str) -> str:
    """``_review_locked_orm``'s statement (PostgreSQL's), written from the models' metadata:
    the review, its office (it may name none) and its draft version, locking the review's row
    alone (``OF r``, as ``of=("self",)``)."""
    q = connection.ops.quote_name
    reviews, offices, versions = _review_locked_columns()
    review = LegalityReview._meta
    office_column = q(review.get_field("review_office").column)
    version_column = q(review.get_field("draft_version").column)
    return (
        f"SELECT {reviews.sql}, {offices.sql}, {versions.sql}"
        f" FROM {q(review.db_table)} r"
        f" LEFT JOIN {q(Unit._meta.db_table)} o ON o.{q(Unit._meta.pk.column)} = r.{office_column}"
        f" INNER JOIN {q(DraftVersion._meta.db_table)} v"
        f" ON v.{q(DraftVersion._meta.pk.column)} = r.{version_column}"
        f" WHERE r.{q(review.pk.column)} = %s FOR UPDATE OF r"
    )


def _require_reviewer(*, review: LegalityReview, decision: Decision, by, role: str) -> Unit:
    """``by`` holds ``role`` in the review office the draft was sent to, and did not draft it."""
    office = review.review_office or review_office_of(decision.government)
    require_role(user=by, role=role, unit=office)
    if has_drafted(decision=decision, user=by):
        raise ValidationError(
            _("Whoever drafted or submitted the draft may not review it."),
            code="reviewer_drafted",
        )
    return office


def _review_deadline(review: LegalityReview):
    from workflows.clocks.models import Deadline

    return Deadline.objects.get(pk=review.deadline_id) if review.deadline_id else None


@service_atomic
def legality_review_submit(
    *,
    decision: Decision,
    by,
    procedures_account: str,
    opinion_needed_by: date | None = None,
    short_time_reason: str = "",
    at: datetime | None = None,
) -> LegalityReview:
    """Send the draft to the review office. The submission carries the draft, its legal basis
    and the account of the procedures done; an incomplete one is refused with the list of what
    is missing (第二十六条).

    ``opinion_needed_by`` is when the opinion is needed: at least 7 working days after today
    (the setting ``decision.legality_review``, 第二十六条), earlier only with
    ``short_time_reason``; not given, the reviewer gets exactly the minimum. The review clock
    runs to that date, so the reviewer is not overdue before it. When the 7th working day falls
    in a year whose holiday notice is not entered yet, the submission goes ahead and the review
    records that the minimum could not be checked (never guessed, domain.md §4).

    ``at`` is when it was submitted, given when it is entered after the fact: the minimum, the
    clock and the review's working days count from that day."""
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.LEGALITY_REVIEW)
    office = review_office_of(decision.government)  # refused when the government names none
    missing = rules.legality_submission_missing(
        draft_text=decision.draft_text,
        legal_basis=decision.legal_basis,
        procedures_account=procedures_account,
    )
    if missing:
        raise missing_error(
            _("The submission is incomplete and is returned: %(missing)s."),
            missing,
            "legality_submission_incomplete",
        )
    running = latest_review(decision)
    if running is not None and running.status in RUNNING:
        raise ValidationError(_("A review is already under way."), code="review_running")
    now = act_time(at)
    submitted_on = timezone.localdate(now)
    period = rule_for(RULE_KEY)
    unchecked_year = None
    try:
        earliest = preparation.legality_review_earliest(
            submitted_on=submitted_on, period=period, calendar=calendar_for()
        )
    except CalendarRangeError as unknown:
        earliest, unchecked_year = None, unknown.year
    short_time_reason = (short_time_reason or "").strip()
    if opinion_needed_by is not None:
        problem = preparation.legality_review_time_problem(
            submitted_on=submitted_on,
            needed_by=opinion_needed_by,
            earliest=earliest,
            short_time_reason=short_time_reason,
        )
        if problem == "needed_by_before_submission":
            raise ValidationError(
                _("The opinion cannot be needed before the draft is submitted."), code=problem
            )
        if problem:
            raise ValidationError(
                _(
                    "The review office must be left at least %(days)s working days, until "
                    "%(earliest)s; give the reason for a shorter time."
                ),
                code=problem,
                params={"days": period.amount, "earliest": earliest},
            )
    if earliest is not None and (opinion_needed_by is None or opinion_needed_by >= earliest):
        short_time_reason = ""  # the minimum is left: nothing to explain
    review = LegalityReview.objects.create(
        decision=decision,
        draft_version=decision.versions.order_by("-number").first(),
        review_office=office,
        government_id=decision.government_id,
        legal_basis=decision.legal_basis,
        procedures_account=procedures_account.strip(),
        submitted_by=by,
        submitted_at=now,
        opinion_needed_by=opinion_needed_by or earliest,
        minimum_on=earliest,
        short_time_reason=short_time_reason,
        minimum_unchecked_year=unchecked_year,
    )
    held_forget(LATEST, decision)  # a new review: which is the latest is asked again
    role, unit = legality_review_actors(decision)
    deadline = deadline_open(
        subject=review,
        rule_key=RULE_KEY,
        start=submitted_on,
        responsible_unit=unit,
        responsible_role=role,
        # The date the submission gave; else the rule computes the minimum (or awaits).
        due=opinion_needed_by,
    )
    review.due_on = deadline.due
    review.deadline_id = deadline.pk
    review.save(update_fields=["due_on", "deadline_id"])
    record_append(
        actor=by,
        action="decision.legality_review_submitted",
        subject=decision,
        payload={
            "review": review.pk,
            "review_office": office.name,
            "draft_version": review.draft_version.number,
            "draft_sha256": review.draft_version.sha256,
            "opinion_needed_by": review.opinion_needed_by,
            "minimum_on": earliest,
            **({"short_time_reason": short_time_reason} if short_time_reason else {}),
            **({"minimum_unchecked_awaiting_year": unchecked_year} if unchecked_year else {}),
            "due_on": review.due_on,
            "legal_source": deadline.legal_source,
            **act_on(now),
        },
    )
    return review


@service_atomic
def legality_review_return(
    *, review: LegalityReview, by, missing: list[str], note: str = "", at: datetime | None = None
) -> LegalityReview:
    """A legal advisor of the review office returns an incomplete submission for supplement,
    naming what is missing (第二十六条). The review clock stops (waived, with the list as its
    reason) and the drafter submits again, which opens a new review with a new clock."""
    decision = lock(review.decision_id)
    require_stage(decision, Stage.LEGALITY_REVIEW)
    review = _review_locked(review)
    _require_reviewer(review=review, decision=decision, by=by, role="legal_advisor")
    if review.status != LegalityReview.Status.SUBMITTED:
        raise ValidationError(
            _("Only a submission under review can be returned."), code="review_not_running"
        )
    missing = list(dict.fromkeys(missing))
    problem = preparation.legality_return_problem(missing=missing, note=note)
    if problem == "return_other_unexplained":
        raise ValidationError(_("Describe what else is missing."), code=problem)
    if problem:
        raise ValidationError(_("Name what is missing from the submission."), code=problem)
    now = act_time(at)
    if now < review.submitted_at:
        raise ValidationError(_("A review cannot end before it began."), code="before_submission")
    review.status = LegalityReview.Status.RETURNED
    review.returned_missing = missing
    review.return_note = note.strip()
    review.returned_by = by
    review.returned_at = now
    review.save(
        update_fields=["status", "returned_missing", "return_note", "returned_by", "returned_at"]
    )
    held_written(decision, LATEST, review)
    deadline = _review_deadline(review)
    if deadline is not None and deadline.is_running:
        labels = "、".join(str(LegalityReview.Missing(m).label) for m in missing)
        deadline_waive(deadline=deadline, by=by, reason=f"退回补充（第二十六条）：{labels}")
    record_append(
        actor=by,
        action="decision.legality_review_returned",
        subject=decision,
        payload={
            "review": review.pk,
            "missing": missing,
            "note": review.return_note,
            **act_on(now),
        },
    )
    return review


@service_atomic
def legality_review_complete(
    *,
    review: LegalityReview,
    by,
    outcome: str,
    opinion: str,
    amendments: str = "",
    exploratory_reform: bool = False,
    legal_risk_statement: str = "",
    at: datetime | None = None,
) -> LegalityReview:
    """``at`` is when the opinion was prepared, given when it is entered after the fact.

    A legal advisor of the review office, who did not draft the decision, prepares the opinion:
    lawful / lawful with amendments / unlawful (第二十八条), at any time before the date it is
    needed by. Nothing moves yet: the opinion is issued when the office's head approves it
    (``legality_review_approve``)."""
    decision = lock(review.decision_id)
    require_stage(decision, Stage.LEGALITY_REVIEW)
    review = _review_locked(review)
    _require_reviewer(review=review, decision=decision, by=by, role="legal_advisor")
    if review.status != LegalityReview.Status.SUBMITTED:
        raise ValidationError(_("This review is already completed."), code="review_completed")
    problem = rules.legality_outcome_problem(
        outcome=outcome,
        exploratory_reform=exploratory_reform,
        legal_risk_statement=legal_risk_statement,
        opinion=opinion,
    )
    if problem == "legal_risk_statement_required":
        raise ValidationError(
            _("An exploratory reform may proceed only with its legal risk stated explicitly."),
            code=problem,
        )
    if problem:
        raise ValidationError(_("Give an outcome and a written opinion."), code=problem)
    if outcome == "lawful_with_amendments" and not amendments.strip():
        raise ValidationError(_("List the amendments required."), code="amendments_required")
    review.status = LegalityReview.Status.AWAITING_APPROVAL
    review.reviewer = by
    review.outcome = outcome
    review.opinion = opinion.strip()
    review.amendments = amendments.strip()
    review.exploratory_reform = exploratory_reform
    review.legal_risk_statement = legal_risk_statement.strip()
    review.concluded_at = at or timezone.now()
    if review.concluded_at < review.submitted_at:
        raise ValidationError(_("A review cannot end before it began."), code="before_submission")
    review.save()
    held_written(decision, LATEST, review)
    record_append(
        actor=by,
        action="decision.legality_opinion_prepared",
        subject=decision,
        payload={
            "review": review.pk,
            "outcome": outcome,
            "exploratory_reform": exploratory_reform,
            "on": timezone.localdate(review.concluded_at),
        },
    )
    return review


def _opinion_number_allocate(*, office: Unit, year: int) -> int:
    """The next serial of ``office``'s opinions in ``year``: the register row is created if
    missing (a concurrent creator loses quietly) and locked, so concurrent approvals queue on
    it and each takes exactly the next number; a rolled-back approval gives its number back.

    On PostgreSQL in one statement: an INSERT that, when the row exists, moves it on instead
    (``ON CONFLICT … DO UPDATE`` locks the row and, under READ COMMITTED, moves it on from the
    last committed number, as the lock-then-read below does)."""
    if connection.vendor == "postgresql":
        q = connection.ops.quote_name
        meta = LegalityOpinionRegister._meta
        office_column = q(meta.get_field("office").column)
        year_column = q(meta.get_field("year").column)
        serial_column = q(meta.get_field("last_serial").column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {q(meta.db_table)} AS r ({office_column}, {year_column}, "
                f"{serial_column}) VALUES (%s, %s, 1) ON CONFLICT ({office_column}, "
                f"{year_column}) DO UPDATE SET {serial_column} = r.{serial_column} + 1 "
                f"RETURNING {serial_column}",
                [office.pk, year],
            )
            return cursor.fetchone()[0]
    LegalityOpinionRegister.objects.bulk_create(
        [LegalityOpinionRegister(office=office, year=year)], ignore_conflicts=True
    )
    register = LegalityOpinionRegister.objects.select_for_update().get(office=office, year=year)
    register.last_serial += 1
    register.save(update_fields=["last_serial"])
    return register.last_serial


def opinion_number(*, office: Unit, year: int, serial: int) -> str:
    """合法性审查意见书's number: the office's issuer code, 审, 〔year〕, serial, 号 (GB/T 9704)."""
    return f"{office.issuer_code or office.name}审〔{year}〕{serial}号"


@service_atomic
def legality_review_approve(
    *, review: LegalityReview, by, at: datetime | None = None
) -> LegalityReview:
    """The head of the review office approves the prepared opinion; it is issued in the
    office's name under the next number of the office's year (合法性审查意见书, 第二十八条), the
    review clock is met, and the decision goes on to the meeting — or back to drafting when
    unlawful (第二十五条), unless an exploratory reform states its legal risk explicitly."""
    decision = lock(review.decision_id)
    require_stage(decision, Stage.LEGALITY_REVIEW)
    review = _review_locked(review)
    office = _require_reviewer(review=review, decision=decision, by=by, role="unit_head")
    if review.status != LegalityReview.Status.AWAITING_APPROVAL:
        raise ValidationError(
            _("There is no prepared opinion to approve."), code="opinion_not_prepared"
        )
    completed_at = at or timezone.now()
    if completed_at < review.concluded_at:
        raise ValidationError(
            _("An opinion cannot be approved before it was prepared."), code="before_conclusion"
        )
    year = timezone.localdate(completed_at).year
    serial = _opinion_number_allocate(office=office, year=year)
    review.review_office = office
    review.opinion_year = year
    review.opinion_serial = serial
    review.opinion_number = opinion_number(office=office, year=year, serial=serial)
    review.approved_by = by
    review.completed_at = completed_at
    review.status = LegalityReview.Status.COMPLETED
    review.save()
    held_written(decision, LATEST, review)
    if review.deadline_id is not None:  # read under its lock by deadline_meet
        deadline_meet(deadline=review.deadline_id, at=completed_at, by=by)
    passes = rules.may_go_to_meeting(
        reviewed=True,
        outcome=review.outcome,
        exploratory_reform=review.exploratory_reform,
        legal_risk_statement=review.legal_risk_statement,
    )
    decision_stage_move(
        decision=decision, move="pass_legality_review" if passes else "fail_legality_review"
    )
    record_append(
        actor=by,
        action="decision.legality_reviewed",
        subject=decision,
        payload={
            "review": review.pk,
            "opinion_number": review.opinion_number,
            "review_office": office.name,
            "reviewer": review.reviewer_id,
            "draft_version": review.draft_version.number,
            "draft_sha256": review.draft_version.sha256,
            "outcome": review.outcome,
            "exploratory_reform": review.exploratory_reform,
            "legal_risk_statement": review.legal_risk_statement,
            "stage": decision.stage,
            "on": timezone.localdate(completed_at),
        },
    )
    return review


@service_atomic
def legality_opinion_send_back(*, review: LegalityReview, by, note: str) -> LegalityReview:
    """The head of the review office does not approve the prepared opinion and sends it back
    to the office's legal advisors, saying what to reconsider; the review is under way again
    and its clock keeps running (第二十八条: the opinion is the office's)."""
    decision = lock(review.decision_id)
    require_stage(decision, Stage.LEGALITY_REVIEW)
    review = _review_locked(review)
    _require_reviewer(review=review, decision=decision, by=by, role="unit_head")
    if review.status != LegalityReview.Status.AWAITING_APPROVAL:
        raise ValidationError(
            _("There is no prepared opinion to approve."), code="opinion_not_prepared"
        )
    if not note.strip():
        raise ValidationError(
            _("Say what the legal advisors should reconsider."), code="send_back_note_required"
        )
    review.status = LegalityReview.Status.SUBMITTED
    review.save(update_fields=["status"])
    held_written(decision, LATEST, review)
    record_append(
        actor=by,
        action="decision.legality_opinion_sent_back",
        subject=decision,
        payload={"review": review.pk, "outcome": review.outcome, "note": note.strip()},
    )
    return review

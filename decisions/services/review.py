"""Legality review (合法性审查, 第二十五条至第二十八条).

The lead unit's drafter sends the draft to the review office (负责合法性审查的部门, the 司法局
for a county government: ``workflows.offices.review_office_of``), stating the date by which the
opinion is needed: no earlier than the 7th working day unless a reason is recorded (第二十六条,
a minimum owed to the reviewer). A legal advisor of the office who did not draft it either
returns the submission for supplement (退回补充, 第二十六条) or prepares the opinion
(第二十八条); the office's head approves it, and only then is the opinion numbered, issued in the
office's name (合法性审查意见书) and the decision moved on.

This module holds what the review's acts read and share: which review is a decision's latest and
whether it lets the draft go to the meeting, who may review, the review read under its lock, and
the clock's rule. The acts are in ``review_submission`` (submitting and returning, 第二十六条)
and ``review_opinion`` (preparing, approving and sending back the opinion, 第二十八条).
"""

from functools import cache

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils.translation import gettext_lazy as _

from workflows.connections import prepared_cursor
from workflows.models import Unit
from workflows.offices import review_office_of
from workflows.rows import columns, related

from .. import rules
from ..models import Decision, DraftVersion, LegalityReview
from ._common import decision_first, held_forget, held_read, require_role

RULE_KEY = "decision.legality_review"
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
    Each service that saves a review (``review_submission``, ``review_opinion``) hands its copy
    on (``held_written``)."""
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

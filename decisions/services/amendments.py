"""Adopted with amendments (第三十条: 修改后通过): the lead unit incorporates the amendments the
meeting decided into a new version of the text, its unit head approves it and, when the
amendments are substantive, the review office confirms it is lawful; that version is what is
published (第三十二条) and archived (第三十三条)."""

from functools import cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Max, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.connections import prepared_cursor
from workflows.offices import review_office_of
from workflows.record.services import record_append
from workflows.rows import columns, related
from workflows.transactions import service_atomic

from ..lifecycle import decision_stage_move
from ..models import Decision, DraftVersion, Meeting, Outcome, Stage
from ..rules import aftermath as rules
from ._common import lock, require_role, require_stage
from .drafting import _version_hash


def amending_meeting(decision: Decision) -> Meeting | None:
    """The meeting that adopted the decision with amendments (the latest such)."""
    return (
        decision.meetings.filter(head_decision=Outcome.ADOPTED_WITH_AMENDMENTS)
        .order_by("-decided_at", "-pk")
        .first()
    )


def pending_amended_version(decision: Decision) -> DraftVersion | None:
    """The amended version waiting for approval or the review office's confirmation."""
    return (
        decision.versions.filter(kind=DraftVersion.Kind.AMENDED, returned_at=None)
        .filter(Q(approved_at=None) | Q(substantive=True, review_confirmed_at=None))
        .order_by("-number")
        .first()
    )


def published_version(decision: Decision) -> DraftVersion | None:
    """The version the decision is published in (第三十二条): the latest amended version that
    was approved (and, when substantive, confirmed lawful), else the latest draft version, the
    text the meeting adopted."""
    return _published_of(_published_candidates(decision))


def _published_candidates(decision: Decision) -> list[DraftVersion]:
    """The versions ``published_version`` chooses from (``_published_candidates_orm``'s), in
    one statement written once (``_published_sql``) and sent through ``prepared_cursor``:
    composing it with its sub-select at each publication step cost more than running it
    (issue 15). Elsewhere than on PostgreSQL the ORM's own read: SQLite's datetimes need the
    backend's converters, which ``workflows.rows.Columns`` does not apply."""
    if connection.vendor != "postgresql":
        return _published_candidates_orm(decision)
    versions = columns(DraftVersion, "v")
    with prepared_cursor() as cursor:
        cursor.execute(
            _published_sql(connection.vendor),
            [decision.pk, DraftVersion.Kind.AMENDED.value, DraftVersion.Kind.DRAFT.value]
            + [decision.pk, DraftVersion.Kind.DRAFT.value],
        )
        rows = cursor.fetchall()
    found = []
    for row in rows:
        version = versions.load(row)
        related(version, "decision", decision)  # as ``decision.versions`` leaves it
        found.append(version)
    return found


@cache
def _published_sql(vendor: str) -> str:
    """``_published_candidates_orm``'s statement (PostgreSQL's), written from the model's
    metadata, latest first.
    Its parameters: the decision's id, the two kinds, the decision's id and the draft kind."""
    q = connection.ops.quote_name
    meta = DraftVersion._meta
    table = q(meta.db_table)
    decision, kind, number, returned_at = (
        q(meta.get_field(name).column) for name in ("decision", "kind", "number", "returned_at")
    )
    return (
        f"SELECT {columns(DraftVersion, 'v').sql} FROM {table} v"
        f" WHERE v.{decision} = %s"
        f" AND ((v.{kind} = %s AND v.{returned_at} IS NULL)"
        f" OR (v.{kind} = %s AND v.{number} ="
        f" (SELECT MAX(d.{number}) FROM {table} d WHERE d.{decision} = %s AND d.{kind} = %s)))"
        f" ORDER BY v.{number} DESC"
    )


def _published_candidates_orm(decision: Decision) -> list[DraftVersion]:
    """What ``_published_sql`` stands for, as the ORM asks it."""
    drafts = decision.versions.filter(kind=DraftVersion.Kind.DRAFT)
    latest_draft = drafts.order_by().values("decision").annotate(top=Max("number")).values("top")
    # Both read in one statement (a condition, not a union: SQLite refuses a union of a
    # sliced, ordered query); the order is set here.
    return sorted(
        decision.versions.filter(
            Q(kind=DraftVersion.Kind.AMENDED, returned_at=None)
            | Q(kind=DraftVersion.Kind.DRAFT, number=Subquery(latest_draft))
        ),
        key=lambda v: -v.number,
    )


def _published_of(versions: list[DraftVersion]) -> DraftVersion | None:
    """``published_version``'s choice among its candidates (latest first)."""
    for version in versions:
        if version.kind == DraftVersion.Kind.AMENDED and rules.amended_version_ready(
            approved=version.approved_at is not None,
            substantive=version.substantive,
            confirmed_lawful=version.review_confirmed_at is not None,
        ):
            return version
    return next((v for v in versions if v.kind == DraftVersion.Kind.DRAFT), None)


def _lock_version(version: DraftVersion) -> tuple[Decision, DraftVersion]:
    decision = lock(version.decision_id)
    version = DraftVersion.objects.select_for_update().get(pk=version.pk)
    return decision, version


def _require_pending(version: DraftVersion) -> None:
    if version.kind != DraftVersion.Kind.AMENDED or version.returned_at is not None:
        raise ValidationError(
            _("This version is not waiting for a decision."), code="version_not_pending"
        )


def _go_on(*, decision: Decision, version: DraftVersion, by) -> None:
    if rules.amended_version_ready(
        approved=version.approved_at is not None,
        substantive=version.substantive,
        confirmed_lawful=version.review_confirmed_at is not None,
    ):
        decision_stage_move(decision=decision, move="incorporate_amendments")
        record_append(
            actor=by,
            action="decision.amendments_incorporated",
            subject=decision,
            payload={"version": version.number, "sha256": version.sha256},
        )


@service_atomic
def amended_version_submit(
    *, decision: Decision, by, text: str, substantive: bool = False, title: str = ""
) -> DraftVersion:
    """The lead unit's drafter enters the text with the amendments the meeting decided: a new
    version, kept with its SHA-256 (第三十条、第三十三条). A version waiting for approval is
    replaced by the new one."""
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.AMENDING)
    meeting = amending_meeting(decision)
    adopted = decision.versions.filter(kind=DraftVersion.Kind.DRAFT).order_by("-number").first()
    problem = rules.amended_version_problem(
        text=text,
        adopted_text=adopted.text if adopted else decision.draft_text,
        amendments=meeting.amendments if meeting else "",
    )
    if problem == "no_amendments_decided":
        raise ValidationError(_("The meeting recorded no amendments to incorporate."), code=problem)
    if problem == "amended_text_required":
        raise ValidationError(_("Enter the amended text."), code=problem)
    if problem:
        raise ValidationError(
            _("The amended text is the draft the meeting had: incorporate the amendments."),
            code=problem,
        )
    now = timezone.now()
    # A version still waiting (at this stage every amended version is) gives way to this one.
    decision.versions.filter(kind=DraftVersion.Kind.AMENDED, returned_at=None).update(
        returned_at=now
    )
    title = title.strip() or decision.title
    sha = _version_hash(
        title=title, text=text, options=decision.options, legal_basis=decision.legal_basis
    )
    version = DraftVersion.objects.create(
        decision=decision,
        number=decision.versions.count() + 1,
        kind=DraftVersion.Kind.AMENDED,
        meeting=meeting,
        amendments=meeting.amendments,
        substantive=bool(substantive),
        title=title,
        text=text,
        options=decision.options,
        legal_basis=decision.legal_basis,
        sha256=sha,
        created_by=by,
    )
    record_append(
        actor=by,
        action="decision.amended_version_saved",
        subject=decision,
        payload={
            "version": version.number,
            "sha256": sha,
            "meeting": meeting.pk,
            "substantive": version.substantive,
        },
    )
    return version


@service_atomic
def amended_version_approve(*, version: DraftVersion, by) -> DraftVersion:
    """The lead unit's head approves the amended version. Unless the amendments are
    substantive, the decision goes on to the Party report (第三十条、第三十一条)."""
    decision, version = _lock_version(version)
    require_role(user=by, role="unit_head", unit=decision.lead_unit)
    require_stage(decision, Stage.AMENDING)
    _require_pending(version)
    if version.approved_at is not None:
        raise ValidationError(_("This version is already approved."), code="already_approved")
    if by.pk == version.created_by_id:
        raise ValidationError(
            _("The person who entered the amended text does not approve it."),
            code="own_amendments",
        )
    version.approved_by = by
    version.approved_at = timezone.now()
    version.save(update_fields=["approved_by", "approved_at"])
    record_append(
        actor=by,
        action="decision.amended_version_approved",
        subject=decision,
        payload={"version": version.number, "sha256": version.sha256},
    )
    _go_on(decision=decision, version=version, by=by)
    return version


@service_atomic
def amended_version_confirm(
    *, version: DraftVersion, by, lawful: bool, opinion: str = ""
) -> DraftVersion:
    """Substantive amendments: a legal advisor of the review office confirms the amended text
    is lawful before it goes on (第二十五条、第二十八条), or returns it with the opinion; the
    drafter then enters a new version. Never the person who entered the text."""
    decision, version = _lock_version(version)
    office = review_office_of(decision.government)
    if by.pk == version.created_by_id:
        raise PermissionDenied("the drafter of the amended text does not confirm it")
    require_role(user=by, role="legal_advisor", unit=office)
    require_stage(decision, Stage.AMENDING)
    _require_pending(version)
    if not version.substantive:
        raise ValidationError(
            _("Only substantive amendments go to the review office."),
            code="not_substantive",
        )
    if version.review_confirmed_at is not None:
        raise ValidationError(_("This version is already confirmed."), code="already_confirmed")
    if not lawful and not opinion.strip():
        raise ValidationError(
            _("Give the review office's opinion on what is unlawful."), code="opinion_required"
        )
    version.review_opinion = opinion.strip()
    if lawful:
        version.review_confirmed_by = by
        version.review_confirmed_at = timezone.now()
        fields = ["review_opinion", "review_confirmed_by", "review_confirmed_at"]
    else:
        version.returned_at = timezone.now()
        fields = ["review_opinion", "returned_at"]
    version.save(update_fields=fields)
    record_append(
        actor=by,
        action="decision.amended_version_confirmed"
        if lawful
        else "decision.amended_version_returned",
        subject=decision,
        payload={
            "version": version.number,
            "sha256": version.sha256,
            "office": office.pk,
            "opinion": version.review_opinion,
        },
    )
    if lawful:
        _go_on(decision=decision, version=version, by=by)
    return version

"""Reads with object-level visibility. Whatever a person may not see does not exist for them:
views turn a miss into 404, never 403 (style.md, Security).

Who sees which decision, by office (design.md "Offices and people"; issue 16). Legal source:
《重大行政决策程序暂行条例》 (国务院令第713号).

- **The lead unit's own** (drafters, the unit head, the unit's legal advisors, and a risk
  assessor it commissions, granted ``risk_assessor`` on it): every decision of the unit, from
  the first draft on. A draft is the lead unit's own until it is submitted beyond the unit
  (第十一条、第十二条: the lead unit drafts; 第二十二条: it assesses, or a third party does
  for it).
- **The review office** (负责合法性审查的部门, ``workflows.offices.review_office_of`` the
  decision's government; its legal advisors and its head): what was submitted to it, i.e.
  every decision with a legality review (any status, 第二十五条至第二十八条) or on an agenda
  item sent for its legality check (议题合法性审核), from the submission on.
- **Experts**: the decisions they are chosen for (an ``ExpertSelection`` not withdrawn) or
  gave an opinion on (第十九条至第二十一条). **A third-party risk assessor** (``risk_assessor``
  granted on the government): the decisions whose risk assessment they did (第二十二条).
  Neither role shows them anything else of the government's (except what is published).
- **The meeting secretary, the members and the administrative head** of the government: its
  decisions from the moment they are submitted onto its agenda: stage ``meeting`` or later,
  or on an agenda item of one of its sessions (第二十九条、第三十条). The secretary (the
  政府办, which draws up the agenda) also sees a decision as soon as an agenda item for it is
  proposed.
- **Publishers** of the government: its decisions from stage ``publication`` on, not the
  rejected ones archived straight from the meeting (第三十二条).
- **Everyone with a role in the government** (a grant on it, or on one of its departments,
  which execute its decisions, 第三十四条): its published decisions (a publication record
  that published it, 第三十二条) — the public reads them on the portal anyway. A township is a
  government of its own level, not a department: its people see the county's decisions on
  the portal.
- **Post-evaluators**: the decisions they evaluate, whatever their unit (第三十六条).
- **Archivists and administrators**: everything, read-only (archivists change nothing but the
  seal; 第三十三条).

Every step's offer (``decisions.steps``) falls under one of these, so whoever a task is
offered to can open it (tests/decisions/test_visibility_by_office.py drives a real process
and checks each open task's offers): the lead unit's steps (drafting to the package check,
the amended text and its approval), the review office's review, approval and confirmation of
amendments (a review exists by then), the secretary's meeting and Party report (stage
``meeting`` on), the publisher's publication, the archivist's seal; experts' and evaluators'
inbox items (``decisions.inbox``) are theirs by selection.

Cost (issue 22): the person's role grants (their guardian grants on ``Unit``, read in one
statement by ``role_grants_for``), the decisions they are personally tied to (evaluations,
risk assessments, expert selections and opinions: one ``UNION``) and, when they hold a unit
grant, the governments of their units and the governments whose review office they serve (one
read of ``Unit``) are read first; the decisions are then filtered on their indexed
``lead_unit_id`` / ``government_id`` / ``id`` against those few literal ids (and on ``stage``
within a government's rows), never
through a per-row subquery on guardian's generic object-permission table (its ``object_pk`` is
text, cast row by row). The only subqueries are on decision-side tables (a legality review, an
agenda item or a publication exists), each limited to the governments the person serves, and
each read once as an array of decision ids on PostgreSQL (``_has``): every branch is then an
index condition (the lead unit; the government and stage, ``decision_government_stage_idx``;
the primary key), which PostgreSQL ORs in a bitmap, so a secretary who sees none of a
county's 100,000 decisions costs a few index probes rather than a test of each. A legality
review carries its decision's government (kept by a trigger on PostgreSQL), so the review
office's array is read from the reviews' own index, not by joining the government's
decisions. A review office that reviewed a large part of all decisions is the exception
(``_walks``): its list walks the decisions newest first, every branch a hash read once, and
stops at the page's last row. Asked about one decision (``decision_is_visible``,
``decision_get_for_user``: every decision page), the rules are one statement after the grants:
each branch asks that decision's row, its government's row and, by ``EXISTS``, its own rows
(``_one_decision``).
"""

from functools import cache

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    Func,
    Manager,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.http import Http404

from workflows.connections import prepared_cursor
from workflows.inbox.offers import RoleGrants, role_grants_for
from workflows.models import Unit
from workflows.permissions import has_role
from workflows.roles import ROLES

from .models import (
    AgendaItem,
    CatalogueItem,
    Decision,
    ExpertOpinion,
    ExpertProfile,
    ExpertSelection,
    LegalityReview,
    Outcome,
    PostEvaluation,
    Publication,
    RiskAssessment,
    Stage,
)
from .rules.stages import stages_from

# Roles that see every decision of the units they hold them for, as its lead unit.
UNIT_ROLES = ("drafter", "unit_head", "legal_advisor", "risk_assessor")
# Roles of the review office that see what was submitted to it.
REVIEW_OFFICE_ROLES = ("legal_advisor", "unit_head")
# Roles of the government that see its decisions from the agenda on (第二十九条、第三十条).
MEETING_ROLES = ("meeting_secretary", "meeting_member", "principal")
# Roles of the government that see its decisions from publication on (第三十二条).
PUBLISHING_ROLES = ("publisher",)
# Roles that see everything, read-only.
READ_ALL_ROLES = ("archivist", "administrator")

FROM_THE_AGENDA = stages_from(Stage.MEETING)
FROM_PUBLICATION = stages_from(Stage.PUBLICATION)


class _AnyOf(Func):
    """``column = ANY(ARRAY(subquery))``: the subquery runs once, and the decisions it names
    are read through the primary key's index, so PostgreSQL can OR it with the other
    branches' index scans (a bitmap OR) instead of testing every decision of a government
    with a per-row ``EXISTS``."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()


def _has(
    related: QuerySet | Manager,
    governments: list[int],
    *,
    own_government: bool = False,
    hashed: bool = False,
) -> Q:
    """The decisions of ``governments`` named by ``related`` (rows of a decision-side table, by
    their indexed ``decision_id``): read once as an array on PostgreSQL (issue 22: the
    secretary's list tested an agenda item for each of 100,000 decisions), a correlated
    ``EXISTS`` elsewhere.

    The government is asked inside the array's subquery, not beside it: a condition beside
    it is a filter PostgreSQL evaluates for every row the bitmap fetches, and ``id = ANY`` of
    an array read at run time is a linear search (a review office's 12,480 reviews made the
    advisor's list 260 ms); alone, the branch is an index condition and is not evaluated
    again.

    ``own_government``: the rows carry their decision's government themselves (a legality
    review's ``government``, kept by a PostgreSQL trigger): asked there, the subquery reads
    the related table's index on (government, decision) alone instead of joining every
    decision of the government (issue 22: a sequential scan of 100,000 decisions for the
    review office's 12,480 reviews).

    ``hashed``: ``id IN (subquery)`` instead, which PostgreSQL reads once into a hash and
    probes for each decision it walks, newest first, stopping at the page's last row
    (``_walks``: when the person sees a large part of all decisions)."""
    # One ``filter`` call: each call copies the query, and this runs for every branch.
    if connection.vendor == "postgresql":
        government = "government_id__in" if own_government else "decision__government_id__in"
        ids = (
            related.filter(**{government: governments, "decision_id__isnull": False})
            .order_by()
            .values("decision_id")
        )
        return Q(pk__in=ids) if hashed else Q(_AnyOf(F("pk"), Subquery(ids)))
    return Q(
        Exists(related.filter(decision__government_id__in=governments, decision_id=OuterRef("pk")))
    )


def reads_all(user) -> bool:
    return user.is_superuser or any(has_role(user=user, role=r) for r in READ_ALL_ROLES)


_reads_all = reads_all


def _held_units(grants: RoleGrants, roles) -> list[int]:
    """The units of the roles among ``roles`` the person holds (group and unit grant both)."""
    return grants.unit_ids(*(role for role in roles if role in grants.groups))


# Stands for the person's id while the statement of their own decisions is compiled.
_USER = -7_310_532


def _own_decision_ids(user) -> list[int]:
    """The decisions ``user`` is tied to in person, whatever their grants, in one statement
    (``_own_sql``)."""
    sql, params = _own_sql(connection.vendor)
    with prepared_cursor() as cursor:
        cursor.execute(sql, [user.pk if p == _USER else p for p in params])
        return sorted({pk for (pk,) in cursor.fetchall()})


@cache
def _own_sql(vendor: str) -> tuple[str, tuple]:
    """The decisions a person evaluated (第三十六条), risk-assessed (第二十二条), was chosen
    for as an expert and not withdrawn, or gave an expert opinion on (第十九条至第二十一条),
    compiled once per database vendor with ``_USER`` where their id goes (composing it with
    the ORM on every list cost more than running it)."""
    evaluated = PostEvaluation.objects.filter(evaluator=_USER).values_list("decision_id")
    assessed = RiskAssessment.objects.filter(assessor=_USER).values_list("decision_id")
    chosen = ExpertSelection.objects.filter(expert__user=_USER, withdrawn_at=None).values_list(
        "decision_id"
    )
    opined = ExpertOpinion.objects.filter(expert__user=_USER).values_list("decision_id")
    ids = evaluated.order_by().union(
        assessed.order_by(), chosen.order_by(), opined.order_by(), all=True
    )
    sql, params = ids.query.sql_with_params()
    if list(params).count(_USER) != 4:
        raise RuntimeError("cannot find the person's id in the statement of their decisions")
    return sql, tuple(params)


def _governments(grants: RoleGrants) -> tuple[list[int], list[int]]:
    """(the governments the person has a role in, the governments whose review office they
    serve), in one read of ``Unit``. A role in a government is a grant on the government
    itself or on one of its departments (工作部门, and other units under it); a township is a
    government of its own level (乡镇人民政府), not a part of the county's."""
    held = _held_units(grants, ROLES)
    if not held:
        return [], []
    reviewer_units = set(_held_units(grants, REVIEW_OFFICE_ROLES))
    rows = Unit.objects.filter(Q(pk__in=held) | Q(review_office_id__in=reviewer_units))
    member_of, reviews_for = set(), set()
    held_set = set(held)
    for pk, parent, kind, review_office in rows.values_list(
        "pk", "parent_id", "kind", "review_office_id"
    ):
        if pk in held_set:
            if kind in (Unit.Kind.GOVERNMENT, Unit.Kind.TOWNSHIP):
                member_of.add(pk)
            elif parent is not None:
                member_of.add(parent)
        if kind == Unit.Kind.GOVERNMENT and review_office in reviewer_units:
            reviews_for.add(pk)
    return sorted(member_of), sorted(reviews_for)


# The share of all decisions at or above which a review office's list walks the decisions
# newest first instead of gathering its reviews' decisions (``_walks``).
WALK_SHARE = 20


def _walks(reviews_for: list[int]) -> bool:
    """Whether the review office of ``reviews_for`` reviewed at least one in ``WALK_SHARE``
    of all decisions (counted up to there, from the reviews' own index, against PostgreSQL's
    estimate of the decisions' number).

    Why (issue 22): the review office sees every decision with a legality review of its
    governments (第二十五条至第二十八条). Gathered as an array (``_has``), the list of a
    county's office with 12,480 reviews among 100,000 decisions probed the decisions' primary
    key 12,480 times to show fifty and again to count them: 42 ms. Walking the decisions
    newest first with the reviews in a hash stops after some 600 rows (14 ms for both). But
    PostgreSQL assumes such a hash matches half the rows, so it walks whatever the office's
    size: an office with no review walked all 100,000 (56 ms) where the array costs nothing.
    The number of reviews tells the two apart; it is read before the list, so the planner is
    given the form that suits the person, at a cost of one probe of the reviews' index."""
    if connection.vendor != "postgresql":
        return False
    q = connection.ops.quote_name
    reviews = q(LegalityReview._meta.db_table)
    sql = (
        f"WITH n AS (SELECT GREATEST(reltuples, 0)::bigint AS total FROM pg_class "
        f"WHERE oid = %s::regclass) "
        f"SELECT count(*) * %s >= (SELECT total FROM n) FROM (SELECT 1 FROM {reviews} "
        f"WHERE {q('government_id')} = ANY(%s) "
        f"LIMIT (SELECT total / %s + 1 FROM n)) s"
    )
    with prepared_cursor() as cursor:
        cursor.execute(sql, [Decision._meta.db_table, WALK_SHARE, reviews_for, WALK_SHARE])
        return bool(cursor.fetchone()[0])


def decisions_visible_to(
    *, user, grants: RoleGrants | None = None, pk: int | str | None = None
) -> QuerySet[Decision]:
    """The decisions ``user`` may see (the rules of the module's docstring). Pass ``grants``
    (``role_grants_for``) when the request already read them; at most three small queries
    otherwise (grants, the person's own decisions, their units), then one filter on indexed
    columns against literal ids.

    ``pk``: only that decision, if they may see it (``decision_is_visible``,
    ``decision_get_for_user``): after the grants, one statement, each rule asked of that
    decision's row and its own rows (``_one_decision``)."""
    if not (user.is_authenticated and user.is_active):
        return Decision.objects.none()
    decisions = Decision.objects.all() if pk is None else Decision.objects.filter(pk=pk)
    if _reads_all(user):
        return decisions
    grants = role_grants_for(user=user) if grants is None else grants
    if pk is not None:
        # An int, as the ORM's own filter makes it (a ValueError otherwise, as there).
        pk = Decision._meta.pk.get_prep_value(pk)
        return decisions.filter(_one_decision(user, grants, pk))
    condition = Q(pk__in=[])
    if own := _own_decision_ids(user):
        condition |= Q(pk__in=own)
    if lead_units := _held_units(grants, UNIT_ROLES):
        condition |= Q(lead_unit_id__in=lead_units)
    member_of, reviews_for = _governments(grants)
    # Every branch hashed or none: one array among hashes is searched row by row.
    hashed = bool(reviews_for) and _walks(reviews_for)
    if reviews_for:
        condition |= _has(LegalityReview.objects, reviews_for, own_government=True, hashed=hashed)
        condition |= _has(AgendaItem.objects, reviews_for, hashed=hashed)
    if secretariat := _held_units(grants, ("meeting_secretary",)):
        condition |= _has(AgendaItem.objects, secretariat, hashed=hashed)
    if at_meetings := _held_units(grants, MEETING_ROLES):
        condition |= Q(government_id__in=at_meetings, stage__in=FROM_THE_AGENDA) | _has(
            AgendaItem.objects.filter(session__isnull=False), at_meetings, hashed=hashed
        )
    if publishes := _held_units(grants, PUBLISHING_ROLES):
        # A rejected decision goes from the meeting to the archive without publication.
        condition |= Q(government_id__in=publishes, stage__in=FROM_PUBLICATION) & ~Q(
            outcome=Outcome.REJECTED
        )
    if member_of:
        condition |= _has(Publication.objects.filter(published=True), member_of, hashed=hashed)
    return decisions.filter(condition)


def _exists(model, where: str = "") -> str:
    """``EXISTS`` a row of ``model`` on the decision (a ``%s`` for its id: asked once, as one
    probe of the index on ``decision_id``, not per row) and ``where``, in SQL."""
    q = connection.ops.quote_name
    column = model._meta.get_field("decision").column
    return f"EXISTS (SELECT 1 FROM {q(model._meta.db_table)} r WHERE r.{q(column)} = %s{where})"


def _expert(model, where: str = "") -> str:
    """``EXISTS`` a row of ``model`` on the decision by the person (a second ``%s``) as an
    expert."""
    q = connection.ops.quote_name
    return _exists(
        model,
        f" AND r.{q('expert_id')} IN (SELECT {q('id')} FROM {q(ExpertProfile._meta.db_table)} "
        f"WHERE {q('user_id')} = %s){where}",
    )


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


def _one_decision(user, grants: RoleGrants, pk) -> RawSQL:
    """The rules of ``decisions_visible_to``, asked of decision ``pk`` (the one the query
    reads), as one condition in SQL (issue 22: a decision's pages asked it in four statements,
    and composing it with the ORM cost more than the statements saved). The person's own ties
    and the decision's reviews, agenda items and publication are ``EXISTS`` on their indexed
    ``decision_id``; which governments the person serves is asked of the decision's own
    government row instead of reading their units first: a government they hold a role in, or
    the parent of a department they hold one in (``_governments``), or a government whose
    review office they serve. The person's units are literal, from ``grants``."""
    q = connection.ops.quote_name
    d, unit = q(Decision._meta.db_table), q(Unit._meta.db_table)
    government, stage = f"{d}.{q('government_id')}", f"{d}.{q('stage')}"
    unit_id, office = f"g.{q('id')}", f"g.{q('review_office_id')}"
    agenda = _exists(AgendaItem)
    branches = [
        _exists(PostEvaluation, f" AND r.{q('evaluator_id')} = %s"),
        _exists(RiskAssessment, f" AND r.{q('assessor_id')} = %s"),
        _expert(ExpertSelection, f" AND r.{q('withdrawn_at')} IS NULL"),
        _expert(ExpertOpinion),
    ]
    params: list = [pk, user.pk] * 4
    if lead_units := _held_units(grants, UNIT_ROLES):
        branches.append(_in(f"{d}.{q('lead_unit_id')}", lead_units))
        params += lead_units
    if reviewer_units := _held_units(grants, REVIEW_OFFICE_ROLES):
        branches.append(
            f"EXISTS (SELECT 1 FROM {unit} g WHERE {unit_id} = {government} AND g.{q('kind')} "
            f"= %s AND {_in(office, reviewer_units)}) AND "
            f"({_exists(LegalityReview)} OR {agenda})"
        )
        params += [Unit.Kind.GOVERNMENT.value, *reviewer_units, pk, pk]
    if secretariat := _held_units(grants, ("meeting_secretary",)):
        branches.append(f"{_in(government, secretariat)} AND {agenda}")
        params += [*secretariat, pk]
    if at_meetings := _held_units(grants, MEETING_ROLES):
        on_session = _exists(AgendaItem, f" AND r.{q('session_id')} IS NOT NULL")
        branches.append(
            f"{_in(government, at_meetings)} AND ({_in(stage, FROM_THE_AGENDA)} OR {on_session})"
        )
        params += [*at_meetings, *FROM_THE_AGENDA, pk]
    if publishes := _held_units(grants, PUBLISHING_ROLES):
        # A rejected decision goes from the meeting to the archive without publication.
        branches.append(
            f"{_in(government, publishes)} AND {_in(stage, FROM_PUBLICATION)} "
            f"AND {d}.{q('outcome')} <> %s"
        )
        params += [*publishes, *FROM_PUBLICATION, Outcome.REJECTED.value]
    if held := _held_units(grants, ROLES):
        levels = [Unit.Kind.GOVERNMENT.value, Unit.Kind.TOWNSHIP.value]
        branches.append(
            f"(EXISTS (SELECT 1 FROM {unit} g WHERE {unit_id} = {government} AND "
            f"{_in(unit_id, held)} AND g.{q('kind')} IN (%s, %s)) OR "
            f"EXISTS (SELECT 1 FROM {unit} g WHERE {_in(unit_id, held)} AND "
            f"g.{q('parent_id')} = {government} AND g.{q('kind')} NOT IN (%s, %s))) AND "
            + _exists(Publication, f" AND r.{q('published')} = %s")
        )
        params += [*held, *levels, *held, *levels, pk, True]
    return RawSQL("(" + " OR ".join(f"({b})" for b in branches) + ")", params, BooleanField())


def decision_is_visible(*, user, decision: Decision) -> bool:
    return decisions_visible_to(user=user, pk=decision.pk).exists()


def decision_get_for_user(*, user, pk: int) -> Decision:
    """The decision, or Http404 when it does not exist *for this user*."""
    if pk is None:
        raise Http404
    try:
        return (
            decisions_visible_to(user=user, pk=pk)
            .select_related("lead_unit", "government", "catalogue_item")
            .get()
        )
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def catalogue_visible_to(*, user) -> QuerySet[CatalogueItem]:
    """Published items are public knowledge; drafts only to the people compiling them."""
    if not user.is_authenticated:
        return CatalogueItem.objects.filter(status__in=["published", "adjusted"])
    return (
        CatalogueItem.objects.all()
        if _reads_all(user) or has_role(user=user, role="legal_advisor")
        else CatalogueItem.objects.filter(status__in=["published", "adjusted"])
    )


def pre_decision_assessor_ids(decision: Decision) -> set[int]:
    """Who assessed the decision before it was taken: its risk assessors and experts."""
    ids = set(decision.risk_assessments.values_list("assessor_id", flat=True))
    ids |= set(decision.expert_opinions.values_list("expert__user_id", flat=True))
    return ids


def pre_decision_assessing_unit_ids(decision: Decision) -> set[int]:
    """The units that did the main argumentation or assessment before the decision
    (第三十六条; ``rules.aftermath.assessing_unit_ids``)."""
    from .rules.aftermath import assessing_unit_ids

    return assessing_unit_ids(
        lead_unit_id=decision.lead_unit_id,
        risk_assessments=decision.risk_assessments.values_list(
            "assessor__profile__unit_id", "third_party"
        ),
        expert_unit_ids=decision.expert_opinions.values_list(
            "expert__user__profile__unit_id", flat=True
        ),
    )


def evaluator_candidates(decision: Decision) -> QuerySet:
    """Active staff who may evaluate the decision afterwards: not its pre-decision assessors
    nor anyone of the units that did the main assessment (第三十六条), so the
    post-evaluation form never offers a conflicted person."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, profile__isnull=False)
        .exclude(pk__in=pre_decision_assessor_ids(decision))
        .exclude(profile__unit_id__in=pre_decision_assessing_unit_ids(decision))
        .order_by("username")
    )

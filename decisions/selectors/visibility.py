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
(``_one_decision``). What is read first is read in ``offices``; the one-decision statement is
built in ``one_decision``; the list's forms (``_has``, ``_walks``) are here.
"""

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
from django.http import Http404

from workflows.connections import prepared_cursor
from workflows.inbox.offers import RoleGrants, role_grants_for

from ..models import AgendaItem, Decision, LegalityReview, Outcome, Publication
from .offices import (
    FROM_PUBLICATION,
    FROM_THE_AGENDA,
    MEETING_ROLES,
    PUBLISHING_ROLES,
    UNIT_ROLES,
    _governments,
    _held_units,
    _own_decision_ids,
    reads_all,
)
from .one_decision import _one_decision


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
    if reads_all(user):
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

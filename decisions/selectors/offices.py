"""What the visibility rules (``visibility``) read about a person before asking them: which
offices they hold and where (their role grants, ``role_grants_for``), the governments they serve,
and the decisions they are tied to in person. The roles and the stages from which each office
sees a government's decisions are declared here, once, for both forms of the rules (the list,
``visibility``; one decision, ``one_decision``)."""

from functools import cache

from django.db import connection
from django.db.models import Q

from workflows.connections import prepared_cursor
from workflows.inbox.offers import RoleGrants
from workflows.models import Unit
from workflows.permissions import has_role
from workflows.roles import ROLES

from ..models import ExpertOpinion, ExpertSelection, PostEvaluation, RiskAssessment, Stage
from ..rules.stages import stages_from

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


def reads_all(user) -> bool:
    return user.is_superuser or any(has_role(user=user, role=r) for r in READ_ALL_ROLES)


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

"""The visibility rules asked of one decision (``decision_is_visible``,
``decision_get_for_user``: every decision page), as one condition in SQL: the rules by office
are ``visibility``'s docstring, the person's offices and units come from ``offices``."""

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from workflows.inbox.offers import RoleGrants
from workflows.models import Unit
from workflows.roles import ROLES

from ..models import (
    AgendaItem,
    Decision,
    ExpertOpinion,
    ExpertProfile,
    ExpertSelection,
    LegalityReview,
    Outcome,
    PostEvaluation,
    Publication,
    RiskAssessment,
)
from .offices import (
    FROM_PUBLICATION,
    FROM_THE_AGENDA,
    MEETING_ROLES,
    PUBLISHING_ROLES,
    REVIEW_OFFICE_ROLES,
    UNIT_ROLES,
    _held_units,
)


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

"""Reads with object-level visibility. Whatever a person may not see does not exist for them:
views turn a miss into 404, never 403 (style.md, Security).

- drafters and unit heads: the decisions of the units they hold the role for;
- risk assessors: likewise, the decisions of the lead units that commission them (第二十二条:
  the lead unit assesses, or a third party does for it), and as below;
- legal advisors: the units they are granted (guardian grants on Unit);
- meeting secretaries, members, the head, publishers, experts and risk assessors: the decisions
  of the government they serve;
- archivists and administrators: everything, read-only (archivists change nothing but the seal).

The person's role grants (their guardian grants on ``Unit``, read in one statement by
``role_grants_for``) and the decisions they evaluate are read first; the decisions are then
filtered on their indexed ``lead_unit_id`` / ``government_id`` / ``id`` against those few ids,
never through a per-row subquery on guardian's generic object-permission table (its
``object_pk`` is text, cast row by row). Same answer as asking guardian per role (the user's
own grants on units, with the role's group: ``units_for_role`` under ``has_role``).
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from workflows.inbox.offers import RoleGrants, role_grants_for
from workflows.permissions import has_role

from .models import CatalogueItem, Decision, PostEvaluation

UNIT_ROLES = ("drafter", "unit_head", "legal_advisor", "risk_assessor")
GOVERNMENT_ROLES = (
    "meeting_secretary",
    "meeting_member",
    "principal",
    "publisher",
    "expert",
    "risk_assessor",
)
READ_ALL_ROLES = ("archivist", "administrator")


def reads_all(user) -> bool:
    return user.is_superuser or any(has_role(user=user, role=r) for r in READ_ALL_ROLES)


_reads_all = reads_all


def _held_units(grants: RoleGrants, roles) -> list[int]:
    """The units of the roles among ``roles`` the person holds (group and unit grant both)."""
    return grants.unit_ids(*(role for role in roles if role in grants.groups))


def decisions_visible_to(*, user, grants: RoleGrants | None = None) -> QuerySet[Decision]:
    """The decisions ``user`` may see. Pass ``grants`` (``role_grants_for``) when the request
    already read them; two small queries otherwise (grants, evaluations), then one filter on
    indexed columns against literal ids."""
    if not (user.is_authenticated and user.is_active):
        return Decision.objects.none()
    if _reads_all(user):
        return Decision.objects.all()
    grants = role_grants_for(user=user) if grants is None else grants
    condition = Q(pk__in=[])
    if lead_units := _held_units(grants, UNIT_ROLES):
        condition |= Q(lead_unit_id__in=lead_units)
    if governments := _held_units(grants, GOVERNMENT_ROLES):
        condition |= Q(government_id__in=governments)
    # The evaluator chosen for a post-evaluation (第三十六条), often from another body or a
    # third party: the decision they must evaluate is visible to them, whatever their unit.
    evaluated = sorted(
        set(PostEvaluation.objects.filter(evaluator=user).values_list("decision_id", flat=True))
    )
    if evaluated:
        condition |= Q(pk__in=evaluated)
    return Decision.objects.filter(condition)


def decision_is_visible(*, user, decision: Decision) -> bool:
    return decisions_visible_to(user=user).filter(pk=decision.pk).exists()


def decision_get_for_user(*, user, pk: int) -> Decision:
    """The decision, or Http404 when it does not exist *for this user*."""
    try:
        return decisions_visible_to(user=user).select_related("lead_unit", "government").get(pk=pk)
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


def evaluator_candidates(decision: Decision) -> QuerySet:
    """Active staff who may evaluate the decision afterwards: not its pre-decision assessors
    (第三十六条), so the post-evaluation form never offers a conflicted person."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, profile__isnull=False)
        .exclude(pk__in=pre_decision_assessor_ids(decision))
        .order_by("username")
    )

"""Reads with object-level visibility. Whatever a person may not see does not exist for them:
views turn a miss into 404, never 403 (style.md, Security).

- drafters and unit heads: the decisions of the units they hold the role for;
- legal advisors: the units they are granted (guardian grants on Unit);
- meeting secretaries, members, the head, publishers, experts and risk assessors: the decisions
  of the government they serve;
- archivists and administrators: everything, read-only (archivists change nothing but the seal).
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from workflows.permissions import has_role, units_for_role

from .models import CatalogueItem, Decision, PostEvaluation

UNIT_ROLES = ("drafter", "unit_head", "legal_advisor")
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


def decisions_visible_to(*, user) -> QuerySet[Decision]:
    if not (user.is_authenticated and user.is_active):
        return Decision.objects.none()
    if _reads_all(user):
        return Decision.objects.all()
    condition = Q(pk__in=[])
    for role in UNIT_ROLES:
        if has_role(user=user, role=role):
            condition |= Q(lead_unit__in=units_for_role(user=user, role=role))
    for role in GOVERNMENT_ROLES:
        if has_role(user=user, role=role):
            condition |= Q(government__in=units_for_role(user=user, role=role))
    # The evaluator chosen for a post-evaluation (第三十六条), often from another body or a
    # third party: the decision they must evaluate is visible to them, whatever their unit.
    condition |= Q(pk__in=PostEvaluation.objects.filter(evaluator=user).values("decision_id"))
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

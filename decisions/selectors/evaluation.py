"""Who assessed a decision before it was taken, and so who may not evaluate it afterwards
(第三十六条): the post-evaluation form offers only people without that conflict."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from ..models import Decision
from ..rules.aftermath import assessing_unit_ids


def pre_decision_assessor_ids(decision: Decision) -> set[int]:
    """Who assessed the decision before it was taken: its risk assessors and experts."""
    ids = set(decision.risk_assessments.values_list("assessor_id", flat=True))
    ids |= set(decision.expert_opinions.values_list("expert__user_id", flat=True))
    return ids


def pre_decision_assessing_unit_ids(decision: Decision) -> set[int]:
    """The units that did the main argumentation or assessment before the decision
    (第三十六条; ``rules.aftermath.assessing_unit_ids``)."""
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
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__isnull=False)
        .exclude(pk__in=pre_decision_assessor_ids(decision))
        .exclude(profile__unit_id__in=pre_decision_assessing_unit_ids(decision))
        .order_by("username")
    )

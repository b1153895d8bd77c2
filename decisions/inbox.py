"""Decision steps that are not viewflow tasks, in the same inbox as the tasks: a post-evaluation
report owed by the evaluator chosen for it (第三十六条), and the written, signed opinion owed by
an expert the lead unit chose (第十九条至第二十一条). Evaluators and experts are often outside the
government; without this they would learn of their work from the notification alone."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.inbox import InboxItem

from .models import ExpertOpinion, ExpertSelection, PostEvaluation, Stage


def _post_evaluation_items(user) -> list[InboxItem]:
    """One query: the post-evaluations ``user`` still has to report on."""
    pending = (
        PostEvaluation.objects.filter(evaluator=user, completed_at=None)
        .select_related("decision__lead_unit")
        .order_by("started_at", "pk")
    )
    return [
        InboxItem(
            kind="decisions.post_evaluation",
            title=_("Write the post-evaluation report"),
            subject=evaluation.decision.title,
            url=reverse(
                "decisions:register:evaluation_report",
                kwargs={"pk": evaluation.decision_id, "evaluation_pk": evaluation.pk},
            ),
            due=None,
            unit=evaluation.evaluator_organisation or str(evaluation.decision.lead_unit),
            stage=_("Post-evaluation"),
            created=evaluation.started_at,
            key=f"post_evaluation:{evaluation.pk}",
        )
        for evaluation in pending
    ]


def _expert_opinion_items(user) -> list[InboxItem]:
    """One query: the decisions on whose argumentation ``user`` was chosen as an expert and
    still owes an opinion: not withdrawn, no opinion given, the decision still at the
    assessment stage (the only stage an opinion is taken at). No clock runs for an opinion
    (the Interim Regulations set none), so the item has no due date."""
    given = ExpertOpinion.objects.filter(
        decision_id=OuterRef("decision_id"), expert_id=OuterRef("expert_id")
    )
    pending = (
        ExpertSelection.objects.filter(
            expert__user=user,
            expert__active=True,
            withdrawn_at=None,
            decision__stage=Stage.ASSESSMENT,
        )
        .exclude(Exists(given))
        .select_related("decision__lead_unit")
        .order_by("chosen_at", "pk")
    )
    return [
        InboxItem(
            kind="decisions.expert_opinion",
            title=_("Give your expert opinion"),
            subject=selection.decision.title,
            url=reverse("decisions:register:opinion", kwargs={"pk": selection.decision_id}),
            due=None,
            unit=str(selection.decision.lead_unit),
            stage=str(Stage.ASSESSMENT.label),
            created=selection.chosen_at,
            key=f"expert_opinion:{selection.pk}",
        )
        for selection in pending
    ]


def decision_inbox_items(user) -> list[InboxItem]:
    """Two queries, whatever the number: the reports and opinions ``user`` still owes."""
    if not (user.is_authenticated and user.is_active):
        return []
    return _post_evaluation_items(user) + _expert_opinion_items(user)

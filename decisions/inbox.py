"""Decision steps that are not viewflow tasks, in the same inbox as the tasks: a
post-evaluation report owed by the evaluator chosen for it (第三十六条). The evaluator is often
outside the government; without this they would learn of it from the notification alone."""

from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.inbox import InboxItem

from .models import PostEvaluation


def decision_inbox_items(user) -> list[InboxItem]:
    """One query, whatever the number: the post-evaluations ``user`` still has to report on."""
    if not (user.is_authenticated and user.is_active):
        return []
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

"""Decision steps that are not viewflow tasks, in the same inbox as the tasks: a post-evaluation
report owed by the evaluator chosen for it (第三十六条), and the written, signed opinion owed by
an expert the lead unit chose (第十九条至第二十一条). Evaluators and experts are often outside the
government; without this they would learn of their work from the notification alone."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Exists,
    Max,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.inbox import InboxItem

from .models import (
    DecisionProcess,
    ExpertOpinion,
    ExpertSelection,
    LegalityReview,
    PostEvaluation,
    Stage,
)


def decision_process_clocks(process) -> Q:
    """Where the clock a decision's step meets is, as a condition on
    ``workflows.clocks.Deadline`` (``workflows.inbox.register_task_clocks``): on the decision's
    latest legality review (第二十六条: the review's clock is opened on the review,
    ``decisions.services.review``; an earlier review's clock ended with it), the only clock a
    step of the decision meets. ``process`` names the process's pk from inside a subquery of
    Deadline.

    An equality with one review, not ``IN`` its reviews: PostgreSQL then looks the clock up in
    the running clocks' (content type, object id, rule) index instead of testing every running
    review clock."""
    # The decision's id from its process by primary key, then the highest id of its reviews on
    # their decision index: cheaper per task than joining the decision and sorting its reviews
    # (issue 22: the legal advisor's grouped inbox reads the clock of every review task).
    decision = DecisionProcess.objects.filter(pk=OuterRef(process)).order_by()
    decision = decision.values("decision_id")[:1]
    latest = (
        LegalityReview.objects.filter(decision_id=Subquery(decision))
        .order_by()
        .values("decision_id")
        .annotate(ref=Cast(Max("pk"), CharField()))
        .values("ref")
    )
    return Q(
        content_type=ContentType.objects.get_for_model(LegalityReview),
        object_id=Subquery(latest),
    )


def decision_clock_processes(deadlines):
    """The way back from a clock to its decision process (``register_task_clocks``): of the
    running ``deadlines``, those on a decision's latest legality review (the only clocks
    ``decision_process_clocks`` names), each annotated with the pk of the decision's process
    (``i_process``). Per clock: the review by primary key (its id is the clock's object id, read
    as a number only for a review's clock), whether a later review of the decision exists, and
    the decision's process by its one-to-one: index lookups, a constant cost per clock."""
    review_type = ContentType.objects.get_for_model(LegalityReview)
    later = LegalityReview.objects.filter(
        decision_id=OuterRef("decision_id"), pk__gt=OuterRef("pk")
    )
    decision = (
        LegalityReview.objects.filter(pk=OuterRef(OuterRef("i_review")))
        .exclude(Exists(later))
        .order_by()
        .values("decision_id")[:1]
    )
    process = DecisionProcess.objects.filter(decision_id=Subquery(decision)).order_by()
    process = process.values("pk")[:1]
    return deadlines.filter(content_type=review_type).annotate(
        i_review=Case(
            When(content_type=review_type, then=Cast("object_id", BigIntegerField())),
            output_field=BigIntegerField(),
        ),
        i_process=Subquery(process),
    )


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
            process="decisions",
            unit_ids=(evaluation.decision.lead_unit_id,),
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
            process="decisions",
            unit_ids=(selection.decision.lead_unit_id,),
        )
        for selection in pending
    ]


def decision_inbox_items(user) -> list[InboxItem]:
    """Two queries, whatever the number: the reports and opinions ``user`` still owes."""
    if not (user.is_authenticated and user.is_active):
        return []
    return _post_evaluation_items(user) + _expert_opinion_items(user)

"""Decision steps that are not viewflow tasks, in the same inbox as the tasks: a post-evaluation
report owed by the evaluator chosen for it (第三十六条), and the written, signed opinion owed by
an expert the lead unit chose (第十九条至第二十一条). Evaluators and experts are often outside the
government; without this they would learn of their work from the notification alone."""

from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.connections import prepared_cursor
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


# Stands for the person's id while the statement of their reports and opinions is compiled.
_USER = -7_310_530
_POST_EVALUATION, _EXPERT_OPINION = 0, 1


@cache
def _owed_sql(vendor: str) -> tuple[str, tuple]:
    """One statement for both kinds of work the person owes, compiled once per database
    vendor (composing the two queries with the ORM on every inbox read cost more than running
    them, and they find nothing for most staff), ``_USER`` where their id goes. Its rows:
    (kind, id, decision id, decision title, lead unit id, lead unit name, evaluating
    organisation, since when), the post-evaluations first, each kind oldest first.

    - the post-evaluations ``user`` still has to report on (第三十六条);
    - the decisions on whose argumentation ``user`` was chosen as an expert and still owes an
      opinion: not withdrawn, in the pool, no opinion given, the decision still at the
      assessment stage (the only stage an opinion is taken at; 第十九条至第二十一条)."""
    columns = ("kind", "pk", "decision_id", "title", "unit_id", "unit", "organisation", "since")
    evaluations = (
        PostEvaluation.objects.filter(evaluator=_USER, completed_at=None)
        .annotate(
            kind=Value(_POST_EVALUATION),
            title=F("decision__title"),
            unit_id=F("decision__lead_unit_id"),
            unit=F("decision__lead_unit__name"),
            organisation=F("evaluator_organisation"),
            since=F("started_at"),
        )
        .order_by()
        .values_list(*columns)
    )
    given = ExpertOpinion.objects.filter(
        decision_id=OuterRef("decision_id"), expert_id=OuterRef("expert_id")
    )
    selections = (
        ExpertSelection.objects.filter(
            expert__user=_USER,
            expert__active=True,
            withdrawn_at=None,
            decision__stage=Stage.ASSESSMENT,
        )
        .exclude(Exists(given))
        .annotate(
            kind=Value(_EXPERT_OPINION),
            title=F("decision__title"),
            unit_id=F("decision__lead_unit_id"),
            unit=F("decision__lead_unit__name"),
            organisation=Value("", output_field=CharField()),
            since=F("chosen_at"),
        )
        .order_by()
        .values_list(*columns)
    )
    owed = evaluations.union(selections, all=True).order_by("kind", "since", "pk")
    sql, params = owed.query.sql_with_params()
    if list(params).count(_USER) != 2:
        raise RuntimeError("cannot find the person's id in the statement of what they owe")
    return sql, tuple(params)


def _owed_item(kind, pk, decision_id, title, unit_id, unit, organisation, since) -> InboxItem:
    if kind == _POST_EVALUATION:
        return InboxItem(
            kind="decisions.post_evaluation",
            title=_("Write the post-evaluation report"),
            subject=title,
            url=reverse(
                "decisions:register:evaluation_report",
                kwargs={"pk": decision_id, "evaluation_pk": pk},
            ),
            due=None,
            unit=organisation or unit,
            stage=_("Post-evaluation"),
            created=since,
            key=f"post_evaluation:{pk}",
            process="decisions",
            unit_ids=(unit_id,),
        )
    # No clock runs for an opinion (the Interim Regulations set none): no due date.
    return InboxItem(
        kind="decisions.expert_opinion",
        title=_("Give your expert opinion"),
        subject=title,
        url=reverse("decisions:register:opinion", kwargs={"pk": decision_id}),
        due=None,
        unit=unit,
        stage=str(Stage.ASSESSMENT.label),
        created=since,
        key=f"expert_opinion:{pk}",
        process="decisions",
        unit_ids=(unit_id,),
    )


def decision_inbox_items(user) -> list[InboxItem]:
    """One statement, whatever the number: the reports and opinions ``user`` still owes
    (``_owed_sql``), the reports first."""
    if not (user.is_authenticated and user.is_active):
        return []
    sql, params = _owed_sql(connection.vendor)
    with prepared_cursor() as cursor:
        cursor.execute(sql, [user.pk if p == _USER else p for p in params])
        rows = cursor.fetchall()
    return [_owed_item(*row) for row in rows]

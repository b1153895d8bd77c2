"""Where a decision stands in its procedure (issue 18): the stages of ``rules.stages.STAGE_ORDER``
as a stepper, each finished one with when and by whom (the flow's finished tasks), the current
one with who holds it or to whom it is offered (its open tasks and their offers), its running
legal clocks with their due dates and legal sources (``workflows.clocks``), and the ones still
to come. Legal source: 《重大行政决策程序暂行条例》 (国务院令第713号), 第十二条至第三十三条.

Nothing here is a second record of the stage: the stage is ``Decision.stage`` (written by
``decisions.lifecycle``), the work is the flow's tasks, the people are the tasks' owners and
offers, the articles are the step declarations (``decisions.steps``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q
from django.utils.translation import pgettext_lazy
from viewflow.workflow import flow
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from workflows.clocks.models import Deadline
from workflows.connections import prepared_cursor
from workflows.consultations.models import Consultation
from workflows.inbox import may_act_on_task, with_offers
from workflows.models import TaskOffer, Unit
from workflows.progress import (
    CURRENT,
    DONE,
    NEXT,
    SKIPPED,
    Holder,
    Progress,
    StageShown,
    clocks_shown,
    offer_label,
    person_name,
    record_url,
    states_by_position,
)
from workflows.rows import columns, offers_load, offers_sql, related

from .flows import DecisionFlow
from .models import Decision, DecisionProcess, LegalityReview, Outcome, Stage
from .rules.stages import DECREE, STAGE_ORDER
from .steps import BY_NODE

# The flow's nodes by the stage of the procedure their work belongs to. Each human node carries
# a declared step (``decisions.steps``); the gates, timers and joins belong to the stage they
# close. tests/decisions/test_progress.py checks every node of DecisionFlow is placed.
STAGE_NODES: dict[str, tuple[str, ...]] = {
    Stage.DRAFTING: ("start", "draft", "check_disclosure"),
    Stage.CONSULTATION: ("open_consultation", "wait_consultation", "close_consultation"),
    Stage.DISPOSITION: ("dispose_comments",),
    Stage.ASSESSMENT: (
        "split_assessments",
        "expert_argumentation",
        "risk_assessment",
        "join_assessments",
        "complete_assessments",
        "check_risk",
    ),
    Stage.LEGALITY_REVIEW: (
        "submit_legality",
        "legality_review",
        "approve_legality",
        "check_legality",
    ),
    Stage.PACKAGE: ("package_check",),
    Stage.MEETING: ("meeting", "route_outcome"),
    Stage.AMENDING: (
        "incorporate_amendments",
        "approve_amendments",
        "confirm_amendments",
        "check_amendments",
    ),
    Stage.PARTY_REPORT: ("party_report",),
    Stage.PUBLICATION: ("publication",),
    Stage.ARCHIVING: ("archive",),
    Stage.ARCHIVED: ("end",),
}
NODE_STAGE = {node: stage for stage, nodes in STAGE_NODES.items() for node in nodes}

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED)


# The step whose declared source covers its whole stage, where the stage has several steps
# citing parts of one range (the review office's review, 第二十五条至第二十八条; the amendments
# the meeting decided, 第三十条).
STAGE_SOURCE_NODES = {
    Stage.LEGALITY_REVIEW: ("legality_review",),
    Stage.AMENDING: ("incorporate_amendments",),
}


def stage_source(stage: str) -> str:
    """The articles the stage's work is done under: the legal sources its steps declare."""
    sources: list[str] = []
    for node in STAGE_SOURCE_NODES.get(stage, STAGE_NODES.get(stage, ())):
        declared = BY_NODE.get(node)
        if declared is not None and declared.source not in sources:
            sources.append(declared.source)
    return f"{DECREE}{'；'.join(sources)}" if sources else ""


@dataclass
class ProgressReads:
    """What the stepper reads of a decision, read once: its processes (newest first), their
    tasks (oldest first, each with its owner), each task's offers (by task id, in the order
    they were made, each with its unit), the legal clocks of the decision and of its legality
    reviews and consultations, and ``may_act``: the answers of ``may_act_on_task`` already
    asked for the reader, by task id. The decision's page reads them itself and shows its
    open steps and review clocks from the same reading."""

    process_ids: list[int]
    tasks: list[Task]
    offers: dict[int, list[TaskOffer]]
    deadlines: list[Deadline]
    may_act: dict[int, bool] = field(default_factory=dict)


def progress_reads(decision: Decision) -> ProgressReads:
    """Read what ``decision_progress`` needs, in two plain statements composed once per
    process (issue 22: composing the four ORM queries they replace cost more than running
    them): the processes with their tasks, owners and offers; the clocks."""
    if connection.vendor != "postgresql":
        return _progress_reads_orm(decision)
    tasks_read, users = columns(Task, "t"), columns(get_user_model(), "u")
    deadlines_read, units = columns(Deadline, "d"), columns(Unit, "ru")
    processes: dict[int, object] = {}
    tasks, offers, deadlines = [], {}, []
    with prepared_cursor() as cursor:
        cursor.execute(_tasks_sql(), [decision.pk])
        for process_id, process_created, *row, offered in cursor.fetchall():
            processes[process_id] = process_created
            if row[0] is None:  # a process without tasks
                continue
            task = tasks_read.load(row[: len(tasks_read)])
            owner = users.load(row[len(tasks_read) :]) if task.owner_id else None
            related(task, "owner", owner)
            tasks.append(task)
            offers[task.pk] = offers_load(offered)
        cursor.execute(_deadlines_sql(), _deadline_arguments(decision))
        for row in cursor.fetchall():
            deadline = deadlines_read.load(row[: len(deadlines_read)])
            unit_values = row[len(deadlines_read) :]
            related(
                deadline,
                "responsible_unit",
                units.load(unit_values) if unit_values[0] is not None else None,
            )
            deadlines.append(deadline)
    # Newest first, as ``Process.Meta.ordering`` lists them.
    process_ids = sorted(processes, key=lambda pk: processes[pk], reverse=True)
    return ProgressReads(process_ids=process_ids, tasks=tasks, offers=offers, deadlines=deadlines)


def _progress_reads_orm(decision: Decision) -> ProgressReads:
    """``progress_reads`` with the ORM: the plain statements are PostgreSQL's (``= ANY``,
    ``json_agg``); the embedded SQLite installation reads the same rows this way."""
    process_ids = list(
        DecisionProcess.objects.filter(decision=decision).values_list("pk", flat=True)
    )
    tasks = list(
        with_offers(
            Task.objects.filter(process_id__in=process_ids).select_related("owner")
        ).order_by("created", "pk")
    )
    subjects = Q(
        content_type=ContentType.objects.get_for_model(Decision), object_id=str(decision.pk)
    )
    for model, ids in (
        (LegalityReview, decision.legality_reviews.values_list("pk", flat=True)),
        (
            Consultation,
            Consultation.objects.filter(
                subject_type=ContentType.objects.get_for_model(Decision), subject_id=decision.pk
            ).values_list("pk", flat=True),
        ),
    ):
        subjects |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in ids],
        )
    deadlines = Deadline.objects.filter(subjects).select_related("responsible_unit")
    return ProgressReads(
        process_ids=process_ids,
        tasks=tasks,
        offers={task.pk: list(task.offers.all()) for task in tasks},
        deadlines=list(deadlines),
    )


@cache
def _tasks_sql() -> str:
    """The decision's processes (id, created), each with its tasks (a row each, oldest
    first), their owners and their offers (``workflows.rows.offers_sql``); a process without
    tasks is one row without them."""
    q = connection.ops.quote_name
    tasks, users = columns(Task, "t"), columns(get_user_model(), "u")
    return (
        f"SELECT p.id, p.created, {tasks.sql}, {users.sql}, {offers_sql('t')} "
        f"FROM {q(DecisionProcess._meta.db_table)} dp "
        f"JOIN {q(Process._meta.db_table)} p ON p.id = dp.{q('process_ptr_id')} "
        f"LEFT JOIN {q(Task._meta.db_table)} t ON t.{q('process_id')} = p.id "
        f"LEFT JOIN {q(get_user_model()._meta.db_table)} u ON u.id = t.{q('owner_id')} "
        f"WHERE dp.{q('decision_id')} = %s ORDER BY t.created, t.id"
    )


@cache
def _deadlines_sql() -> str:
    """The legal clocks of the decision and of the items its steps opened them on (its
    legality reviews, its consultations), each with its responsible unit, as
    ``Deadline.Meta.ordering`` orders them. The items' ids are read into arrays first, so
    that each condition is an index lookup."""
    q = connection.ops.quote_name
    deadlines, units = columns(Deadline, "d"), columns(Unit, "ru")
    subject = f"d.{q('content_type_id')} = %s AND d.{q('object_id')}"
    return (
        f"SELECT {deadlines.sql}, {units.sql} FROM {q(Deadline._meta.db_table)} d "
        f"LEFT JOIN {q(Unit._meta.db_table)} ru ON ru.id = d.{q('responsible_unit_id')} "
        f"WHERE ({subject} = %s) "
        f"OR ({subject} = ANY(ARRAY(SELECT r.id::text FROM "
        f"{q(LegalityReview._meta.db_table)} r WHERE r.{q('decision_id')} = %s))) "
        f"OR ({subject} = ANY(ARRAY(SELECT c.id::text FROM "
        f"{q(Consultation._meta.db_table)} c "
        f"WHERE c.{q('subject_type_id')} = %s AND c.{q('subject_id')} = %s))) "
        f"ORDER BY d.due, d.id"
    )


def _deadline_arguments(decision: Decision) -> list:
    decision_type = ContentType.objects.get_for_model(Decision).pk  # cached by Django
    return [
        decision_type,
        str(decision.pk),
        ContentType.objects.get_for_model(LegalityReview).pk,
        decision.pk,
        ContentType.objects.get_for_model(Consultation).pk,
        decision_type,
        decision.pk,
    ]


def _holder(task: Task, *, user=None, reads: ProgressReads) -> Holder:
    """Who has ``task``: its owner, else the (role, unit) pairs it is offered to; a timer has
    nobody (it runs by itself). ``reads.may_act`` holds the answers already asked, by task
    id."""
    may_act = reads.may_act
    node = task.flow_task
    declared = BY_NODE.get(node.name)
    url = ""
    if declared is not None and user is not None:
        if task.pk not in may_act:
            may_act[task.pk] = may_act_on_task(user=user, task=task)
        if may_act[task.pk]:
            url = node.reverse("index", args=[task.process_id, task.pk])
    return Holder(
        work=declared.name if declared is not None else node.task_title,
        person=person_name(task.owner) if task.owner_id else "",
        offered_to=[offer_label(offer.role, offer.unit) for offer in reads.offers[task.pk]],
        url=url,
    )


def _skipped(decision: Decision, stage: str, states: dict[str, str], tasks) -> object:
    """Why ``stage`` is not part of this decision's path, or "" when it is (a decision that
    may not be disclosed skips the public comment, 第十四条; only an adoption with amendments
    passes ``amending``, 第三十条; a rejected decision is archived from the meeting)."""
    if stage in (Stage.CONSULTATION, Stage.DISPOSITION) and decision.not_disclosable:
        return pgettext_lazy("progress", "Not put out for public comment: %(reason)s") % {
            "reason": decision.not_disclosable_reason
        }
    passed = states[stage] == DONE
    had_work = any(NODE_STAGE.get(t.flow_task.name) == stage for t in tasks)
    if stage == Stage.AMENDING and passed and not had_work:
        return pgettext_lazy("progress", "The meeting adopted it without amendments.")
    if (
        stage in (Stage.AMENDING, Stage.PARTY_REPORT, Stage.PUBLICATION)
        and decision.outcome == Outcome.REJECTED
        and states[stage] != CURRENT
    ):
        return pgettext_lazy("progress", "The meeting did not adopt it.")
    if stage in (Stage.CONSULTATION, Stage.DISPOSITION) and passed and not had_work and tasks:
        return pgettext_lazy("progress", "Not put out for public comment.")
    return ""


def decision_progress(
    *, decision: Decision, user=None, reads: ProgressReads | None = None
) -> Progress:
    """The stepper of ``decision`` as ``user`` reads it (a task they may take is linked), from
    ``reads`` when the caller has read them (``progress_reads``)."""
    if reads is None:
        reads = progress_reads(decision)
    tasks = reads.tasks
    states = states_by_position(
        list(STAGE_ORDER), decision.stage, finished=decision.stage == Stage.ARCHIVED
    )
    clocks = clocks_shown(reads.deadlines)
    stages = []
    for key in STAGE_ORDER:
        shown = StageShown(key=key, name=Stage(key).label, state=states[key])
        shown.source = stage_source(key)
        skipped = _skipped(decision, key, states, tasks)
        if skipped and shown.state != CURRENT:
            shown.state, shown.note = SKIPPED, skipped
        elif key == Stage.AMENDING and shown.state == NEXT:
            shown.note = pgettext_lazy(
                "progress", "Only when the meeting adopts it with amendments."
            )
        if shown.state == DONE:
            finished = [
                t
                for t in tasks
                if NODE_STAGE.get(t.flow_task.name) == key and t.status == STATUS.DONE
            ]
            people = [t for t in finished if t.owner_id]
            if key == Stage.ARCHIVED and decision.sealed_at:
                shown.done_at = decision.sealed_at
            elif finished:
                shown.done_at = max(t.finished or t.created for t in finished)
            if people:
                shown.done_by = person_name(
                    max(people, key=lambda t: t.finished or t.created).owner
                )
            elif key == Stage.ARCHIVED:
                archived = [t for t in tasks if t.flow_task.name == "archive" and t.owner_id]
                shown.done_by = person_name(archived[-1].owner) if archived else ""
        if shown.state == CURRENT:
            shown.holders = [
                _holder(t, user=user, reads=reads)
                for t in tasks
                if t.status in OPEN and not _is_gate(t)
            ]
            shown.clocks = clocks
        stages.append(shown)
    return Progress(
        stages=stages,
        record_url=record_url(decision),
        # The newest process (``Process.Meta.ordering``), as the chart of the decision.
        chart_url=DecisionFlow.instance.reverse("process_chart", args=[reads.process_ids[0]])
        if reads.process_ids
        else "",
        chart_label=pgettext_lazy("progress", "Flow chart of this decision"),
    )


def _is_gate(task: Task) -> bool:
    """A join or switch waiting inside the engine: no one's work. A timer is shown: the
    stage waits for it (the comment period running, 第十五条)."""
    return BY_NODE.get(task.flow_task.name) is None and not isinstance(task.flow_task, flow.Timer)


__all__ = [
    "NEXT",
    "ProgressReads",
    "decision_progress",
    "progress_reads",
    "stage_source",
    "NODE_STAGE",
    "STAGE_NODES",
]

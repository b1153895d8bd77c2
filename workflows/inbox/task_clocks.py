"""When a viewflow task is due: its step (``workflows.steps``) meets a clock, and the task is due
when that clock's running ``Deadline`` is. Clocks name their subject (a decision, its legality
review…), not the process, so each process says once where the clocks of its subject are::

    register_task_clocks(DecisionProcess, decision_process_clocks, decision_clock_processes)

and, third, the way back from a clock to its process: a large queue is then listed in due order
from the clocks' side (``workflows.inbox.due``). Here: that registry, the clocked steps, and the
``CASE`` reading each task's running clock (``_task_clock``)."""

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, When
from viewflow.workflow.models import Process

from ..clocks.models import Deadline
from ..tasking import node_steps, node_steps_registered

# process model -> clocks(process) -> a condition on Deadline naming the clocks of the subject
# the process carries; ``process`` is an expression naming the process's pk, written to be
# used inside a subquery of Deadline (``OuterRef(OuterRef("process_id"))``).
TaskClocks = Callable[[Any], Q]
_task_clocks: dict[type, TaskClocks] = {}
# process model -> processes(deadlines) -> the inverse: of a queryset of running Deadlines,
# those that are clocks of a process's subject (as ``clocks`` names them), each annotated with
# that process's pk as ``i_process``. With it, the inbox reads a large queue in due order from
# the clocks' side (``workflows.inbox.due``).
ClockProcesses = Callable[[QuerySet], QuerySet]
_clock_processes: dict[type, ClockProcesses] = {}


def register_task_clocks(
    process_model: type[Process], clocks: TaskClocks, processes: ClockProcesses | None = None
) -> None:
    """Say where the clocks of the subject of a ``process_model`` are, so that its tasks show
    the due date of the clock their step meets (and the inbox lists them by it); and, with
    ``processes``, the way back from a clock to its process. Registering again replaces."""
    _task_clocks[process_model] = clocks
    if processes is None:
        _clock_processes.pop(process_model, None)
    else:
        _clock_processes[process_model] = processes
    _clocked_kept.clear()


_clocked_kept: dict[int, tuple] = {}  # node registrations seen -> _clocked_nodes' answer


def _clocked_nodes() -> tuple[tuple[Any, tuple[str, ...], TaskClocks], ...]:
    """(flow node, rule keys, the process's clocks) of each human node whose step meets a
    clock: its task is due when that clock is (the step must act before it runs out).

    Kept until a node or a process's clocks are registered again: every task a transition
    saves asks it (``undated.task_saved``)."""
    registered = node_steps_registered()
    kept = _clocked_kept.get(registered)
    if kept is None:
        _clocked_kept.clear()
        kept = _clocked_kept[registered] = _clocked_nodes_read()
    return kept


def _clocked_nodes_read() -> tuple[tuple[Any, tuple[str, ...], TaskClocks], ...]:
    clocked = []
    for (flow_class, node), (step, _subject) in node_steps().items():
        rule_keys = tuple(clock.rule_key for clock in step.clocks if clock.meets)
        clocks = _task_clocks.get(getattr(flow_class, "process_class", None))
        if rule_keys and clocks is not None:
            clocked.append((getattr(flow_class, node), rule_keys, clocks))
    return tuple(clocked)


_built: dict[tuple, Any] = {}


def _clocks_state(nodes=None) -> tuple:
    """What a statement reading the tasks' clocks is built from: the clocked nodes and their
    processes' clocks as registered, and the numbering of the content types (Deadline's own,
    read from Django's cache without a query, tells when they were numbered anew)."""
    nodes = _clocked_nodes() if nodes is None else nodes
    return (
        ContentType.objects.get_for_model(Deadline).pk,
        tuple((id(node), rule_keys, id(clocks)) for node, rule_keys, clocks in nodes),
    )


def _task_clock(field: str, output_field):
    """``field`` (``due`` or ``awaiting_year``) of each task's running clock (the earliest
    due of them), None when its step meets no clock: a ``CASE`` on the task's node, so the
    clock's subquery runs only for the tasks of a clocked step (PostgreSQL evaluates a
    ``CASE`` branch's subplan only when its condition holds). Each lookup is answered by the
    running clocks' unique (content type, object id, rule) index
    (``clocks_one_running_clock_per_rule``): no further index is needed.

    Built once per registry state: building it cost more than running it (0.8 ms a read);
    Django copies an expression when a query uses it, so the one built serves every query.
    The clocks' conditions embed content-type ids (``decisions.inbox``): it is built again
    when the content types are numbered anew (a flushed test database), which Deadline's own
    content type, read from Django's cache without a query, tells.
    """
    nodes = _clocked_nodes()
    key = (field, *_clocks_state(nodes))
    if key in _built:
        return _built[key]
    process = OuterRef(OuterRef("process_id"))
    whens = [
        When(
            flow_task=node,
            then=Subquery(
                Deadline.objects.filter(
                    clocks(process), rule_key__in=rule_keys, status__in=Deadline.RUNNING
                )
                .order_by(F("due").asc(nulls_last=True), "pk")
                .values(field)[:1]
            ),
        )
        for node, rule_keys, clocks in nodes
    ]
    built = Case(*whens, default=None, output_field=output_field) if whens else None
    _built[key] = built
    return built

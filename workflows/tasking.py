"""The one way a human task of a viewflow process is completed: pages, API, demo, tests and bench.

``task_complete`` takes the step's declared form (``workflows.steps``) and data; ``task_run``
takes a service call already bound to its arguments (the demo, the bench, tests that drive the
services directly). Both do, in this order and nothing else:

1. take the process lock and re-read the task (of simultaneous calls one acts, the others find
   the task done or taken);
2. check the task is open and the person may take it: its owner, or a holder of a role it is
   offered to while nobody has taken it; from here to the end of the action each person's role
   over a unit is asked of the database once (``permissions.role_checks_memoised``), and so
   are the legal clocks' jurisdiction, rule overrides and calendar version
   (``clocks.selectors.clock_reads_memoised``);
3. run the service in the lock's transaction, which is all or nothing (a refusal leaves
   nothing half-done), so its services take no savepoints (``workflows.transactions``);
4. claim the task for the person on their first successful action and, when the step is done,
   let viewflow finish it and activate what follows.

The full-process record is written by the services, in the same transactions: the events an
action records are appended together when it ends, before its transaction commits
(``record.deferred``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .calendar import CalendarRangeError
from .clocks.selectors import clock_reads_memoised
from .errors import StaleState
from .permissions import (
    has_role_in_unit,
    offered_role_checks,
    role_checks_memoised,
    role_checks_remember,
)
from .record.deferred import record_deferred
from .steps import Step
from .taskreread import (
    _hold_rows_locked_with_process,
    _task_id_column,
    _task_reread,
)
from .transactions import all_or_nothing

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)

# flow node (its class and name) -> the step it carries
_node_steps: dict[tuple[type, str], tuple[Step, Callable[[Task], Any]]] = {}


_registered = [0]  # how many times a node was registered: what depends on them is rebuilt


def register_node_step(*, flow_class: type, node: str, step: Step, subject: Callable) -> None:
    """Tie a human node of ``flow_class`` to its declared step; ``subject(task)`` gives the
    object the step works on (the decision of the task's process)."""
    _node_steps[(flow_class, node)] = (step, subject)
    _registered[0] += 1


def node_steps_registered() -> int:
    """A number that changes whenever a node is registered (``register_node_step``)."""
    return _registered[0]


def node_steps() -> dict[tuple[type, str], tuple[Step, Callable[[Task], Any]]]:
    """Every registered (flow class, node name) and its (step, subject)."""
    return dict(_node_steps)


def step_of_task(task: Task) -> tuple[Step, Callable] | None:
    flow_task = task.flow_task
    if flow_task is None:
        return None
    return _node_steps.get((flow_task.flow_class, flow_task.name))


def may_take(user, task: Task) -> bool:
    """The owner of the task, or a holder of an offered (role, unit) while it is unassigned.

    The node's ``can_assign`` answers the second half, unless the task was re-read under the
    process lock with the answer (``_offer_check``) and the node declares that its
    ``can_assign`` is exactly that answer (``can_assign_by_offers``, see ``_offer_check``).
    """
    if task.owner_id == user.pk:
        return True
    if task.owner_id:
        return False
    offered = getattr(task, "offered_to_user", None)
    if offered is not None and _can_assign_by_offers(task.flow_task):
        return bool(offered)
    return task.flow_task.can_assign(user, task)


def _can_assign_by_offers(node) -> bool:
    """The node's ``can_assign`` is the one it names as ``can_assign_by_offers``: "unassigned
    and ``inbox.may_act_on_task``" and nothing else (``decisions.flows.OfferedView``). A
    subclass that overrides ``can_assign`` without naming it again is asked itself."""
    vouched = getattr(type(node), "can_assign_by_offers", None)
    return vouched is not None and vouched is type(node).can_assign


def _offer_check(user, task: Task):
    """``inbox.may_act_on_task`` for ``user`` and ``task`` as a column of the task's re-read:
    its own statement (``inbox.offers.may_act_statement``, the one definition), with its own arguments, read in
    the same statement as the task it asks about. None for a person it answers without the
    database (not authenticated or inactive: no)."""
    if not user.is_authenticated or not user.is_active:
        return None
    # workflows.inbox imports this module: its statement is imported when first needed.
    from .inbox.offers import may_act_statement

    return RawSQL(*may_act_statement(user=user, task_id=task.pk), BooleanField())


def task_locked_reread(task: Task) -> Task:
    """``task`` read again under its process lock (taken by the caller), with its process as
    the flow's own class and the rows the lock took with it handed to the services as held:
    what an action re-reads, for a caller that is not a person (the timer dispatcher,
    ``workflows.timers``)."""
    flow_class = task.flow_task.flow_class
    task = _task_reread(flow_class, task.pk, None, None)
    _hold_rows_locked_with_process(task, flow_class)
    return task


class StepRefused(ValidationError):
    """The form or the service refused: ``form`` carries the errors at their fields."""

    def __init__(self, form, *, service_error: ValidationError | None = None):
        self.service_error = service_error  # the service's own refusal, as it raised it
        errors = form.errors.as_data()
        super().__init__(
            [error for field_errors in errors.values() for error in field_errors] or ["invalid"]
        )
        self.form = form


@dataclass
class Done:
    """What a completed action did: ``finished`` when the step ended and the process moved."""

    finished: bool


def _locked_open_task(task: Task, user) -> Task:
    flow_class = task.flow_task.flow_class
    # The person's role over each unit the task is offered to, in the same statement: the
    # services ask exactly that (``permissions.offered_role_checks``).
    checks = offered_role_checks(user=user, task_id_column=_task_id_column())
    # Whether it is offered to the person (the offer check below), in the same statement.
    offered = _offer_check(user, task) if _can_assign_by_offers(task.flow_task) else None
    task = _task_reread(flow_class, task.pk, checks, offered)
    if checks is not None:
        role_checks_remember(user=user, answers=task.offered_role_checks)
    _hold_rows_locked_with_process(task, flow_class)
    if task.status not in OPEN:
        raise StaleState(_("The task is already completed."), code="task_done")
    if not may_take(user, task):
        if _offered_to(user, task):
            raise StaleState(_("Somebody else took this task."), code="task_taken")
        raise PermissionDenied(_("This task is not offered to you."))
    return task


def _offered_to(user, task: Task) -> bool:
    return any(
        has_role_in_unit(user=user, role=offer.role, unit=offer.unit) for offer in _offers(task)
    )


def _offers(task: Task) -> list:
    from .models import TaskOffer

    return list(TaskOffer.objects.filter(task_id=task.pk).select_related("unit"))


def _engine_step(task: Task, user, finished: bool) -> None:
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.NEW:
        if finished:
            # Claimed and finished by the same action: viewflow's assign() would write the
            # row only for complete() to write it again; the owner goes in with the finish.
            task.owner = user
            task.status = STATUS.ASSIGNED
        else:
            activation.assign(user)
    if finished:
        activation.start(None)
        activation.execute()


def task_run(*, task: Task, user, service: Callable[[], Any], finishes: bool = True) -> Done:
    """Complete ``task`` as ``user`` by calling ``service()``: the lock, the offer check, the
    service in its own transaction, then viewflow's step (see the module's docstring)."""
    flow_class = task.flow_task.flow_class
    # The lock is a transaction (viewflow's select_for_update_lock): the blocks inside join it
    # without a savepoint of their own, as a refusal rolls everything back anyway.
    with (
        flow_class.lock(task.process_id),
        transaction.atomic(savepoint=False),
        all_or_nothing(),
        role_checks_memoised(),
        clock_reads_memoised(),
        record_deferred(),
    ):
        task = _locked_open_task(task, user)
        with transaction.atomic(savepoint=False):
            service()
        _engine_step(task, user, finishes)
        return Done(finished=finishes)


def task_complete(*, task: Task, user, action: str, data=None, files=None) -> Done:
    """Do ``action`` of the step ``task`` carries, with ``data`` (and ``files``) as its form
    takes them, for ``user``.

    Raises ``StaleState`` (task done or taken, action not available now), ``PermissionDenied``
    (not offered to the person) or ``StepRefused`` carrying the bound form with the form's or
    the service's refusal at its place.
    """
    found = step_of_task(task)
    if found is None:
        raise ValueError(f"{task.flow_task} carries no declared step")
    step, subject_of = found
    if action not in step.actions:
        raise ValueError(f"{step.key} has no action {action!r}")
    flow_class = task.flow_task.flow_class
    # All or nothing (workflows.transactions): a refusal leaves through the lock's transaction,
    # so the services join it without savepoints; the page re-renders the form after it.
    with (
        flow_class.lock(task.process_id),
        transaction.atomic(savepoint=False),
        all_or_nothing(),
        role_checks_memoised(),
        clock_reads_memoised(),
        record_deferred(),
    ):
        task = _locked_open_task(task, user)
        work = step.work(subject_of(task), user)
        if action not in work.available_actions():
            raise StaleState(
                _("This action is not available at this point of the task."),
                code="action_unavailable",
            )
        form = work.build(action, data=data, files=files)
        if not form.is_valid():
            raise StepRefused(form)
        try:
            with transaction.atomic(savepoint=False):  # one action, one transaction
                finished = bool(work.run(action, form.cleaned_data, form))
        except ValidationError as error:
            form.add_error(None, error)
            raise StepRefused(form, service_error=error) from error
        except CalendarRangeError as error:
            # A clock of this step would end in a year with no holiday notice yet and the
            # service could not wait for it (domain.md §4): refused, naming what to do.
            form.add_error(None, str(error))
            raise StepRefused(form) from error
        _engine_step(task, user, finished)
        return Done(finished=finished)

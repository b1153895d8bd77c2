"""viewflow's gates and automatic steps (If, Switch, Split, Join, Function, Timer, End) without
a savepoint each where none can serve.

viewflow runs each of these nodes inside ``exception_guard()`` and its own savepoint
(``transaction.atomic(savepoint=True)``: two statements per node). The savepoint serves the
background case: with ``context.propagate_exception`` false (a timer, a job), the guard keeps
the error on the task and swallows the exception, and the savepoint undoes the node's partial
work while the rest of the transaction commits. When the exception propagates (the default, a
person's action) the savepoint is rolled back and the exception goes on to whoever called; inside
``all_or_nothing()`` (``workflows.transactions``: ``task_complete`` and ``task_run`` under the
process lock) that caller rolls back the whole transaction anyway, so the savepoint undoes
nothing that would not be undone. There the node joins the transaction without one; everywhere
else it is exactly viewflow's node.

    from workflows import gates

    check_risk = gates.If(this.risk_controllable).Then(this.submit_legality).Else(this.draft)

Where the node joins the transaction, three more statements of viewflow's go too, each said
where it is done: a gate's task row is inserted once it is complete rather than inserted then
updated (``WrittenOnceActivation``), the join asks whether it is done once rather than twice
in a row (``JoinActivation.is_done``), and the end writes viewflow's process row but not the
flow's own table of a multi-table process, which it never changes (``EndActivation``).

The task rows a flow's nodes create (a gate's, a human task's: ``ViewActivation``, the end's)
are inserted with their incoming link (``Task.previous``) in one statement where the flow has
its task rows composed (``workflows.rowwrites``, ``task_rows_composed``), rather than an
INSERT and then viewflow's ``previous.add()`` (``_save_with_previous``).

The activation bodies are viewflow 2's, with only the savepoint made conditional and the task
row written with its link. They were
copied from django-viewflow ``COPIED_FROM``; ``tests/workflows/test_gates_version.py`` fails on
any other installed version, so an upgrade re-reads viewflow's nodes before it lands.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from django.db import connection, transaction
from django.utils.timezone import now
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.context import context
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Process, Task
from viewflow.workflow.nodes import end as end_nodes
from viewflow.workflow.nodes import func as func_nodes
from viewflow.workflow.nodes import if_gate, join, split, switch
from viewflow.workflow.nodes import timer as timer_nodes
from viewflow.workflow.nodes import view as view_nodes
from viewflow.workflow.signals import flow_finished, task_finished, task_started
from viewflow.workflow.status import STATUS

from . import rowwrites
from .composed import composed_rows
from .inbox.offers import task_offer_many, task_offers_on_insert
from .transactions import is_all_or_nothing

COPIED_FROM = "2.4.0"


def node_transaction():
    """viewflow's savepoint around a node's work, or none where it can serve nobody (see the
    module's docstring)."""
    return transaction.atomic(savepoint=not _joins_transaction())


def _joins_transaction() -> bool:
    return context.propagate_exception and is_all_or_nothing()


class WrittenOnce:
    """A node's task row written once, when the node has done its work, rather than inserted
    when it is created and updated straight after (viewflow: ``Activation.create``, then
    ``complete`` or, for a timer, ``activate``).

    Only where the node joins the transaction (``node_transaction``: a person's action under
    the process lock, all or nothing): viewflow's ``_activate_next`` creates, activates and
    completes a gate in one go before anything follows it, nothing reads its row in between
    (its condition or function reads the process's objects, not the gate's task), and an error
    rolls the whole transaction back, so the row that stays is the same row. Elsewhere (a timer
    firing, a job: the error is kept on the task) it is viewflow's ``create`` exactly. The
    node's incoming link (``previous``) is written with the row (``_task_write``).
    """

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        if not _joins_transaction():
            return super().create(flow_task, prev_activation, token, data=data, seed=seed)
        task = flow_task.flow_class.task_class(
            process=prev_activation.process, flow_task=flow_task, token=token
        )
        task.data = data if data is not None else {}
        task.seed = seed
        activation = cls(task)
        activation._previous_unwritten = prev_activation.task
        # viewflow keeps activations in sets, hashed by their task's id: one not written yet
        # is hashed by its task object, for its whole life (it does not move in a set).
        activation._unwritten_hash = hash(id(task))
        return activation

    def __hash__(self):
        unwritten = self.__dict__.get("_unwritten_hash")
        return unwritten if unwritten is not None else super().__hash__()

    def _task_write(self) -> None:
        """``self.task.save()``, and the incoming link of a row written here for the first time
        (by the row's INSERT itself where it is composed: ``rowwrites.link_on_insert``)."""
        previous = self.__dict__.pop("_previous_unwritten", None)
        _save_with_previous(self.task, previous)


def _save_with_previous(task, previous, offers=()) -> None:
    """``task.save()`` then ``task.previous.add(previous)`` (when not None) and the task's
    ``offers`` ((role, unit) pairs, ``inbox.offers.task_offer_many``), all written by the
    task's INSERT where that INSERT is composed (``rowwrites.rows_on_insert``): one statement
    rather than three, for every task a transition creates."""
    linking = previous is not None and rowwrites.link_on_insert(task, "previous", previous)
    if offers:
        task_offers_on_insert(task=task, offers=offers)
    task.save()
    written = rowwrites.linked_on_insert(task)  # all that was asked, or none of it
    if previous is not None and not (linking and written):
        task.previous.add(previous)
    if offers and not written:
        task_offer_many(task=task, offers=offers)


class ViewActivation(view_nodes.ViewActivation):
    """viewflow's human task, its row inserted with its incoming link in one statement
    (``_save_with_previous``)."""

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        """viewflow's ``ViewActivation.create``; the row and its link by ``_save_with_previous``."""
        flow_class = flow_task.flow_class
        task = flow_class.task_class(
            process=prev_activation.process,
            flow_task=flow_task,
            token=token,
        )
        task.data = data if data is not None else {}
        task.seed = seed

        activation = cls(task)

        owner_permission = flow_task.calc_owner_permission(activation)
        if owner_permission:
            task.owner_permission = owner_permission
            task.owner_permission_obj = flow_task.calc_owner_permission_obj(activation)

        owner = flow_task.calc_owner(activation)
        if owner:
            task.owner = owner
            task.status = STATUS.ASSIGNED

        # Offered as the node declares (``decisions.flows.OfferedView.Offers``), by the row's
        # own INSERT.
        offers_of = getattr(flow_task, "offers_of", None)
        _save_with_previous(
            task, prev_activation.task, offers_of(activation) if offers_of is not None else ()
        )

        if flow_task._on_create is not None:
            flow_task._on_create(activation)

        return activation


class WrittenOnceActivation(WrittenOnce, Activation):
    """A gate whose row is written once, when it completes (``WrittenOnce``)."""

    @Activation.status.super()
    def complete(self):
        """viewflow's ``Activation.complete``, writing the row with its incoming link."""
        assert connection.in_atomic_block
        self.task.finished = now()
        self._task_write()
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class IfActivation(WrittenOnceActivation, if_gate.IfActivation):
    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), node_transaction():
            self._condition_result = self.flow_task._condition(self)


class If(if_gate.If):
    activation_class = IfActivation


class SwitchActivation(WrittenOnceActivation, switch.SwitchActivation):
    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), node_transaction():
            for node, cond in self.flow_task._branches:
                if cond:
                    if cond(self):
                        self.next_task = node
                        break
                else:
                    self.next_task = node

            if not self.next_task:
                raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class Switch(switch.Switch):
    activation_class = SwitchActivation


class FunctionActivation(WrittenOnceActivation, func_nodes.FunctionActivation):
    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), node_transaction():
            self.task.started = now()
            task_started.send(sender=self.flow_class, process=self.process, task=self.task)
            self.flow_task._func(self)


class Function(func_nodes.Function):
    activation_class = FunctionActivation


class TimerActivation(WrittenOnce, timer_nodes.TimerActivation):
    """viewflow's database-backed timer: scheduled without a savepoint where the node joins the
    transaction, its row written once with the due moment (``WrittenOnce``)."""

    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), node_transaction():
            delay = self.flow_task._delay
            if callable(delay):
                delay = delay(self)
            if isinstance(delay, timedelta):
                delay = now() + delay
            if not isinstance(delay, datetime):
                raise ValueError(f"Timer delay must be a timedelta or datetime, got {delay!r}")
            self.task.scheduled = delay
            self._task_write()


class Timer(flow.Timer):
    """viewflow's ``flow.Timer`` (its pages too), with the activation above."""

    activation_class = TimerActivation


class SplitActivation(WrittenOnceActivation, split.SplitActivation):
    """viewflow's parallel split; its row written once (its branches' tokens carry the row's
    id: they are made after ``complete`` wrote it)."""


class Split(flow.Split):
    """viewflow's ``flow.Split`` (its pages too), with the activation above."""

    activation_class = SplitActivation


class EndActivation(end_nodes.EndActivation):
    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        """viewflow's ``Activation.create``; the row and its link by ``_save_with_previous``."""
        task = flow_task.flow_class.task_class(
            process=prev_activation.process, flow_task=flow_task, token=token
        )
        task.data = data if data is not None else {}
        task.seed = seed
        _save_with_previous(task, prev_activation.task)
        return cls(task)

    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), node_transaction():
            self.task.started = now()
            task_started.send(sender=self.flow_class, process=self.process, task=self.task)

            active_tasks_count = (
                self.flow_class.task_class._default_manager.filter(
                    process=self.process, finished__isnull=True
                ).exclude(pk=self.task.pk)
            ).count()

            if active_tasks_count == 0:
                self.process.status = STATUS.DONE
                self.process.finished = now()
                # viewflow saves every field of every table of a multi-table process; the
                # flow's own table (ours: the decision's link, written at the start and never
                # changed) is left out, viewflow's row is written whole as viewflow does.
                self.process.save(update_fields=_viewflow_process_fields())

            task_finished.send(sender=self.flow_class, process=self.process, task=self.task)
            if active_tasks_count == 0:
                flow_finished.send(sender=self.flow_class, process=self.process, task=self.task)


@cache
def _viewflow_process_fields() -> tuple[str, ...]:
    return tuple(field.name for field in Process._meta.concrete_fields if not field.primary_key)


class End(end_nodes.End):
    activation_class = EndActivation


class JoinActivation(join.JoinActivation):
    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        """viewflow's ``JoinActivation.create``: the process's open join looked up by a
        statement composed once (``workflows.composed``) and read once (viewflow counts the
        rows, then reads the first again), a new join's row inserted with its incoming link
        (``_save_with_previous``). A flow with its own task model takes viewflow's."""
        flow_class = flow_task.flow_class
        task_class = flow_class.task_class
        if task_class is not Task:
            return super().create(flow_task, prev_activation, token, data=data, seed=seed)
        tasks = composed_rows(
            ("open join",), _open_joins, prev_activation.process.pk, get_task_ref(flow_task)
        )
        if len(tasks) > 1:
            raise FlowRuntimeError("More than one join instance for process found")
        if tasks:
            task = tasks[0]
            task.previous.add(prev_activation.task)
            return cls(task)
        if token.is_split_token():
            token = token.get_base_split_token()
        task = task_class(process=prev_activation.process, flow_task=flow_task, token=token)
        task.data = data if data is not None else {}
        task.seed = seed
        _save_with_previous(task, prev_activation.task)
        return cls(task)

    def _join_token_prefixes(self):
        """viewflow's: the common split-token prefixes of the join's non-cancelled incoming
        tasks, their (token, id) read by a statement composed once."""
        if type(self.task) is not Task:
            return super()._join_token_prefixes()
        return {
            prev_token.get_common_split_prefix(self.task.token, prev_pk)
            for prev_token, prev_pk in composed_rows(
                ("join's incoming",), _join_incoming, self.task.pk
            )
        }

    @Activation.status.super()
    def complete(self):
        """viewflow's ``JoinActivation.complete`` (its transition and ``is_done`` condition
        kept), the savepoint made conditional."""
        with self.exception_guard(), node_transaction():
            join_prefixes = self.__dict__.pop("_prefixes_checked", None)
            if join_prefixes is None:
                join_prefixes = self._join_token_prefixes()
            if len(join_prefixes) > 1:
                raise FlowRuntimeError(
                    f"Multiple tokens {join_prefixes} came to join {self.flow_task.name}"
                )

            if join_prefixes and self.flow_task._continue_on_condition:
                active_tasks = self._active_join_tasks(next(iter(join_prefixes)))
                if active_tasks.exists() and self.flow_task._continue_on_condition(
                    self, active_tasks
                ):
                    self.cancel_active_tasks(active_tasks)

            super(join.JoinActivation, self).complete.original()

    def is_done(self):
        """viewflow's ``JoinActivation.is_done``, asked once where it is asked twice in a row.

        viewflow asks it as ``complete.can_proceed()`` and again as the condition of the
        ``complete()`` called straight after, and ``complete`` reads the incoming tokens a third
        time. Where the join joins the transaction (``node_transaction``: under the process
        lock, nothing written between the two), a "done" answer is kept for that next question
        only, with the tokens it read for ``complete``; any other answer is never kept.
        """
        kept = self.__dict__.pop("_done_kept", None)
        if kept is not None:
            self._prefixes_checked = kept
            return True
        join_prefixes = self._join_token_prefixes()
        if len(join_prefixes) != 1:
            done = len(join_prefixes) > 1
        else:
            active_tasks = self._active_join_tasks(next(iter(join_prefixes)))
            done = (
                bool(
                    self.flow_task._continue_on_condition
                    and self.flow_task._continue_on_condition(self, active_tasks)
                )
                or not active_tasks.exists()
            )
        if done and _joins_transaction():
            self._done_kept = join_prefixes
        return done


class Join(join.Join):
    activation_class = JoinActivation


def _open_joins(process_id: int, flow_task: str):
    """The process's open joins at ``flow_task`` (as viewflow's ``JoinActivation.create``
    looks them up: two are an error)."""
    return Task.objects.filter(
        flow_task=flow_task, process_id=process_id, status__in=[STATUS.NEW, STATUS.STARTED]
    ).order_by("pk")[:2]


def _join_incoming(join_id: int):
    """(token, id) of the join's incoming tasks that were not cancelled or revived (its
    ``previous``)."""
    return (
        Task.objects.filter(leading=join_id)
        .exclude(status__in=[STATUS.CANCELED, STATUS.REVIVED])
        .values_list("token", "pk")
    )

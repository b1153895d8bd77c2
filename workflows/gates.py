"""viewflow's gates and automatic steps (If, Switch, Join, Function, End) without a savepoint each
where none can serve.

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

The activation bodies are viewflow 2's, with only the savepoint made conditional. They were
copied from django-viewflow ``COPIED_FROM``; ``tests/workflows/test_gates_version.py`` fails on
any other installed version, so an upgrade re-reads viewflow's nodes before it lands.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.timezone import now
from viewflow.workflow.activation import Activation
from viewflow.workflow.context import context
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes import end as end_nodes
from viewflow.workflow.nodes import func as func_nodes
from viewflow.workflow.nodes import if_gate, join, switch
from viewflow.workflow.signals import flow_finished, task_finished, task_started
from viewflow.workflow.status import STATUS

from .transactions import is_all_or_nothing

COPIED_FROM = "2.4.0"


def node_transaction():
    """viewflow's savepoint around a node's work, or none where it can serve nobody (see the
    module's docstring)."""
    needed = not (context.propagate_exception and is_all_or_nothing())
    return transaction.atomic(savepoint=needed)


class IfActivation(if_gate.IfActivation):
    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), node_transaction():
            self._condition_result = self.flow_task._condition(self)


class If(if_gate.If):
    activation_class = IfActivation


class SwitchActivation(switch.SwitchActivation):
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


class FunctionActivation(func_nodes.FunctionActivation):
    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), node_transaction():
            self.task.started = now()
            task_started.send(sender=self.flow_class, process=self.process, task=self.task)
            self.flow_task._func(self)


class Function(func_nodes.Function):
    activation_class = FunctionActivation


class EndActivation(end_nodes.EndActivation):
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
                self.process.save()

            task_finished.send(sender=self.flow_class, process=self.process, task=self.task)
            if active_tasks_count == 0:
                flow_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class End(end_nodes.End):
    activation_class = EndActivation


class JoinActivation(join.JoinActivation):
    @Activation.status.super()
    def complete(self):
        """viewflow's ``JoinActivation.complete`` (its transition and ``is_done`` condition
        kept), the savepoint made conditional."""
        with self.exception_guard(), node_transaction():
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


class Join(join.Join):
    activation_class = JoinActivation

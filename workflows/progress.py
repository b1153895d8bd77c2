"""Where an item stands in its procedure and what comes next: the stepper on a decision's or a
document's page (issue 18, "Progress on every decision and document page").

A process module (``decisions.progress``, ``normdocs.progress``) says which stages its
procedure has, in order, which one the item is at, who did each finished one and when, and who
holds the current one; this module gives the shapes a page renders
(``workflows/includes/stepper.html``) and the readings every process shares: a person's name,
an offer to a role of a unit, a running legal clock with its due date and legal source. It names
no domain: the stages and their legal sources come from the process's own declarations
(its stage order, its ``workflows.steps`` declarations, its clocks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import pgettext_lazy

from .clocks.models import Deadline
from .roles import ROLES

DONE = "done"
CURRENT = "current"
NEXT = "next"
SKIPPED = "skipped"

STATE_LABELS = {
    DONE: pgettext_lazy("progress", "done"),
    CURRENT: pgettext_lazy("progress", "current stage"),
    NEXT: pgettext_lazy("progress", "still to come"),
    SKIPPED: pgettext_lazy("progress", "not needed"),
}


def person_name(user) -> str:
    """How a person is named on a page: their full name, else their user name."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def offer_label(role: str, unit):
    """An offer as a clerk reads it: "乌恰县司法局 · 法律顾问" (in the reader's language)."""
    return format_lazy("{} · {}", str(unit), ROLES.get(role, role))


@dataclass
class Holder:
    """Who has the current stage's work: a named person (``held``) or the holders of the
    roles it is offered to. ``work`` names the step (a task of the flow, a step of a
    document)."""

    work: Any
    person: str = ""
    offered_to: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def held(self) -> bool:
        return bool(self.person)


@dataclass
class ClockShown:
    """A running legal clock of the stage: due on ``due``, or waiting for the holiday notice
    of ``awaiting_year`` (domain.md §4: the clock waits visibly); with the legal source it
    was computed under."""

    deadline: Deadline

    @property
    def due(self) -> date | None:
        return self.deadline.due

    @property
    def awaiting_year(self) -> int | None:
        return self.deadline.awaiting_year

    @property
    def legal_source(self) -> str:
        return self.deadline.legal_source

    @property
    def description(self) -> str:
        return self.deadline.rule_description

    @property
    def overdue(self) -> bool:
        return self.deadline.status == Deadline.Status.OVERDUE

    @property
    def responsible(self) -> str:
        unit = self.deadline.responsible_unit
        role = self.deadline.responsible_role
        return offer_label(role, unit) if role else str(unit)


@dataclass
class StageShown:
    """One stage on the stepper."""

    key: str
    name: Any
    state: str = NEXT
    source: str = ""  # the legal source of the stage's work
    done_at: datetime | date | None = None
    done_by: str = ""
    holders: list[Holder] = field(default_factory=list)
    clocks: list[ClockShown] = field(default_factory=list)
    note: Any = ""
    # The one stage a screen reader announces as the current step (aria-current="step"): the
    # first current one, where two run side by side.
    aria_current: bool = False

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def is_done(self) -> bool:
        return self.state == DONE

    @property
    def is_current(self) -> bool:
        return self.state == CURRENT

    @property
    def done_is_datetime(self) -> bool:
        return isinstance(self.done_at, datetime)


@dataclass
class Progress:
    """The stepper of one item, with the links a reader needs next to it: the flow chart
    (when the process has one) and the full-process record."""

    stages: list[StageShown]
    record_url: str = ""
    chart_url: str = ""
    chart_label: Any = ""

    def __post_init__(self):
        for stage in self.stages:
            stage.aria_current = stage.state == CURRENT
            if stage.aria_current:
                break

    @property
    def current(self) -> list[StageShown]:
        return [stage for stage in self.stages if stage.state == CURRENT]

    def stage(self, key: str) -> StageShown:
        return next(stage for stage in self.stages if stage.key == key)


def states_by_position(keys: list[str], current: str | None, *, finished: bool = False):
    """``{key: state}`` for stages in procedure order: those before ``current`` done, it
    current, those after still to come; every stage done when the procedure ``finished``."""
    if finished or current is None:
        return {key: (DONE if finished else NEXT) for key in keys}
    position = keys.index(current)
    return {
        key: DONE if i < position else CURRENT if i == position else NEXT
        for i, key in enumerate(keys)
    }


def clocks_shown(deadlines) -> list[ClockShown]:
    """The running clocks among ``deadlines``, earliest due first, those awaiting a holiday
    notice last."""
    running = [d for d in deadlines if d.status in Deadline.RUNNING]
    running.sort(key=lambda d: (d.due is None, d.due or d.start, d.pk))
    return [ClockShown(d) for d in running]


def record_url(subject) -> str:
    """The full-process record page of ``subject`` (workflows.record.urls)."""
    from django.urls import reverse

    return reverse("record:timeline", args=[subject._meta.label_lower, str(subject.pk)])

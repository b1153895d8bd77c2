"""One definition of each step of a process (design.md, "One definition of each step").

A ``Step`` says, once: the step's name (English source, Chinese in the catalogue), to whom it
is offered (roles over a unit of the subject), the actions a person takes on it — each one form
and one service call —, the clocks it opens and meets, and its legal source. The staff pages,
the REST API, the inbox, the reminders, the process chart and the API schema all read the
declaration, so they cannot disagree::

    CONCLUDE_REVIEW = Step(
        key="conclude_review",
        name=_("Conclude the legality review"),
        offered_to=(Offer(("legal_advisor",), issuing_unit),),
        actions={"conclude_review": Action(ConcludeReviewForm, run=review_conclude)},
        applies=under_review,
        clocks=(Clock(LEGALITY_REVIEW, meets=True),),
        source="国办发〔2018〕115号 二(三)",
    )

Each process registers its steps (``register_steps``); nothing here knows the processes, so
``workflows`` never imports ``decisions`` or ``normdocs``.

A step of a viewflow process is completed through ``task_complete`` (workflows.tasking), the
one path pages, API, demo, tests and bench take: lock, offer check, form, service, engine step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .roles import ROLES


@dataclass(frozen=True)
class Offer:
    """Offered to whoever holds one of ``roles`` for the unit ``unit(subject)`` names."""

    roles: tuple[str, ...]
    unit: Callable[[Any], Any]  # subject -> workflows.Unit (or None: offered to nobody)

    def __post_init__(self):
        unknown = [role for role in self.roles if role not in ROLES]
        if unknown:
            raise ImproperlyConfigured(f"Unknown roles in an offer: {unknown}")

    def units(self, subject) -> list[tuple[str, Any]]:
        """The (role, unit) pairs the step is offered to for ``subject``."""
        unit = self.unit(subject)
        return [] if unit is None else [(role, unit) for role in self.roles]

    def held_by(self, user, subject) -> bool:
        from .permissions import has_role_in_unit

        unit = self.unit(subject)
        return unit is not None and any(
            has_role_in_unit(user=user, role=role, unit=unit) for role in self.roles
        )


@dataclass(frozen=True)
class Clock:
    """A legal clock the step opens (the default) or stops (``meets``)."""

    rule_key: str
    meets: bool = False


@dataclass(frozen=True)
class Action:
    """One thing a person does on the step: one form, one service call.

    ``run(subject, user, cleaned_data, form)`` calls the service; ``route`` names the action's
    API operation where the process's API routes actions by name.
    """

    form: type
    run: Callable[..., Any]
    route: str = ""


@dataclass(frozen=True)
class Step:
    """A step of a process, declared once."""

    process: str  # "decision" | "normdoc" | ...
    key: str  # stable machine key, also the API route and the inbox kind
    name: Any  # gettext_lazy: English source, Chinese in the catalogue
    offered_to: tuple[Offer, ...]
    actions: dict[str, Action]
    source: str  # the legal source, as it is cited
    clocks: tuple[Clock, ...] = ()
    # The state the subject must be in for the step to be open (normative documents; the
    # viewflow graph decides this for decisions).
    applies: Callable[[Any], bool] | None = None
    node: str = ""  # the flow node carrying the step (viewflow processes)
    # For steps of several actions sharing state (a meeting): the ``StepWork`` class built per
    # (subject, person) whose ``do_<action>`` methods call the services.
    work: type | None = None
    inbox_kind: str = ""  # the inbox entry's kind (normdocs: its branch)

    def offered_units(self, subject) -> list[tuple[str, Any]]:
        return [pair for offer in self.offered_to for pair in offer.units(subject)]

    def is_offered_to(self, user, subject) -> bool:
        """``user`` holds a role the step is offered to, whatever the subject's state."""
        return any(offer.held_by(user, subject) for offer in self.offered_to)

    def is_open(self, subject) -> bool:
        return self.applies is None or bool(self.applies(subject))

    def allows(self, user, subject) -> bool:
        """Open now and offered to ``user``."""
        return self.is_open(subject) and self.is_offered_to(user, subject)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(role for offer in self.offered_to for role in offer.roles)


_registry: dict[str, dict[str, Step]] = {}


def register_steps(process: str, steps: list[Step]) -> None:
    """Declare the steps of ``process`` (called when its module is imported). Registering
    again replaces, so a module imported twice adds nothing twice."""
    keys = [step.key for step in steps]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise ImproperlyConfigured(f"Steps declared twice in {process}: {sorted(duplicates)}")
    _registry[process] = {step.key: step for step in steps}


def steps_of(process: str) -> dict[str, Step]:
    return dict(_registry.get(process, {}))


def step(process: str, key: str) -> Step:
    return _registry[process][key]


def processes() -> list[str]:
    return list(_registry)


class StepWork:
    """The work of one step on one subject for one person: its forms and its service calls.

    Pages show ``shown_actions()``; ``available_actions()`` may be done now (a refused action
    is still shown with its error); ``do_<action>(cleaned_data, form)`` calls one service and
    returns True when the step is finished. No request, no template: pages, the API and tests
    build it alike.
    """

    actions: dict[str, type] = {}

    def __init__(self, subject, user):
        self.subject = subject
        self.user = user

    def form_kwargs(self, action: str) -> dict:
        return {}

    def available_actions(self) -> list[str]:
        return list(self.actions)

    def shown_actions(self) -> list[str]:
        return self.available_actions()

    def build(self, action: str, data=None, files=None, initial=None):
        form = self.actions[action](
            data=data,
            files=files,
            initial=initial or {},
            prefix=action,
            **self.form_kwargs(action),
        )
        form.action = action
        return form

    def run(self, action: str, data: dict, form) -> bool:
        return bool(getattr(self, f"do_{action}")(data, form))


def _work_run(work: type, action: str):
    def run(subject, user, cleaned_data, form):
        return work(subject, user).run(action, cleaned_data, form)

    return run


def work_step(
    *,
    process: str,
    key: str,
    node: str,
    name,
    offered_to,
    work: type,
    source: str,
    routes: dict[str, str],
    clocks=(),
) -> Step:
    """A step whose actions are the ``do_<action>`` methods of a ``StepWork`` class, each
    exposed by the API under ``routes[action]``."""
    if set(routes) != set(work.actions):
        raise ImproperlyConfigured(f"{key}: routes {sorted(routes)} for {sorted(work.actions)}")
    return Step(
        process=process,
        key=key,
        node=node,
        name=name,
        offered_to=tuple(offered_to),
        actions={
            action: Action(form=form, run=_work_run(work, action), route=routes[action])
            for action, form in work.actions.items()
        },
        work=work,
        source=source,
        clocks=tuple(clocks),
    )

"""Who acts on a clock opened before clocks knew it (migration 0009).

Since migration 0008 a clock names the role that acts on its step for its responsible unit
(``Deadline.responsible_role``): its holders are reminded and see the clock in
``/api/v1/deadlines/``. Clocks opened before then have no role, so their reminders went to the
unit's heads only and the API listed them to nobody who acts. Their role is the one the step
declarations give the rule (``workflows.steps``): the first role of the step that meets the
clock (the legality review's clock: the legal advisors the review is offered to), or, for a
clock no step meets, of the step that opens it (the comment period: the drafters who opened
it). A rule no declaration names takes the role every clock of it opened since carries, when
they agree.
"""

from __future__ import annotations

from django.utils.module_loading import autodiscover_modules

from ..steps import processes, steps_of

RUNNING = ("open", "overdue")


def declared_roles_by_rule() -> dict[str, str]:
    """rule key -> the role acting on its clocks, read from every process's step declarations
    (each app's ``steps`` module, imported here: a migration does not load the URLs that
    import them otherwise)."""
    autodiscover_modules("steps")
    meeting: dict[str, str] = {}
    opening: dict[str, str] = {}
    for process in processes():
        for step in steps_of(process).values():
            if not step.roles:
                continue
            for clock in step.clocks:
                target = meeting if clock.meets else opening
                target.setdefault(clock.rule_key, step.roles[0])
    return {**opening, **meeting}


def roles_in_use(deadline_model) -> dict[str, str]:
    """rule key -> the one role the clocks of that rule carry, when they carry exactly one."""
    found: dict[str, set[str]] = {}
    rows = (
        deadline_model.objects.exclude(responsible_role="")
        .values_list("rule_key", "responsible_role")
        .distinct()
    )
    for rule_key, role in rows:
        found.setdefault(rule_key, set()).add(role)
    return {rule_key: roles.pop() for rule_key, roles in found.items() if len(roles) == 1}


def responsible_roles_fill(*, deadline_model, roles_by_rule: dict[str, str]) -> int:
    """Give every running clock without a role the role of its rule; one UPDATE per rule.
    Clocks already naming a role, ended clocks and rules without a role are left as they are.
    Returns how many clocks were filled; running it again fills nothing."""
    filled = 0
    for rule_key, role in sorted(roles_by_rule.items()):
        filled += deadline_model.objects.filter(
            rule_key=rule_key, status__in=RUNNING, responsible_role=""
        ).update(responsible_role=role)
    return filled


def responsible_roles_backfill(apps, schema_editor) -> None:
    """Migration 0009: the declared role of each rule, else the one its newer clocks carry."""
    deadline_model = apps.get_model("clocks", "Deadline")
    roles = {**roles_in_use(deadline_model), **declared_roles_by_rule()}
    responsible_roles_fill(deadline_model=deadline_model, roles_by_rule=roles)

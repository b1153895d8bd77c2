"""Who may take which human task: task offers to a (role, unit), the person's role grants,
and the viewflow task query built on them (domain.md: every step is offered to the role of the
unit that must act, and only to it).

Flows call ``task_offer`` (or ``task_offer_many``) from a View node's ``.onCreate`` callback::

    draft = flow.View(...).onCreate(this.offer_to_drafters)

    def offer_to_drafters(self, activation):
        task_offer(task=activation.task, role="drafter", unit=activation.process.lead_unit)

A task may be offered to several (role, unit) pairs: whoever holds any of them may take it,
and it is listed once in their inbox however many of them they hold.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BigIntegerField, CharField, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from ..connections import prepared_cursor
from ..models import TaskOffer, Unit
from ..permissions import remember_group_names, unit_role_grants
from ..roles import ROLES, unit_permission_codename
from ..rowwrites import rows_on_insert

OPEN = [STATUS.NEW, STATUS.ASSIGNED]
_PERMISSION_PREFIX = "act_as_"


# --- offers and the person's grants -----------------------------------------------------------


def task_offer(*, task: Task, role: str, unit: Unit) -> TaskOffer:
    """Offer ``task`` to the holders of ``role`` for ``unit`` too (beside any offer it already
    has); offering the same (role, unit) again changes nothing."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}")
    offer, _ = TaskOffer.objects.get_or_create(task=task, role=role, unit=unit)
    return offer


def task_offer_many(*, task: Task, offers: Sequence[tuple[str, Unit]]) -> None:
    """Offer ``task`` to each (role, unit) of ``offers`` (beside any offer it already has), in
    one statement; offering a pair again changes nothing."""
    pairs = _offer_pairs(offers)
    if not pairs:
        return
    # What ``bulk_create(ignore_conflicts=True)`` sends, without building it every time: every
    # new task of a process is offered here.
    with prepared_cursor() as cursor:
        cursor.execute(
            _offer_sql(len(pairs)),
            [value for role, unit_id in pairs for value in (task.pk, role, unit_id)],
        )


def task_offers_on_insert(*, task: Task, offers: Sequence[tuple[str, Unit]]) -> None:
    """Have the new ``task``'s INSERT (its next save, ``workflows.rowwrites``) write its offers
    to each (role, unit) of ``offers`` in the same statement: a new task is offered as soon as
    it exists, one statement fewer for every task a transition creates. After the save, if
    ``rowwrites.linked_on_insert(task)`` is False (the row took Django's own path), offer it
    with ``task_offer_many``."""
    for role, unit_id in _offer_pairs(offers):
        rows_on_insert(task, TaskOffer, "task", {"role": role, "unit": unit_id})


def _offer_pairs(offers: Sequence[tuple[str, Unit]]) -> list[tuple[str, int]]:
    """(role, unit id) once each, in order; an unknown role refuses them all."""
    unknown = [role for role, _unit in offers if role not in ROLES]
    if unknown:
        raise ValueError(f"Unknown roles {unknown!r}")
    return list(dict.fromkeys((role, unit.pk) for role, unit in offers))


@cache
def _offer_sql(count: int) -> str:
    """Insert ``count`` offers; one already made (the unique (task, role, unit)) is skipped."""
    q = connection.ops.quote_name
    columns = ", ".join(
        q(TaskOffer._meta.get_field(name).column) for name in ("task", "role", "unit")
    )
    rows = ", ".join(["(%s, %s, %s)"] * count)
    return (
        f"INSERT INTO {q(TaskOffer._meta.db_table)} ({columns}) VALUES {rows} "
        "ON CONFLICT DO NOTHING"
    )


def with_offers(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """``tasks`` with ``task.offers.all()`` read for the whole page in one more query, each
    with its unit, in the order they were made (the first is the step's own)."""
    return tasks.prefetch_related(
        Prefetch("offers", queryset=TaskOffer.objects.select_related("unit").order_by("pk"))
    )


def unit_ids_for_role(*, user, role: str | Iterable[str]) -> QuerySet:
    """Ids of the units for which ``user`` holds ``role`` (or any of several roles), as a
    subquery to use in ``unit_id__in=``.

    Reads guardian's grant table in SQL, so the cost does not grow with the number of object
    grants a person holds. Same answer as ``permissions.units_for_role`` (the user's own grants,
    superusers not widened); an inactive or anonymous user holds nothing.
    """
    roles = [role] if isinstance(role, str) else list(role)
    if not user.is_authenticated or not user.is_active:
        return UserObjectPermission.objects.none().values("object_pk")
    return (
        UserObjectPermission.objects.filter(
            user=user,
            content_type=ContentType.objects.get_for_model(Unit),
            permission__codename__in=[unit_permission_codename(r) for r in roles],
        )
        # guardian stores object_pk as text; compare as integers in SQL.
        .annotate(unit_pk=Cast("object_pk", BigIntegerField()))
        .values("unit_pk")
    )


@dataclass(frozen=True)
class RoleGrants:
    """What one person holds, read once per request and handed to every inbox query.

    ``units`` maps a role to the units of the person's own guardian grants for it (the same
    answer as ``unit_ids_for_role``); ``groups`` are the roles whose group they are in. A task
    offer needs both (as ``tasks_for_user`` always required); the normative-document steps
    need the unit grant only.
    """

    units: Mapping[str, frozenset[int]] = field(default_factory=dict)
    groups: frozenset[str] = frozenset()

    def unit_ids(self, *roles: str) -> list[int]:
        """The units for which the person holds any of ``roles``, sorted."""
        return sorted(set().union(*(self.units.get(role, ()) for role in roles)))

    def offered_roles(self) -> list[str]:
        """Roles under which tasks may be offered to the person: group and unit grant both."""
        return sorted(role for role in self.groups if self.units.get(role))

    def restricted_to(self, unit_id: int) -> "RoleGrants":
        """The same grants, for ``unit_id`` only: what the person is asked to do for that
        unit (the inbox's unit filter hands these to the sources)."""
        units = {role: ids & {unit_id} for role, ids in self.units.items()}
        return RoleGrants(
            units={role: ids for role, ids in units.items() if ids}, groups=self.groups
        )


NO_GRANTS = RoleGrants()


# Stands for the person's id while the grants' statement is compiled (``_grants_sql``).
_USER = -7_310_529


@cache
def _grants_sql(vendor: str, unit_type: int) -> tuple[str, tuple]:
    """One statement for both: the person's unit grants (``workflows.permissions.
    unit_role_grants``, as (codename, unit id as text)) and all their groups (name, NULL).

    Compiled once (per database vendor and numbering of content types: Unit's is one of its
    parameters), with ``_USER`` where the person's id goes: composing it with the ORM cost
    more than running it, and every staff page asks it."""
    grants = unit_role_grants(user=_USER).values_list("permission__codename", "object_pk")
    groups = (
        Group.objects.filter(user=_USER)
        .annotate(no_unit=Value(None, output_field=CharField()))
        .values_list("name", "no_unit")
    )
    sql, params = grants.union(groups, all=True).query.sql_with_params()
    if list(params).count(_USER) != 2:
        raise RuntimeError("cannot find the person's id in the role grants' statement")
    return sql, tuple(params)


def role_grants_for(*, user) -> RoleGrants:
    """The person's (role → unit ids) grants and role groups, in one query. An inactive or
    anonymous user holds nothing (no query).

    The same statement reads the names of all the person's groups: they are kept on the user
    object for ``workflows.permissions.has_role`` (``remember_group_names``), which then asks
    nothing more in this request."""
    if not user.is_authenticated or not user.is_active:
        return NO_GRANTS
    units: dict[str, set[int]] = {}
    groups, names = set(), set()
    sql, params = _grants_sql(connection.vendor, ContentType.objects.get_for_model(Unit).pk)
    with prepared_cursor() as cursor:
        cursor.execute(sql, [user.pk if p == _USER else p for p in params])
        for name, object_pk in cursor.fetchall():
            if object_pk is None:
                names.add(name)
                if name in ROLES:
                    groups.add(name)
            elif name.startswith(_PERMISSION_PREFIX):
                role = name[len(_PERMISSION_PREFIX) :]
                if role in ROLES:
                    units.setdefault(role, set()).add(int(object_pk))
    remember_group_names(user, names)
    return RoleGrants(
        units={role: frozenset(ids) for role, ids in units.items()}, groups=frozenset(groups)
    )


# --- the viewflow task query --------------------------------------------------------------------


def _offered_task_ids(grants: RoleGrants) -> QuerySet | None:
    """Ids of the tasks (open or not) offered to a (role, unit) the person holds, read from
    the offers' (role, unit) index; None when they hold no such grant."""
    condition = Q()
    for role in grants.offered_roles():
        condition |= Q(role=role, unit_id__in=grants.unit_ids(role))
    if not condition:
        return None
    return TaskOffer.objects.filter(condition).values("task_id")


def offers_for_user(user, grants: RoleGrants | None = None) -> Q:
    """Tasks offered to a (role, unit) grant the user holds (open or not), as one condition."""
    offered = _offered_task_ids(role_grants_for(user=user) if grants is None else grants)
    return Q(pk__in=[]) if offered is None else Q(pk__in=offered)


def tasks_for_user(*, user, grants: RoleGrants | None = None) -> QuerySet[Task]:
    """Open human tasks the user owns, or unassigned ones offered to a role they hold there.

    Pass ``grants`` (``role_grants_for``) when the request already read them. The candidates
    are one ``UNION ALL`` of task ids, each half answered by an index (the owner's open tasks,
    migration workflows 0004; the offers of the person's (role, unit) grants); each candidate
    is then read by primary key and kept if still open and unclaimed. Joining the task table
    inside the offers' half, or an ``OR`` across the halves, let PostgreSQL read every open
    task instead (it misjudges how many unclaimed tasks are new).
    """
    if not user.is_authenticated or not user.is_active:
        return Task.objects.none()
    grants = role_grants_for(user=user) if grants is None else grants
    ids = Task.objects.filter(owner=user, status__in=OPEN).order_by().values("pk")
    # A task offered to two pairs the person holds comes twice out of this union; ``pk__in``
    # below reads each task once.
    offered = _offered_task_ids(grants)
    if offered is not None:
        ids = ids.union(offered, all=True)
    mine = Q(owner=user, status__in=OPEN)
    unclaimed = Q(owner__isnull=True, status=STATUS.NEW)
    return (
        Task.objects.filter(mine | unclaimed, pk__in=ids)
        .select_related("process", "owner")
        .order_by("-created")
    )


def may_act_on_task(*, user, task: Task) -> bool:
    """True when ``user`` owns the open task, or it is unassigned and offered to them: the
    answer ``tasks_for_user`` gives for this task, in one prepared statement (every action
    asks it, and building it with the ORM cost ten times more than running it)."""
    if not user.is_authenticated or not user.is_active:
        return False
    with prepared_cursor() as cursor:
        cursor.execute(*may_act_statement(user=user, task_id=task.pk))
        return bool(cursor.fetchone()[0])


def may_act_statement(*, user, task_id: int) -> tuple[str, list]:
    """``may_act_on_task``'s statement and its arguments, for an authenticated, active
    ``user`` (``workflows.tasking`` reads it as a column of the task's re-read under the
    process lock: one statement for both)."""
    unit_type = ContentType.objects.get_for_model(Unit).pk  # cached by Django
    arguments = [
        task_id,
        user.pk,
        *OPEN,
        STATUS.NEW,
        user.pk,
        _PERMISSION_PREFIX,
        user.pk,
        unit_type,
    ]
    return _may_act_sql(), arguments


@cache
def _may_act_sql() -> str:
    """The task is the person's and open, or unclaimed, new and offered to a (role, unit)
    they hold: the role's group and a direct grant of the role over the unit, as
    ``RoleGrants.offered_roles`` requires (guardian keeps the unit's id as text). Written as
    nested EXISTS rather than joins: PostgreSQL plans it in a fraction of the time."""
    q = connection.ops.quote_name
    return (
        f"SELECT EXISTS (SELECT 1 FROM {q(Task._meta.db_table)} t WHERE t.id = %s AND ("
        "(t.owner_id = %s AND t.status IN (%s, %s)) OR (t.owner_id IS NULL AND t.status = %s "
        f"AND EXISTS (SELECT 1 FROM {q(TaskOffer._meta.db_table)} o WHERE o.task_id = t.id "
        f"AND o.role IN (SELECT g.name FROM {q(Group._meta.db_table)} g "
        f"JOIN {q(get_user_model().groups.through._meta.db_table)} m ON m.group_id = g.id "
        "WHERE m.user_id = %s) "
        f"AND EXISTS (SELECT 1 FROM {q(UserObjectPermission._meta.db_table)} u "
        f"JOIN {q(Permission._meta.db_table)} p ON p.id = u.permission_id "
        "WHERE p.codename = %s || o.role AND u.user_id = %s AND u.content_type_id = %s "
        "AND u.object_pk = CAST(o.unit_id AS text))))))"
    )

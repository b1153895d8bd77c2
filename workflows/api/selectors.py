"""Reads behind the API's shared-machinery endpoints, filtered by who is asking.

Each returns a queryset that already holds only what ``user`` may see and loads every related
row the serializer touches (select_related / prefetch), so a page costs the same number of
queries whatever its size.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from guardian.models import UserObjectPermission
from viewflow.workflow.models import Process, Task

from workflows.clocks.models import Deadline, Notification
from workflows.clocks.selectors import notifications_for
from workflows.connections import prepared_cursor
from workflows.inbox import offers_for_user, role_grants_for, tasks_for_user, with_offers
from workflows.inbox.queue import OpenTaskIds
from workflows.models import TaskOffer, Unit
from workflows.record.access import is_record_reader
from workflows.roles import ROLES, unit_permission_codename
from workflows.rows import columns, offers_load, offers_sql, related

# --- organisation ---------------------------------------------------------------------------


def units_visible(*, user) -> QuerySet[Unit]:
    """Every unit: the organisation chart is no secret among staff."""
    return Unit.objects.all()


def people_visible(*, user) -> QuerySet:
    """Active staff (accounts with a profile) with their unit and per-unit role grants.

    ``person.unit_grants`` holds the guardian grants that scope a role to a unit.
    """
    grants = UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Unit),
        permission__codename__in=[unit_permission_codename(role) for role in ROLES],
    ).select_related("permission")
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__isnull=False)
        .select_related("profile__unit")
        .prefetch_related(Prefetch("userobjectpermission_set", grants, to_attr="unit_grants"))
    )


def people_with_role(people: QuerySet, *, role: str) -> QuerySet:
    """Those of ``people`` who hold ``role`` for at least one unit."""
    holders = UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Unit),
        permission__codename=unit_permission_codename(role),
    ).values("user_id")
    return people.filter(pk__in=holders)


# --- tasks ----------------------------------------------------------------------------------


def _with_task_relations(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return with_offers(tasks.select_related("process", "owner"))


def tasks_inbox(*, user) -> QuerySet[Task]:
    """The caller's inbox: what ``workflows.inbox.tasks_for_user`` says, nothing more."""
    return _with_task_relations(tasks_for_user(user=user))


def tasks_inbox_ids(*, user) -> OpenTaskIds:
    """The ids of the caller's inbox (``tasks_inbox``), newest first, for cursor pages: read
    over the offers of their (role, unit) pairs a page at a time, whatever the inbox's size."""
    return OpenTaskIds(user)


def tasks_by_ids(ids: list[int]) -> tuple[list[Task], dict[int, list[TaskOffer]]]:
    """The tasks of ``ids`` (already filtered to what the caller may see), in that order, each
    with its process and owner, and their offers by task id (in the order they were made,
    each with its unit): one plain statement composed once per process (issue 22: composing
    it with the ORM, and the offers' prefetch, cost more than running them), none when
    ``ids`` is empty."""
    if not ids:
        return [], {}
    if connection.vendor != "postgresql":
        # The plain statement is PostgreSQL's (``= ANY``, ``json_agg``); elsewhere (the
        # embedded SQLite installation) the ORM reads the same rows.
        found = _with_task_relations(Task.objects.all()).in_bulk(ids)
        tasks = [found[pk] for pk in ids if pk in found]
        return tasks, {task.pk: list(task.offers.all()) for task in tasks}
    task_columns, process_columns = columns(Task, "t"), columns(Process, "p")
    user_columns = columns(get_user_model(), "u")
    with prepared_cursor() as cursor:
        cursor.execute(_tasks_by_ids_sql(), [list(ids)])
        rows = cursor.fetchall()
    found, offers = {}, {}
    for *row, offered in rows:
        task = task_columns.load(row[: len(task_columns)])
        rest = row[len(task_columns) :]
        related(task, "process", process_columns.load(rest[: len(process_columns)]))
        owner = user_columns.load(rest[len(process_columns) :]) if task.owner_id else None
        related(task, "owner", owner)
        found[task.pk], offers[task.pk] = task, offers_load(offered)
    return [found[pk] for pk in ids if pk in found], offers


@cache
def _tasks_by_ids_sql() -> str:
    q = connection.ops.quote_name
    tasks, processes = columns(Task, "t"), columns(Process, "p")
    users = columns(get_user_model(), "u")
    return (
        f"SELECT {tasks.sql}, {processes.sql}, {users.sql}, {offers_sql('t')} "
        f"FROM {q(Task._meta.db_table)} t "
        f"JOIN {q(Process._meta.db_table)} p ON p.id = t.{q('process_id')} "
        f"LEFT JOIN {q(get_user_model()._meta.db_table)} u ON u.id = t.{q('owner_id')} "
        f"WHERE t.id = ANY(%s)"
    )


def tasks_visible(*, user) -> QuerySet[Task]:
    """Tasks the caller may look at, open or not: their own, and every task offered to a
    role they hold for the task's unit. Record readers (archivists, administrators) see all.

    Wider than the inbox on purpose: a task somebody else just claimed is still visible, so
    claiming it again is a 409 (the state moved on), not a 404.
    """
    if not (user.is_authenticated and user.is_active):
        return Task.objects.none()
    tasks = Task.objects.all()
    if not is_record_reader(user):
        tasks = tasks.filter(Q(owner=user) | offers_for_user(user))
    return _with_task_relations(tasks)


# --- deadlines and notifications ------------------------------------------------------------


def deadlines_mine(*, user) -> QuerySet[Deadline]:
    """Deadlines the caller answers for: named responsible, holder of the clock's responsible
    role for its responsible unit (who acts on the step, and is reminded when nobody is
    named), or head of the responsible unit (who is told when it is overdue). The same
    people the reminder sweep reaches, bar the office above.

    The role holder's clocks are found on the (responsible unit, responsible role) index, one
    condition per role the caller holds (``role_grants_for``: one query); a superuser holds
    only what was granted to them, as for reminders.
    """
    responsible = Deadline.responsible_people.through.objects.filter(user=user).values(
        "deadline_id"
    )
    grants = role_grants_for(user=user)
    mine = Q(pk__in=responsible) | Q(responsible_unit_id__in=grants.unit_ids("unit_head"))
    for role in sorted(grants.units):
        mine |= Q(responsible_role=role, responsible_unit_id__in=grants.unit_ids(role))
    return Deadline.objects.filter(mine).select_related("content_type", "responsible_unit")


def deadlines_overdue(deadlines: QuerySet[Deadline], *, overdue: bool) -> QuerySet[Deadline]:
    """Running clocks past their due date (marked by the sweep or not yet), or the others."""
    late = Q(status=Deadline.Status.OVERDUE) | Q(
        status=Deadline.Status.OPEN, due__lt=timezone.localdate()
    )
    return deadlines.filter(late) if overdue else deadlines.exclude(late)


def notifications_mine(*, user) -> QuerySet[Notification]:
    return notifications_for(user)

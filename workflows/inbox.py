"""Who may take which human task, and the inbox: one list of everything waiting for a person.

Flows call ``task_offer`` from a View node's ``.onCreate`` callback::

    draft = flow.View(...).onCreate(this.offer_to_drafters)

    def offer_to_drafters(self, activation):
        task_offer(task=activation.task, role="drafter", unit=activation.process.lead_unit)

Work that is not a viewflow task (a step on a ``viewflow.fsm`` lifecycle, a status record
waiting for somebody) reaches the same inbox through a registered source::

    register_inbox_source("normdocs", normdoc_inbox_items)

A source takes a user and returns ``InboxItem``s. It must cost a constant number of SQL
queries however many items it returns. A source that also accepts the keyword arguments
``grants`` and ``limit`` is called with the person's ``RoleGrants`` (read once per request,
one query, shared by every source) and the number of leading items the page needs; it
returns an ``InboxSlice``: at most ``limit`` items in inbox order, and how many there are in
all. The page then reads one page's worth from each source in SQL, whatever the inbox size.
"""

import heapq
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BigIntegerField, Count, Q, QuerySet, Window
from django.db.models.functions import Cast
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermission
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from .models import TaskOffer, Unit
from .roles import ROLES, unit_permission_codename

OPEN = [STATUS.NEW, STATUS.ASSIGNED]
_PERMISSION_PREFIX = "act_as_"


# --- offers and the person's grants -----------------------------------------------------------


def task_offer(*, task: Task, role: str, unit: Unit) -> TaskOffer:
    """Offer ``task`` to the holders of ``role`` for ``unit``; idempotent per task."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}")
    offer, _ = TaskOffer.objects.update_or_create(task=task, defaults={"role": role, "unit": unit})
    return offer


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


NO_GRANTS = RoleGrants()


@cache
def _grants_sql() -> str:
    q = connection.ops.quote_name
    direct = q(UserObjectPermission._meta.db_table)
    permission = q(Permission._meta.db_table)
    memberships = q(get_user_model().groups.through._meta.db_table)
    group = q(Group._meta.db_table)
    # One statement for both: the unit grants and the role groups.
    return (
        f"SELECT p.codename, o.object_pk FROM {direct} o "
        f"JOIN {permission} p ON p.id = o.permission_id "
        "WHERE o.user_id = %s AND o.content_type_id = %s "
        "UNION ALL "
        f"SELECT g.name, NULL FROM {memberships} m JOIN {group} g ON g.id = m.group_id "
        "WHERE m.user_id = %s"
    )


def role_grants_for(*, user) -> RoleGrants:
    """The person's (role → unit ids) grants and role groups, in one query. An inactive or
    anonymous user holds nothing (no query)."""
    if not user.is_authenticated or not user.is_active:
        return NO_GRANTS
    unit_type = ContentType.objects.get_for_model(Unit).pk  # cached by Django
    units: dict[str, set[int]] = {}
    groups = set()
    with connection.cursor() as cursor:
        cursor.execute(_grants_sql(), [user.pk, unit_type, user.pk])
        for name, object_pk in cursor.fetchall():
            if object_pk is None:
                if name in ROLES:
                    groups.add(name)
            elif name.startswith(_PERMISSION_PREFIX):
                role = name[len(_PERMISSION_PREFIX) :]
                if role in ROLES:
                    units.setdefault(role, set()).add(int(object_pk))
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
    offered = _offered_task_ids(grants)
    if offered is not None:
        ids = ids.union(offered, all=True)
    mine = Q(owner=user, status__in=OPEN)
    unclaimed = Q(owner__isnull=True, status=STATUS.NEW)
    return (
        Task.objects.filter(mine | unclaimed, pk__in=ids)
        .select_related("process", "owner", "offer__unit")
        .order_by("-created")
    )


def may_act_on_task(*, user, task: Task) -> bool:
    """True when ``user`` owns the open task, or it is unassigned and offered to them."""
    return tasks_for_user(user=user).filter(pk=task.pk).exists()


# --- the inbox across every source --------------------------------------------------------------


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting for a person, whatever machinery carries it."""

    kind: str  # stable machine key: "task", or "<source>.<step>"
    title: str  # what to do
    subject: str  # what it is about
    url: str  # where it is done ("" when there is no page)
    due: date | None
    unit: str  # for which unit the person is asked to act
    stage: str  # where the subject stands in its procedure
    created: datetime  # since when it waits
    key: str = ""  # unique among the person's items, for links and tests


class InboxSlice(list):
    """The leading items of one source in inbox order (a list), and ``total``: how many
    items the source holds in all, beyond the slice too."""

    def __init__(self, items: Iterable[InboxItem] = (), *, total: int | None = None):
        super().__init__(items)
        self.total = len(self) if total is None else total


InboxSource = Callable[..., Iterable[InboxItem]]

_sources: dict[str, InboxSource] = {}


def register_inbox_source(name: str, source: InboxSource) -> None:
    """Add ``source(user) -> Iterable[InboxItem]`` to every inbox (or a sliced source, see
    the module's docstring). Registering a name again replaces it, so an AppConfig.ready()
    that runs twice adds nothing twice."""
    _sources[name] = source


def inbox_sources() -> dict[str, InboxSource]:
    return dict(_sources)


@cache
def _is_sliced(source: InboxSource) -> bool:
    try:
        parameters = inspect.signature(source).parameters
    except (TypeError, ValueError):
        return False
    return "grants" in parameters and "limit" in parameters


def _sort_key(item: InboxItem):
    # Earliest legal deadline first; undated work after it, longest waiting first.
    return (item.due is None, item.due or date.max, item.created)


def _source_slice(source: InboxSource, user, grants: RoleGrants, limit: int | None) -> InboxSlice:
    if _is_sliced(source):
        return source(user, grants=grants, limit=limit)
    items = sorted(source(user), key=_sort_key)
    return InboxSlice(items if limit is None else items[:limit], total=len(items))


@cache
def _process_children() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Multi-table subclasses of viewflow's Process (reverse link name, forward relations).

    Selecting them with the task lets the inbox name each task's subject (e.g. the object the
    process carries) without one query per task, and without knowing any flow by name. The
    models do not change while the process runs: computed once.
    """
    children = []
    for model in apps.get_models():
        if model is Process or not issubclass(model, Process) or model._meta.proxy:
            continue
        if Process not in model._meta.parents:
            continue
        relations = tuple(
            field.name
            # The child's own fields: the parent's (parent task, seed, artifact) name no
            # subject, and each would add a join.
            for field in model._meta.local_concrete_fields
            if field.is_relation
            and (field.many_to_one or field.one_to_one)
            and not field.remote_field.parent_link
            and not issubclass(field.related_model, Process)
        )
        children.append((model._meta.model_name, relations))
    return tuple(children)


@cache
def _task_relations() -> tuple[str, ...]:
    related = []
    for link, relations in _process_children():
        related.append(f"process__{link}")
        related += [f"process__{link}__{name}" for name in relations]
    return tuple(related)


def _task_subject(task: Task, children) -> str:
    for link, relations in children:
        # A missing reverse one-to-one raises a subclass of AttributeError: getattr's default.
        child = getattr(task.process, link, None)
        if child is None:
            continue
        for name in relations:
            related = getattr(child, name, None)
            if related is not None:
                return str(related)
    return str(task.process)


def _task_url(task: Task) -> str:
    try:
        return task.reverse("index")
    except NoReverseMatch:
        return ""


def _task_unit(task: Task) -> str:
    if task.owner_id:
        return str(_("You"))
    offer = getattr(task, "offer", None)
    return str(offer.unit) if offer is not None else ""


def _task_items(user, grants: RoleGrants, limit: int | None = None) -> InboxSlice:
    """The person's viewflow tasks in inbox order (undated, oldest first): the first
    ``limit`` of them and their number.

    Two queries: the page's ids with the total (tasks only), then those tasks with
    everything the inbox shows. In one query, the dozen joins naming each task's subject
    exceed PostgreSQL's join_collapse_limit, and it joined every task before filtering.
    """
    children = _process_children()
    page = (
        tasks_for_user(user=user, grants=grants)
        .select_related(None)
        .annotate(inbox_total=Window(Count("*")))
        .order_by("created", "pk")
        .values_list("pk", "inbox_total")
    )
    page = list(page if limit is None else page[:limit])
    if not page:
        return InboxSlice(total=0)
    found = Task.objects.select_related("process", "owner", "offer__unit", *_task_relations())
    found = found.in_bulk([row[0] for row in page])
    tasks = [found[row[0]] for row in page if row[0] in found]
    items = [
        InboxItem(
            kind="task",
            title=str(task.title or task.flow_task),
            subject=_task_subject(task, children),
            url=_task_url(task),
            due=None,
            unit=_task_unit(task),
            stage=str(task.flow_task.flow_class.process_title) if task.flow_task else "",
            created=task.created,
            key=f"task:{task.pk}",
        )
        for task in tasks
    ]
    return InboxSlice(items, total=page[0][1])


def _merged(user, grants: RoleGrants, limit: int | None) -> InboxSlice:
    slices = [_task_items(user, grants, limit)]
    slices += [_source_slice(source, user, grants, limit) for source in _sources.values()]
    # Each slice is in inbox order: merge them (ties keep the tasks-then-sources order).
    items = list(heapq.merge(*slices, key=_sort_key))
    return InboxSlice(items if limit is None else items[:limit], total=sum(s.total for s in slices))


class Inbox:
    """Everything waiting for a person, read from the database a page at a time.

    A sequence for Django's ``Paginator``: ``count()`` and slicing. Each source is asked for
    its first ``top`` items in inbox order (``top`` the end of the page asked for) and their
    number, in SQL; the slices are merged. The first read fetches ``prefetch`` items, so the
    first page costs one read per source with its count included.
    """

    def __init__(self, user, *, prefetch: int = 50):
        self.user = user
        self.prefetch = prefetch
        self._grants: RoleGrants | None = None
        self._read: InboxSlice | None = None
        self._limit: int | None = 0

    @property
    def grants(self) -> RoleGrants:
        if self._grants is None:
            self._grants = role_grants_for(user=self.user)
        return self._grants

    def _first(self, top: int | None) -> InboxSlice:
        """At least the first ``top`` items (all when None), reading again only when needed."""
        read = self._read
        if read is not None and (
            self._limit is None
            or len(read) >= read.total
            or (top is not None and top <= self._limit)
        ):
            return read
        if not self.user.is_authenticated or not self.user.is_active:
            self._read, self._limit = InboxSlice(), None
            return self._read
        self._read, self._limit = _merged(self.user, self.grants, top), top
        return self._read

    def count(self) -> int:
        return self._first(max(self.prefetch, self._limit or 0)).total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            if (
                index.step not in (None, 1)
                or (index.start or 0) < 0
                or (index.stop is not None and index.stop < 0)
            ):
                return list(self)[index]
            return list(self._first(index.stop)[index])
        if index < 0:
            return list(self)[index]
        return self._first(index + 1)[index]

    def __iter__(self):
        return iter(self._first(None))


def inbox_for_user(*, user, prefetch: int = 50) -> Inbox:
    """The person's inbox, paged in SQL (for a paginated page)."""
    return Inbox(user, prefetch=prefetch)


def inbox_items_for_user(*, user) -> list[InboxItem]:
    """Everything waiting for ``user``: their viewflow tasks and every registered source's items,
    earliest due first, then oldest first."""
    return list(Inbox(user))

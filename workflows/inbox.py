"""Who may take which human task, and the inbox: one list of everything waiting for a person.

Flows call ``task_offer`` from a View node's ``.onCreate`` callback::

    draft = flow.View(...).onCreate(this.offer_to_drafters)

    def offer_to_drafters(self, activation):
        task_offer(task=activation.task, role="drafter", unit=activation.process.lead_unit)

Work that is not a viewflow task (a step on a ``viewflow.fsm`` lifecycle, a status record
waiting for somebody) reaches the same inbox through a registered source::

    register_inbox_source("normdocs", normdoc_inbox_items)

A source takes a user and returns ``InboxItem``s. It must cost a constant number of SQL
queries however many items it returns, and decide who sees what in SQL with
``unit_ids_for_role`` rather than by loading grants into Python.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermission
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from .models import TaskOffer, Unit
from .roles import ROLES, unit_permission_codename

OPEN = [STATUS.NEW, STATUS.ASSIGNED]


# --- offers and the viewflow task query -------------------------------------------------------


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


def _offers_for_user(user) -> Q:
    """Offers matching a (role, unit) grant the user holds, as one SQL condition.

    One subquery per role the user has (their groups), none per object grant.
    """
    condition = Q(pk__in=[])
    for role in user.groups.filter(name__in=ROLES).values_list("name", flat=True):
        condition |= Q(offer__role=role, offer__unit_id__in=unit_ids_for_role(user=user, role=role))
    return condition


def tasks_for_user(*, user) -> QuerySet[Task]:
    """Open human tasks the user owns, or unassigned ones offered to a role they hold there."""
    if not user.is_authenticated or not user.is_active:
        return Task.objects.none()
    mine = Q(owner=user, status__in=OPEN)
    offered = Q(owner__isnull=True, status=STATUS.NEW) & _offers_for_user(user)
    return (
        Task.objects.filter(mine | offered)
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


InboxSource = Callable[..., Iterable[InboxItem]]

_sources: dict[str, InboxSource] = {}


def register_inbox_source(name: str, source: InboxSource) -> None:
    """Add ``source(user) -> Iterable[InboxItem]`` to every inbox. Registering a name again
    replaces it, so an AppConfig.ready() that runs twice adds nothing twice."""
    _sources[name] = source


def inbox_sources() -> dict[str, InboxSource]:
    return dict(_sources)


def _process_children() -> list[tuple[str, list[str]]]:
    """Multi-table subclasses of viewflow's Process (reverse link name, forward relations).

    Selecting them with the task lets the inbox name each task's subject (e.g. the object the
    process carries) without one query per task, and without knowing any flow by name.
    """
    children = []
    for model in apps.get_models():
        if model is Process or not issubclass(model, Process) or model._meta.proxy:
            continue
        if Process not in model._meta.parents:
            continue
        relations = [
            field.name
            for field in model._meta.concrete_fields
            if field.is_relation
            and (field.many_to_one or field.one_to_one)
            and not field.remote_field.parent_link
            and not issubclass(field.related_model, Process)
        ]
        children.append((model._meta.model_name, relations))
    return children


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


def _task_items(user) -> list[InboxItem]:
    children = _process_children()
    related = []
    for link, relations in children:
        related.append(f"process__{link}")
        related += [f"process__{link}__{name}" for name in relations]
    tasks = tasks_for_user(user=user).select_related(*related)
    return [
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


def _sort_key(item: InboxItem):
    # Earliest legal deadline first; undated work after it, longest waiting first.
    return (item.due is None, item.due or date.max, item.created)


def inbox_items_for_user(*, user) -> list[InboxItem]:
    """Everything waiting for ``user``: their viewflow tasks and every registered source's items,
    earliest due first, then oldest first."""
    if not user.is_authenticated or not user.is_active:
        return []
    items = _task_items(user)
    for source in _sources.values():
        items.extend(source(user))
    return sorted(items, key=_sort_key)

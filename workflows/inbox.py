"""Who may take which human task: offers to a (role, unit), and the inbox query.

Flows call ``task_offer`` from a View node's ``.onCreate`` callback::

    draft = flow.View(...).onCreate(this.offer_to_drafters)

    def offer_to_drafters(self, activation):
        task_offer(task=activation.task, role="drafter", unit=activation.process.lead_unit)
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from guardian.models import UserObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .models import TaskOffer, Unit
from .roles import ROLES, unit_permission_codename

OPEN = [STATUS.NEW, STATUS.ASSIGNED]


def task_offer(*, task: Task, role: str, unit: Unit) -> TaskOffer:
    """Offer ``task`` to the holders of ``role`` for ``unit``; idempotent per task."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}")
    offer, _ = TaskOffer.objects.update_or_create(task=task, defaults={"role": role, "unit": unit})
    return offer


def _offers_for_user(user) -> Q:
    """Offers matching a (role, unit) grant the user holds, as one SQL condition.

    Reads guardian's grant table directly (one subquery per role the user has), so the cost
    does not grow with the number of object grants held in Python.
    """
    unit_type = ContentType.objects.get_for_model(Unit)
    condition = Q(pk__in=[])
    for role in user.groups.filter(name__in=ROLES).values_list("name", flat=True):
        granted_units = UserObjectPermission.objects.filter(
            user=user,
            content_type=unit_type,
            permission__codename=unit_permission_codename(role),
        ).values("object_pk")
        condition |= Q(offer__role=role, offer__unit_id__in=_as_int(granted_units))
    return condition


def _as_int(object_pks):
    # guardian stores object_pk as text; compare as integers in SQL.
    from django.db.models import BigIntegerField
    from django.db.models.functions import Cast

    return object_pks.annotate(pk_int=Cast("object_pk", BigIntegerField())).values("pk_int")


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

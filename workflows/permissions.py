"""Helpers to grant a role over one unit and to ask who may act where.

Everything goes through django-guardian's object permissions on ``Unit`` so that the same
question ("may this person act as legal advisor for 财政局?") has one answer everywhere.
"""

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import QuerySet
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from .models import Unit
from .roles import ROLES, unit_permission_codename


def _perm(role: str) -> str:
    return f"workflows.{unit_permission_codename(role)}"


def role_grant(*, user, role: str, unit: Unit) -> None:
    """Give ``user`` the role's group and scope it to ``unit``. Idempotent."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}")
    with transaction.atomic():
        # get_or_create: the groups come from migration 0002, but an administrator may have
        # deleted one since; granting a role must not depend on that.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        assign_perm(_perm(role), user, unit)


def role_revoke(*, user, role: str, unit: Unit) -> None:
    """Withdraw the role over ``unit``; the group stays while other units are still granted."""
    with transaction.atomic():
        remove_perm(_perm(role), user, unit)
        if not units_for_role(user=user, role=role).exists():
            user.groups.remove(*Group.objects.filter(name=role))


def has_role(*, user, role: str) -> bool:
    return user.is_active and user.groups.filter(name=role).exists()


def has_role_in_unit(*, user, role: str, unit: Unit) -> bool:
    """True when ``user`` holds ``role`` for ``unit`` specifically (not via another unit)."""
    if not user.is_active:
        return False
    return user.has_perm(_perm(role), unit)


def units_for_role(*, user, role: str) -> QuerySet[Unit]:
    """The units for which ``user`` holds ``role``: the scope of what they may see and do."""
    return get_objects_for_user(
        user, _perm(role), klass=Unit, use_groups=False, with_superuser=False
    )

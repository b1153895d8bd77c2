"""Helpers to grant a role over one unit and to ask who may act where.

Everything goes through django-guardian's object permissions on ``Unit`` so that the same
question ("may this person act as legal advisor for 财政局?") has one answer everywhere.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import QuerySet
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

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
    _forget_group_names(user)


def role_revoke(*, user, role: str, unit: Unit) -> None:
    """Withdraw the role over ``unit``; the group stays while other units are still granted."""
    with transaction.atomic():
        remove_perm(_perm(role), user, unit)
        if not units_for_role(user=user, role=role).exists():
            user.groups.remove(*Group.objects.filter(name=role))
    _forget_group_names(user)


_GROUP_NAMES = "_fazhi_group_names"


def _group_names(user) -> frozenset[str]:
    """The names of ``user``'s groups, read once per user object (one query per request: a page
    asks several roles for its menu), as Django's ModelBackend keeps ``_perm_cache``. Granting
    or revoking a role through this module, or changing the groups from the user's side (the
    admin), forgets them (``_forget_group_names``)."""
    names = getattr(user, _GROUP_NAMES, None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, _GROUP_NAMES, names)
    return names


def _forget_group_names(user) -> None:
    user.__dict__.pop(_GROUP_NAMES, None)


def forget_group_names_on_change(sender, instance, **kwargs) -> None:
    """``m2m_changed`` of the user–group table: a user object whose groups were changed (the
    admin, ``user.groups.add``) reads them again. Changed from the group's side, the users are
    not at hand: other objects of those users keep their names until they are loaded again."""
    if isinstance(instance, get_user_model()):
        _forget_group_names(instance)


def has_role(*, user, role: str) -> bool:
    return user.is_active and role in _group_names(user)


def has_role_in_unit(*, user, role: str, unit: Unit) -> bool:
    """True when ``user`` holds ``role`` for ``unit`` specifically (not via another unit).

    The same answer as ``user.has_perm("workflows.act_as_<role>", unit)`` through guardian (an
    inactive or anonymous user holds nothing, an active superuser holds everything, a grant
    counts whether made to the user or to one of their groups), in one prepared statement
    instead of guardian's two ORM queries: every service step asks this, and building the ORM
    query cost far more than running it. Nothing is cached, so a grant or revocation counts
    at once.
    """
    if not user.is_active:  # AnonymousUser included
        return False
    if user.is_superuser:
        return True
    unit_type = ContentType.objects.get_for_model(Unit).pk  # cached by Django
    held = [unit_type, str(unit.pk), unit_type, unit_permission_codename(role)]
    with connection.cursor() as cursor:
        cursor.execute(_held_sql(), [user.pk, *held, user.pk, *held])
        return bool(cursor.fetchone()[0])


@cache
def _held_sql() -> str:
    """Does the user hold the permission on the object, directly or through a group?"""
    q = connection.ops.quote_name
    direct = get_user_obj_perms_model(Unit)._meta.db_table
    grouped = get_group_obj_perms_model(Unit)._meta.db_table
    memberships = get_user_model().groups.through._meta.db_table
    permission = Permission._meta.db_table
    condition = (
        "o.content_type_id = %s AND o.object_pk = %s AND p.content_type_id = %s AND p.codename = %s"
    )
    return (
        f"SELECT EXISTS (SELECT 1 FROM {q(direct)} o JOIN {q(permission)} p "
        f"ON p.id = o.permission_id WHERE o.user_id = %s AND {condition}) "
        f"OR EXISTS (SELECT 1 FROM {q(grouped)} o JOIN {q(permission)} p "
        f"ON p.id = o.permission_id JOIN {q(memberships)} m ON m.group_id = o.group_id "
        f"WHERE m.user_id = %s AND {condition})"
    )


def units_for_role(*, user, role: str) -> QuerySet[Unit]:
    """The units for which ``user`` holds ``role``: the scope of what they may see and do."""
    return get_objects_for_user(
        user, _perm(role), klass=Unit, use_groups=False, with_superuser=False
    )

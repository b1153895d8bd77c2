"""Helpers to grant a role over one unit and to ask who may act where.

Everything goes through django-guardian's object permissions on ``Unit`` so that the same
question ("may this person act as legal advisor for 财政局?") has one answer everywhere.

What is remembered, and for how long:

* ``has_role`` reads a user's group names once per user object (as Django's ModelBackend keeps
  ``_perm_cache``), or finds them read already by ``inbox.role_grants_for`` on that object;
  granting or revoking through this module, or changing the user's groups, forgets them.
* ``has_role_in_unit`` asks the database every time, except inside ``role_checks_memoised()``:
  there each (person, role, unit) is asked once and the answer reused until the block ends.
  ``workflows.tasking`` opens such a block around exactly one task action (``task_complete`` or
  ``task_run``: the offer check and the services it runs, under the process lock, in one
  transaction), where the same person's role over the same unit is asked several times; the
  acting person's answers for the (role, unit) pairs the task is offered to are read with the
  task under the lock (``offered_role_checks``) rather than asked one by one. A grant
  or revocation through this module, or a change of anyone's groups, inside the block forgets
  what it remembered (a grant made with guardian directly does not). ``role_holders_in_unit``
  asks the same of several people in one statement and is remembered alike. Nothing is
  remembered outside such a block, nor after it ends: a role revoked between two actions, or
  while no action runs, counts at the next question.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import BigIntegerField, JSONField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Substr
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from .connections import prepared_cursor
from .models import TaskOffer, Unit
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
    _forget_role_checks()


def role_revoke(*, user, role: str, unit: Unit) -> None:
    """Withdraw the role over ``unit``; the group stays while other units are still granted."""
    with transaction.atomic():
        remove_perm(_perm(role), user, unit)
        if not units_for_role(user=user, role=role).exists():
            user.groups.remove(*Group.objects.filter(name=role))
    _forget_group_names(user)
    _forget_role_checks()


_GROUP_NAMES = "_fazhi_group_names"


def _group_names(user) -> frozenset[str]:
    """The names of ``user``'s groups, read once per user object (one query per request: a page
    asks several roles for its menu), as Django's ModelBackend keeps ``_perm_cache``. Granting
    or revoking a role through this module, or changing the groups from the user's side (the
    admin), forgets them (``_forget_group_names``)."""
    names = getattr(user, _GROUP_NAMES, None)
    if names is None:
        # Written once and prepared: a page that asks a role before ``role_grants_for``
        # (a decision's page) spent more composing this join with the ORM than running it.
        with prepared_cursor() as cursor:
            cursor.execute(_group_names_sql(), [user.pk])
            names = frozenset(name for (name,) in cursor.fetchall())
        setattr(user, _GROUP_NAMES, names)
    return names


@cache
def _group_names_sql() -> str:
    q = connection.ops.quote_name
    through = get_user_model().groups.through
    return (
        f"SELECT g.{q('name')} FROM {q(Group._meta.db_table)} g "
        f"JOIN {q(through._meta.db_table)} m ON m.{q('group_id')} = g.{q('id')} "
        f"WHERE m.{q('user_id')} = %s"
    )


def remember_group_names(user, names) -> None:
    """Keep ``names`` (all of ``user``'s groups, just read from the database) for
    ``has_role``, as ``_group_names`` would have read them: ``inbox.role_grants_for`` reads
    them in its own statement, which every staff page sends first."""
    setattr(user, _GROUP_NAMES, frozenset(names))


def _forget_group_names(user) -> None:
    user.__dict__.pop(_GROUP_NAMES, None)


def forget_group_names_on_change(sender, instance, **kwargs) -> None:
    """``m2m_changed`` of the user–group table: a user object whose groups were changed (the
    admin, ``user.groups.add``) reads them again. Changed from the group's side, the users are
    not at hand: other objects of those users keep their names until they are loaded again."""
    if isinstance(instance, get_user_model()):
        _forget_group_names(instance)
    _forget_role_checks()  # a grant to a group counts in has_role_in_unit


def has_role(*, user, role: str) -> bool:
    return user.is_active and role in _group_names(user)


# (user id, role, unit id) -> held, inside role_checks_memoised() only; None outside.
_role_checks: ContextVar[dict[tuple[int, str, int], bool] | None] = ContextVar(
    "fazhi_role_checks", default=None
)


@contextmanager
def role_checks_memoised() -> Iterator[None]:
    """Within the block, ask the database once per (person, role, unit) (see the module's
    docstring: one task action, nothing longer). A block inside another keeps the outer's
    answers; when the outermost ends, everything is forgotten."""
    if _role_checks.get() is not None:
        yield
        return
    token = _role_checks.set({})
    try:
        yield
    finally:
        _role_checks.reset(token)


def _forget_role_checks() -> None:
    memo = _role_checks.get()
    if memo is not None:
        memo.clear()


def has_role_in_unit(*, user, role: str, unit: Unit) -> bool:
    """True when ``user`` holds ``role`` for ``unit`` specifically (not via another unit).

    The same answer as ``user.has_perm("workflows.act_as_<role>", unit)`` through guardian (an
    inactive or anonymous user holds nothing, an active superuser holds everything, a grant
    counts whether made to the user or to one of their groups), in one prepared statement
    instead of guardian's two ORM queries: every service step asks this, and building the ORM
    query cost far more than running it. Nothing is cached outside ``role_checks_memoised()``,
    so a grant or revocation counts at once.
    """
    if not user.is_active:  # AnonymousUser included
        return False
    if user.is_superuser:
        return True
    memo = _role_checks.get()
    key = (user.pk, role, unit.pk)
    if memo is not None and key in memo:
        return memo[key]
    unit_type = ContentType.objects.get_for_model(Unit).pk  # cached by Django
    held = [unit_type, str(unit.pk), unit_type, unit_permission_codename(role)]
    with prepared_cursor() as cursor:
        cursor.execute(_held_sql(), [user.pk, *held, user.pk, *held])
        answer = bool(cursor.fetchone()[0])
    if memo is not None:
        memo[key] = answer
    return answer


def offered_role_checks(*, user, task_id_column: str) -> RawSQL | None:
    """A column for a query of tasks: for each offer of the task, ``[role, unit id, held]``,
    ``held`` being what ``has_role_in_unit`` would answer for ``user``, role and unit (the same
    grants, direct or through a group, in the same SQL as ``_held_sql``), as JSON.

    ``workflows.tasking`` reads it with the task under the process lock and hands it to
    ``role_checks_remember``: the services then find the acting person's role over the units
    the task is offered to already answered, without a statement of their own. None when the
    answer does not come from the database (an inactive person or a superuser), nothing is
    remembered (outside ``role_checks_memoised()``) or the database is not PostgreSQL (its
    JSON functions; elsewhere the services ask as usual).
    """
    if connection.vendor != "postgresql":
        return None
    if not user.is_active or user.is_superuser or _role_checks.get() is None:
        return None
    unit_type = ContentType.objects.get_for_model(Unit).pk  # cached by Django
    held = [unit_type, unit_type, _ROLE_PREFIX]
    return RawSQL(
        _offered_checks_sql(task_id_column), [user.pk, *held, user.pk, *held], JSONField()
    )


def role_checks_remember(*, user, answers) -> None:
    """Remember ``answers`` (``[role, unit id, held]`` read by ``offered_role_checks`` in this
    block) as ``has_role_in_unit`` would have remembered them; outside a block, nothing."""
    memo = _role_checks.get()
    if memo is None or not user.is_active or user.is_superuser:
        return
    for role, unit_id, held in answers:
        memo[(user.pk, role, unit_id)] = bool(held)


@cache
def _offered_checks_sql(task_id_column: str) -> str:
    q = connection.ops.quote_name
    held = _held_condition(unit_pk="CAST(f.unit_id AS text)", codename="%s || f.role")
    return (
        f"SELECT COALESCE(jsonb_agg(jsonb_build_array(f.role, f.unit_id, {held})), "
        f"'[]'::jsonb) FROM {q(TaskOffer._meta.db_table)} f WHERE f.task_id = {task_id_column}"
    )


def role_holders_in_unit(*, users: Iterable, role: str, unit: Unit) -> set[int]:
    """The ids of those of ``users`` for whom ``has_role_in_unit`` is true, asked in one
    statement (a meeting's members) rather than one per person; remembered like it."""
    users = list(users)
    holders = {u.pk for u in users if u.is_active and u.is_superuser}
    memo = _role_checks.get()
    unknown = []
    for u in users:
        if not u.is_active or u.is_superuser or u.pk in holders:
            continue
        if memo is not None and (u.pk, role, unit.pk) in memo:
            if memo[(u.pk, role, unit.pk)]:
                holders.add(u.pk)
        else:
            unknown.append(u.pk)
    unknown = sorted(set(unknown))
    if unknown:
        unit_type = ContentType.objects.get_for_model(Unit).pk
        held = [unit_type, str(unit.pk), unit_type, unit_permission_codename(role)]
        with prepared_cursor() as cursor:
            cursor.execute(_holders_sql(len(unknown)), [*unknown, *held, *unknown, *held])
            found = {row[0] for row in cursor.fetchall()}
        holders |= found
        if memo is not None:
            memo.update({(pk, role, unit.pk): pk in found for pk in unknown})
    return holders


@cache
def _held_sql() -> str:
    """Does the user hold the permission on the object, directly or through a group?"""
    return f"SELECT {_held_condition(unit_pk='%s', codename='%s')}"


def _held_condition(*, unit_pk: str, codename: str) -> str:
    """The condition ``has_role_in_unit`` asks, with the unit's id (as guardian keeps it, text)
    and the permission's codename given as SQL: its parameters, in order, are the user's id,
    the unit's content type, [the unit's id,] the unit's content type, [the codename,] then
    the same again for the grants to the user's groups (the bracketed ones where ``unit_pk``
    and ``codename`` are placeholders). ``has_role_in_unit`` and ``offered_role_checks`` both
    ask it, so that their answers are one definition."""
    q = connection.ops.quote_name
    direct = get_user_obj_perms_model(Unit)._meta.db_table
    grouped = get_group_obj_perms_model(Unit)._meta.db_table
    memberships = get_user_model().groups.through._meta.db_table
    permission = Permission._meta.db_table
    condition = (
        f"o.content_type_id = %s AND o.object_pk = {unit_pk} "
        f"AND p.content_type_id = %s AND p.codename = {codename}"
    )
    return (
        f"(EXISTS (SELECT 1 FROM {q(direct)} o JOIN {q(permission)} p "
        f"ON p.id = o.permission_id WHERE o.user_id = %s AND {condition}) "
        f"OR EXISTS (SELECT 1 FROM {q(grouped)} o JOIN {q(permission)} p "
        f"ON p.id = o.permission_id JOIN {q(memberships)} m ON m.group_id = o.group_id "
        f"WHERE m.user_id = %s AND {condition}))"
    )


@cache
def _holders_sql(count: int) -> str:
    """Which of ``count`` users hold the permission on the object, directly or through a
    group?"""
    q = connection.ops.quote_name
    direct = get_user_obj_perms_model(Unit)._meta.db_table
    grouped = get_group_obj_perms_model(Unit)._meta.db_table
    memberships = get_user_model().groups.through._meta.db_table
    permission = Permission._meta.db_table
    condition = (
        "o.content_type_id = %s AND o.object_pk = %s AND p.content_type_id = %s AND p.codename = %s"
    )
    users = ", ".join(["%s"] * count)
    return (
        f"SELECT o.user_id FROM {q(direct)} o JOIN {q(permission)} p "
        f"ON p.id = o.permission_id WHERE o.user_id IN ({users}) AND {condition} "
        f"UNION SELECT m.user_id FROM {q(grouped)} o JOIN {q(permission)} p "
        f"ON p.id = o.permission_id JOIN {q(memberships)} m ON m.group_id = o.group_id "
        f"WHERE m.user_id IN ({users}) AND {condition}"
    )


def units_for_role(*, user, role: str) -> QuerySet[Unit]:
    """The units for which ``user`` holds ``role``: the scope of what they may see and do."""
    return get_objects_for_user(
        user, _perm(role), klass=Unit, use_groups=False, with_superuser=False
    )


_ROLE_CODENAMES = [unit_permission_codename(role) for role in ROLES]
_ROLE_PREFIX = unit_permission_codename("unit_head").removesuffix("unit_head")


def unit_role_grants(*, user=None, active_only: bool = False) -> QuerySet:
    """The (role, unit) grants people hold: the one definition the inbox, the reminder sweep
    and the normative documents' visibility read, each in its own SQL.

    Guardian's direct grants of "act_as_<role>" over a unit (no group grants; a superuser holds
    only what was granted to them), of ``user`` when given, else of everyone (active people
    only with ``active_only``); each row annotated with ``role`` and ``unit_id`` (guardian
    keeps the unit's id as text in ``object_pk``; ``unit_id`` is it as an integer).
    """
    content_type = ContentType.objects.get_for_model(Unit)
    grants = get_user_obj_perms_model(Unit).objects.filter(
        content_type=content_type,
        permission__content_type=content_type,
        permission__codename__in=_ROLE_CODENAMES,
    )
    if user is not None:
        grants = grants.filter(user=user)
    if active_only:
        grants = grants.filter(user__is_active=True)
    return grants.annotate(
        role=Substr("permission__codename", len(_ROLE_PREFIX) + 1),
        unit_id=Cast("object_pk", BigIntegerField()),
    )

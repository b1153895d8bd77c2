"""Writes for organisations and people."""

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Profile, Unit
from .permissions import role_grant


@transaction.atomic
def unit_ensure(
    *, name: str, kind: str, short_name: str = "", issuer_code: str = "", parent: Unit | None = None
) -> tuple[Unit, bool]:
    """Create the unit when missing; an existing unit of that name is returned unchanged."""
    return Unit.objects.get_or_create(
        name=name,
        defaults={
            "kind": kind,
            "short_name": short_name,
            "issuer_code": issuer_code,
            "parent": parent,
        },
    )


@transaction.atomic
def person_ensure(
    *,
    username: str,
    full_name: str,
    unit: Unit,
    job_title: str = "",
    password: str | None,
    roles: dict[str, list[Unit]] | None = None,
    email: str = "",
    is_superuser: bool = False,
):
    """Create a member of staff with a profile and role grants; idempotent.

    The password is set only when the account is created, so running this again never resets
    a password somebody has changed. ``roles`` maps a role to the units it is scoped to.
    """
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": full_name,
            "email": email,
            "is_staff": is_superuser,
            "is_superuser": is_superuser,
        },
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    Profile.objects.get_or_create(user=user, defaults={"unit": unit, "job_title": job_title})
    for role, units in (roles or {}).items():
        for scoped_unit in units:
            role_grant(user=user, role=role, unit=scoped_unit)
    return user, created

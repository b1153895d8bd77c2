"""Who may call the API at all; what each caller may see is the selectors' business.

Object visibility is never a permission class here: a view fetches through a selector that
already filters by the caller (see ``views.VisibleObjectMixin``), so what the caller may not see
is a 404 exactly like something that does not exist. Permission classes answer the remaining
question, "may this caller do this to something they can see?" (403 when not).
"""

from django.core.exceptions import ObjectDoesNotExist
from rest_framework.permissions import BasePermission

from workflows.permissions import has_role


def is_administrator(user) -> bool:
    """Superusers and holders of the role "administrator" (of any unit)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or has_role(user=user, role="administrator"))
    )


def is_staff_member(user) -> bool:
    """A member of staff: an active account with a profile (a unit), or a superuser."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    try:
        return user.profile is not None
    except ObjectDoesNotExist:
        return False


class IsStaffMember(BasePermission):
    """Staff endpoints: 401 without credentials, 403 for an account that is not staff."""

    message = "Only members of staff may use this endpoint."

    def has_permission(self, request, view) -> bool:
        return is_staff_member(request.user)


class IsAdministrator(BasePermission):
    message = "Only administrators may do this."

    def has_permission(self, request, view) -> bool:
        return is_administrator(request.user)

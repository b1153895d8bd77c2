"""The roles people hold, as Django groups, and the per-unit grants that scope them.

A group says what kind of work a person does (drafter, legal advisor, …); a guardian object
permission on a Unit says *for which unit* they do it. A drafter of 司法局 holds the group
``drafter`` and the permission ``workflows.act_as_drafter`` on the 司法局 unit, so they see
and edit that unit's work and nobody else's.
"""

from django.utils.translation import gettext_lazy as _

# Group name -> human label. The data migration 0002 creates exactly these groups.
ROLES: dict[str, str] = {
    "drafter": _("Drafter"),
    "unit_head": _("Unit head"),
    "legal_advisor": _("Legal advisor"),
    "expert": _("Expert"),
    "risk_assessor": _("Risk assessor"),
    "meeting_secretary": _("Meeting secretary"),
    "meeting_member": _("Meeting member"),
    "principal": _("Administrative head"),
    "publisher": _("Publisher"),
    "filing_reviewer": _("Filing reviewer"),
    "archivist": _("Archivist"),
    "administrator": _("Administrator"),
}


def unit_permission_codename(role: str) -> str:
    """The guardian codename that scopes ``role`` to one Unit (see Unit.Meta.permissions)."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; known roles: {', '.join(ROLES)}")
    return f"act_as_{role}"

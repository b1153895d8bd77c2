"""Who sees which government session and agenda item (会议, 议题): the people of its government
who meet in it (the meeting secretary, the members, the administrative head), the review
office (第二十五条、第二十八条), the people of the units whose items are on its agenda, the
people attending it, and archivists and administrators. Read by the session pages, the
decision page and the API alike."""

from django.db.models import Q

from workflows.models import Unit
from workflows.permissions import has_role, units_for_role

from .models import AgendaItem, Session
from .selectors import reads_all

MEETING_ROLES = ("meeting_secretary", "meeting_member", "principal")
REVIEW_OFFICE_ROLES = ("legal_advisor", "unit_head")
UNIT_ROLES = ("drafter", "unit_head", "legal_advisor")


# --- who sees what ------------------------------------------------------------------------------


def units_held(user, roles) -> set[int]:
    """The ids of the units over which ``user`` holds any of ``roles``."""
    ids: set[int] = set()
    for role in roles:
        if has_role(user=user, role=role):
            ids |= set(units_for_role(user=user, role=role).values_list("pk", flat=True))
    return ids


def _review_governments(user) -> set[int]:
    offices = units_held(user, REVIEW_OFFICE_ROLES)
    if not offices:
        return set()
    return set(Unit.objects.filter(review_office_id__in=offices).values_list("pk", flat=True))


def sessions_visible_to(user):
    """The sessions ``user`` may see (the module's docstring)."""
    if not (user.is_authenticated and user.is_active):
        return Session.objects.none()
    if reads_all(user):
        return Session.objects.all()
    governments = units_held(user, MEETING_ROLES) | _review_governments(user)
    condition = Q(government_id__in=governments) | Q(attendance__person=user)
    if lead_units := units_held(user, UNIT_ROLES):
        condition |= Q(items__lead_unit_id__in=lead_units)
    ids = Session.objects.filter(condition).values("pk")
    return Session.objects.filter(pk__in=ids)


def items_visible_to(user):
    """The agenda items ``user`` may see: the secretary's and the review office's of their
    government, a unit's own, and those on the sessions the person sees."""
    if not (user.is_authenticated and user.is_active):
        return AgendaItem.objects.none()
    if reads_all(user):
        return AgendaItem.objects.all()
    governments = units_held(user, ("meeting_secretary",)) | _review_governments(user)
    condition = Q(government_id__in=governments) | Q(session__in=sessions_visible_to(user))
    if lead_units := units_held(user, UNIT_ROLES):
        condition |= Q(lead_unit_id__in=lead_units)
    return AgendaItem.objects.filter(condition)

"""The session and the agenda item a request names, or a 404 for what the person may not see."""

from django.http import Http404

from ...models import AgendaItem, Session
from ...session_selectors import sessions_visible_to


def session_get_for_user(*, user, pk) -> Session:
    try:
        return (
            sessions_visible_to(user)
            .select_related("government", "principal", "secretary")
            .get(pk=pk)
        )
    except (Session.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _item_of_post(request, queryset) -> AgendaItem:
    try:
        return queryset.get(pk=int(request.POST.get("item", "")))
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None

"""Links to many rows of a list at the cost of one ``reverse``.

A staff list links each of its fifty rows to the row's page: ``{% url %}`` on every row cost a
tenth of the register's rendering (issue 22: about 30 µs a ``reverse``, 60 µs through the
template tag). A page's URLs differ only in the id, so the URL is reversed once, with a marker
in the id's place, and each row's id is put where the marker was.
"""

from collections.abc import Callable

from django.urls import reverse

# Digits only, so that it passes the ``<int:pk>`` converter; long enough never to be part of
# the rest of a URL.
_MARKER = "918273645546372819"


def reverse_by_pk(viewname: str) -> Callable[[int], str]:
    """A function of ``pk`` answering ``reverse(viewname, args=[pk])``, for a view whose one
    argument is an integer id. Reverse it again for each request: the script prefix and the
    URLconf are read now."""
    head, marker, tail = reverse(viewname, args=[int(_MARKER)]).partition(_MARKER)
    if not marker or _MARKER in tail:  # the marker is not the id's place alone: ask each time
        return lambda pk: reverse(viewname, args=[pk])
    return lambda pk: f"{head}{int(pk)}{tail}"

"""Escaping and local time for the tables the staff pages write in Python rather than through the template
language (the register, the inbox, the full-process record: issue 22).

``esc`` is what ``conditional_escape`` does — a safe string as it is, anything else as text,
escaped the way Django's ``escape`` escapes it (the standard library's ``html.escape``) —
without the wrapper Django's ``escape`` runs at every call to look for lazy arguments: a table
of fifty rows escapes hundreds of values, and the wrapper cost more than the escaping.
"""

from __future__ import annotations

import html
from datetime import datetime

from django.utils.timezone import is_aware, localtime


def local(value, tz):
    """``value`` in the time zone ``tz`` (the reader's, read once for a whole table) when it is
    an aware datetime, as the template language's ``expects_localtime`` filters see it;
    anything else (a date, a naive datetime) as it is."""
    if isinstance(value, datetime) and is_aware(value):
        return localtime(value, tz)
    return value


def esc(value) -> str:
    """``value`` escaped for HTML text or a quoted attribute, unless it is already safe."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))

"""Escaping for the tables the staff pages write in Python rather than through the template
language (the register, the inbox, the full-process record: issue 22).

``esc`` is what ``conditional_escape`` does — a safe string as it is, anything else as text,
escaped the way Django's ``escape`` escapes it (the standard library's ``html.escape``) —
without the wrapper Django's ``escape`` runs at every call to look for lazy arguments: a table
of fifty rows escapes hundreds of values, and the wrapper cost more than the escaping.
"""

from __future__ import annotations

import html


def esc(value) -> str:
    """``value`` escaped for HTML text or a quoted attribute, unless it is already safe."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))

"""The full-process record's rows, written in Python rather than through the template language
(issue 22: a page of the record printed each event's nine cells, two dates and a check through
the template engine, more than half of the page's time). The markup is the template's; every
value an event carries (the actor's name, the payload's text, a broken check's reason) is
escaped (``workflows.htmltext.esc``), and the times are in the current time zone, as there."""

from __future__ import annotations

from datetime import datetime

from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext

from ..htmltext import esc, local


def _seconds(value: datetime) -> str:
    """``value|date:"Y-m-d H:i:s"``."""
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )


def timeline_rows_html(rows: list[dict]) -> SafeString:
    """The rows of the record's table (``SubjectTimelineView``: each an event, its check, its
    action's label and its payload as HTML)."""
    tz = get_current_timezone()
    verified = esc(gettext("Verified"))
    parts = []
    for row in rows:
        event, check = row["event"], row["check"]
        at = local(event.at, tz)
        if event.actor_kind == "person":
            actor = esc(event.actor_label)
        else:
            actor = esc(event.get_actor_kind_display())
        sm3 = f'<br><code title="SM3">SM3 {esc(event.hash_sm3)}</code>' if event.hash_sm3 else ""
        if check.ok:
            mark = (
                "\n            "
                f'<span class="fz-record-ok" title="{verified}">&#10004;</span>'
                "\n          "
            )
        else:
            reason = esc(check.reason)
            mark = (
                "\n            "
                f'<span class="fz-record-broken" title="{reason}">&#10008; {reason}</span>'
                "\n          "
            )
        parts.append(
            "\n      "
            f'<tr data-testid="record-event" data-seq="{esc(event.seq)}" '
            f'data-action="{esc(event.action)}"\n'
            f'          data-verified="{"true" if check.ok else "false"}">\n'
            f"        <td>{esc(event.seq)}</td>\n"
            f'        <td><time datetime="{esc(at.isoformat())}">{_seconds(at)}</time></td>\n'
            f"        <td>{actor}</td>\n"
            f'        <td data-testid="record-action">{esc(row["action_label"])}</td>\n'
            f'        <td data-testid="record-payload">{esc(row["details"])}</td>\n'
            '        <td class="fz-record-hash">\n'
            f'          <code title="SHA-256">SHA-256 {esc(event.hash)}</code>\n'
            f"          {sm3}\n"
            "        </td>\n"
            f'        <td data-testid="record-event-check">\n          {mark}\n        </td>\n'
            "      </tr>\n    "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above was escaped by esc

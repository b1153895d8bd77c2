"""The stepper's stages (``workflows/includes/stepper.html``), written in Python rather than
through the template language (issue 22: the stepper was more than half of a decision page's
rendering, 4.4 ms of 8, for a dozen stages).

The markup is the template's, whitespace included; every value a person or the process wrote
(a name, a note, a unit, a legal source, a rule's description) is escaped
(``workflows.htmltext.esc``), dates are in the current time zone, and the words are the
template's translations (``pgettext`` in the context "progress").
"""

from __future__ import annotations

from datetime import datetime

from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext, pgettext

from .clocks.templatetags.clock_tags import deadline_due
from .htmltext import esc, local
from .progress import SKIPPED, ClockShown, Holder, StageShown
from .templatetags.staff_tags import day, minute


def _t(message: str) -> str:
    """``{% translate message context 'progress' %}``."""
    return esc(pgettext("progress", message))


def _done(stage: StageShown, tz) -> str:
    if not (stage.is_done and (stage.done_at or stage.done_by)):
        return ""
    when = ""
    if stage.done_at:
        if isinstance(stage.done_at, datetime):
            at = local(stage.done_at, tz)
            when = f'<time datetime="{esc(at.isoformat())}">{minute(at)}</time>'
        else:
            when = f'<time datetime="{day(stage.done_at)}">{day(stage.done_at)}</time>'
    by = ""
    if stage.done_by:
        by = f' · <span data-testid="stage-done-by">{esc(stage.done_by)}</span>'
    return f'<div class="fz-step__done" data-testid="stage-done">{when}{by}</div>'


def _holder(holder: Holder) -> str:
    work = esc(holder.work)
    if holder.url:
        work = f'<a href="{esc(holder.url)}">{work}</a>'
    if holder.held:
        who = f'{_t("held by")} <strong data-testid="holder-person">{esc(holder.person)}</strong>'
    elif holder.offered_to:
        offers = esc("、").join(esc(offer) for offer in holder.offered_to)
        who = f'{_t("offered to")} <span data-testid="holder-offer">{offers}</span>'
    else:
        who = _t("runs by itself")
    held = "true" if holder.held else "false"
    return (
        f'\n            <li data-testid="stage-holder" data-held="{held}">{work}:'
        f"\n              {who}</li>\n          "
    )


def _clock(clock: ClockShown) -> str:
    deadline = clock.deadline
    overdue = " fz-overdue" if clock.overdue else ""
    due = day(clock.due) if clock.due else ""
    awaiting = f' data-awaiting="{esc(clock.awaiting_year)}"' if clock.awaiting_year else ""
    text = ""
    if clock.description:
        # ``{% translate c.description %}``: the value translated as a message id (its percent
        # signs doubled there and restored after), then escaped.
        translated = gettext(str(clock.description).replace("%", "%%"))
        text = esc(translated).replace("%%", "%") + ": "
    if clock.due:
        text += f"{_t('due on')} {deadline_due(deadline)}"
        if clock.overdue:
            text += f" ({_t('overdue')})"
    else:
        text += deadline_due(deadline)
    return (
        f'<div class="fz-step__clock{overdue}" data-testid="stage-clock" '
        f'data-rule="{esc(deadline.rule_key)}" data-due="{due}"{awaiting}>'
        f"\n            {text}"
        f"\n            · {_t('responsible')}: {esc(clock.responsible)}"
        f"\n            <br><small>{_t('Legal source of the time limit')}: "
        f'<span data-testid="clock-source">{esc(clock.legal_source)}</span></small></div>'
        "\n          "
    )


def _current(stage: StageShown) -> str:
    if not stage.is_current:
        return ""
    holders = ""
    if stage.holders:
        holders = f'<ul class="fz-step__holders">{"".join(map(_holder, stage.holders))}</ul>'
    if stage.clocks:
        clocks = "".join(map(_clock, stage.clocks))
    else:
        clocks = (
            '<div class="fz-step__clock" data-testid="stage-no-clock"><small>'
            f"{_t('No statutory time limit for this stage.')}</small></div>"
        )
    return f"\n          {holders}\n          {clocks}\n        "


def _stage(number: int, stage: StageShown, tz) -> str:
    state = esc(stage.state)
    aria = ' aria-current="step"' if stage.aria_current else ""
    if stage.is_done:
        marker = "✓"
    elif stage.state == SKIPPED:
        marker = "–"
    else:
        marker = str(number)
    note = f'<div class="fz-step__note">{esc(stage.note)}</div>' if stage.note else ""
    source = ""
    if stage.source and stage.state != SKIPPED:
        source = f'<div class="fz-step__source"><small>{esc(stage.source)}</small></div>'
    return (
        f'\n    <li class="fz-step fz-step--{state}" data-testid="progress-stage" '
        f'data-stage="{esc(stage.key)}" data-state="{state}"{aria}>'
        f'\n      <span class="fz-step__marker" aria-hidden="true">{marker}</span>'
        '\n      <div class="fz-step__body">'
        f'\n        <span class="fz-step__name">{esc(stage.name)}</span>'
        f'\n        <span class="fz-step__state">{esc(stage.state_label)}</span>'
        f"\n        {_done(stage, tz)}"
        f"\n        {_current(stage)}"
        f"\n        {note}"
        f"\n        {source}"
        "\n      </div>\n    </li>\n  "
    )


def stages_html(stages: list[StageShown]) -> SafeString:
    """The stepper's list items, one per stage, numbered from 1."""
    tz = get_current_timezone()  # once, not for each stage's date
    html = "".join(_stage(number, stage, tz) for number, stage in enumerate(stages, 1))
    return mark_safe(html)  # noqa: S308 - every value above was escaped by esc

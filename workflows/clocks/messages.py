"""The words of a reminder, in its reader's language.

Each text names the item, the stage, the due date and the legal source, so that the reader
can act on it without opening anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext

from .models import Deadline, Reminder


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str


def recipient_language(user) -> str:
    """The language a person reads their reminders in.

    People have no stored language preference yet (the switcher only sets a cookie), so a
    profile attribute is honoured when one appears and Chinese is the default.
    """
    profile = getattr(user, "profile", None)
    language = getattr(profile, "language", "") if profile is not None else ""
    return language or settings.LANGUAGE_CODE


def subject_label(deadline: Deadline) -> str:
    """The item as it is called now, or as it was called when the clock opened."""
    try:
        subject = deadline.subject  # None when the item was deleted
    except AttributeError:  # its model was removed: the stored name is all we have
        subject = None
    return str(subject) if subject is not None else deadline.subject_label


def subject_url(deadline: Deadline) -> str:
    try:
        subject = deadline.subject
        return subject.get_absolute_url() if subject is not None else ""
    except (AttributeError, NoReverseMatch):  # no page for this kind of item
        return ""


def reminder_message(reminder: Reminder, *, language: str) -> Message:
    """The reminder's title, text and link, in ``language``: its words follow whom it is to
    (``Reminder.escalation``) and whether the clock is overdue (``Reminder.kind``)."""
    deadline = reminder.deadline
    with translation.override(language):
        title, body = _reminder_texts(reminder, _reminder_values(deadline))
    return Message(title=title, body=body, url=subject_url(deadline))


def _reminder_values(deadline: Deadline) -> dict:
    """What a reminder's words name, in the active language."""
    return {
        "item": subject_label(deadline),
        # Stored as the English source so that each reader gets their own translation.
        "stage": gettext(deadline.rule_description)
        if deadline.rule_description
        else deadline.rule_key,
        "due": formats.date_format(deadline.due, "DATE_FORMAT"),
        "source": deadline.legal_source,
        "unit": deadline.responsible_unit.name,
    }


def _reminder_texts(reminder: Reminder, values: dict) -> tuple[str, str]:
    """The title and text of ``reminder``, in the active language."""
    deadline = reminder.deadline
    tier = reminder.escalation
    above = deadline.responsible_unit.parent if tier == Reminder.Escalation.OFFICE_ABOVE else None
    if above is not None:
        values["above"] = above.name
        title = gettext("Overdue, brought to the office above: %(stage)s — %(item)s") % values
        body = (
            gettext(
                "%(item)s: the stage “%(stage)s” was due on %(due)s and is still overdue "
                "after the head of %(unit)s was asked to see to it. As head of %(above)s, "
                "the office above, you are asked to see that it is done. Legal source: "
                "%(source)s."
            )
            % values
        )
    elif tier != Reminder.Escalation.ACTOR:  # a unit head (or the office above is gone)
        title = gettext("Overdue, brought to the unit head: %(stage)s — %(item)s") % values
        body = (
            gettext(
                "%(item)s: the stage “%(stage)s” was due on %(due)s and is overdue. As "
                "head of %(unit)s, the responsible unit, you are asked to see that it is "
                "done. Legal source: %(source)s."
            )
            % values
        )
    elif reminder.kind == Reminder.Kind.OVERDUE:
        title = gettext("Overdue: %(stage)s — %(item)s") % values
        body = (
            gettext(
                "%(item)s: the stage “%(stage)s” was due on %(due)s and is overdue. "
                "Responsible unit: %(unit)s. Legal source: %(source)s."
            )
            % values
        )
    else:
        values["days"] = reminder.window or 0
        title = gettext("Due on %(due)s: %(stage)s — %(item)s") % values
        body = (
            ngettext(
                "%(item)s: the stage “%(stage)s” is due on %(due)s, within %(days)s "
                "working day. Legal source: %(source)s.",
                "%(item)s: the stage “%(stage)s” is due on %(due)s, within %(days)s "
                "working days. Legal source: %(source)s.",
                values["days"],
            )
            % values
        )
    return title, body


def notice_reminder_message(*, year: int, waiting: int, language: str) -> Message:
    """To an administrator: clocks wait for the State Council's holiday notice of ``year``."""
    try:
        url = reverse("admin:clocks_calendaryear_changelist")
    except NoReverseMatch:
        url = ""
    with translation.override(language):
        values = {"year": year, "n": waiting}
        title = gettext("Enter the holiday notice for %(year)s") % values
        body = (
            ngettext(
                "%(n)s legal clock waits for the State Council's holiday notice for %(year)s: "
                "its due date cannot be computed until the notice is entered. Enter it in the "
                "admin under “Deadlines and reminders → National holiday notices” (paste the "
                "notice's text) or with “manage.py holiday_notice_import”, and mark it "
                "complete; waiting clocks are computed at once and reminders follow.",
                "%(n)s legal clocks wait for the State Council's holiday notice for %(year)s: "
                "their due dates cannot be computed until the notice is entered. Enter it in "
                "the admin under “Deadlines and reminders → National holiday notices” (paste "
                "the notice's text) or with “manage.py holiday_notice_import”, and mark it "
                "complete; waiting clocks are computed at once and reminders follow.",
                waiting,
            )
            % values
        )
    return Message(title=title, body=body, url=url)

"""The words of the State Council's holiday notice (``workflows.clocks.notice``): the festivals,
the patterns its lines are read with, the refusals a reader may give (``NoticeError``, its
messages translated when shown) and the normal form lines are compared in. Pure, no ORM."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, gettext_noop

# 《全国年节及纪念日放假办法》第二条: the festivals every notice schedules, in its order.
FESTIVALS: tuple[str, ...] = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")

HOLIDAY = "holiday"
WORKING_DAY = "working_day"

_ONE_DAY = timedelta(days=1)

# Matched against the NFKC form of a line with its blanks removed: full-width "，：（）" and
# digits become ASCII, so text pasted from a web page, a PDF or a word processor reads alike.
_TITLE = re.compile(r"国务院办公厅关于(?P<year>\d{4})年部分节假日安排的通知")
_REFERENCE = re.compile(r"国办发明电〔\d{4}〕\d+号")
_SIGNED_ON = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_NUMBER = r"[一二三四五六七八九十]+、"
_FESTIVAL = "|".join(FESTIVALS)
_NUMBERED = re.compile(rf"^{_NUMBER}")
_FESTIVAL_LINE = re.compile(rf"^(?:{_NUMBER})?(?P<label>[^:]{{1,30}}):(?P<body>.*)$")
_LABEL = re.compile(rf"^(?:{_FESTIVAL})(?:、(?:{_FESTIVAL}))*$")
# A date as the notices write it: "2月10日", once in a while "2021年1月1日"; after the
# first date of a range or a list the month may be left out ("至17日", "、12日").
_DATE = r"(?:\d{4}年)?\d{1,2}月\d{1,2}日"
_LATER_DATE = r"(?:(?:\d{4}年)?\d{1,2}月)?\d{1,2}日"
_PAREN = r"(?:\([^()]*\))?"
_DATE_PARTS = re.compile(r"^(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日$")
_HOLIDAY_SENTENCE = re.compile(
    rf"^(?P<start>{_DATE})(?P<start_note>{_PAREN})"
    rf"(?:至(?P<end>{_LATER_DATE})(?P<end_note>{_PAREN}))?"
    r"放假(?P<swap>调休)?(?:(?P<count>\d+)天)?"
    r"(?P<clauses>(?:,(?:共\d+天|与周末连休|不调休))*)$"
)
_CLAUSE = re.compile(r",(共(?P<count>\d+)天|与周末连休|不调休)")
_WORKING_SENTENCE = re.compile(rf"^(?P<dates>{_DATE}{_PAREN}(?:、{_LATER_DATE}{_PAREN})*)上班$")
_WORKING_DATE = re.compile(rf"(?P<day>{_LATER_DATE})(?P<note>{_PAREN})")
_WEEKDAY = re.compile(r"^(?:周|星期)(?P<day>[一二三四五六日天])$")
_WEEKDAY_NUMBER = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
# A prose line that nonetheless gives a date and days off or on: a festival line whose label
# was lost or mistyped. Never skipped.
_LOOKS_LIKE_SCHEDULE = re.compile(r"\d{1,2}月\d{1,2}日.*(?:放假|上班)")


class NoticeError(ValueError):
    """The notice text cannot be read as published, or does not add up.

    ``line`` is the 1-based number of the line at fault (``None`` when the fault is the notice
    as a whole, e.g. a missing festival). The message is translated when shown
    (``str(error)``), in the reader's language.
    """

    def __init__(self, message: str, params: dict | None = None, *, line: int | None = None):
        # ``message`` is an untranslated source string (marked with gettext_noop).
        self.message = message
        self.params = dict(params or {})
        self.line = line
        super().__init__(message, self.params, line)

    def __reduce__(self):
        return (_rebuild_error, (self.message, self.params, self.line))

    def __str__(self) -> str:
        params = {
            key: weekday_name(value) if isinstance(value, _Weekday) else value
            for key, value in self.params.items()
        }
        text = gettext(self.message) % params
        if self.line is None:
            return text
        return gettext("Line %(line)s: %(message)s") % {"line": self.line, "message": text}


class _Weekday(int):
    """A weekday (0 = Monday) in an error's parameters: named in the reader's language."""


def _rebuild_error(message, params, line):
    return NoticeError(message, params, line=line)


def weekday_name(day: date | int) -> str:
    """The weekday of ``day`` (or weekday number, 0 = Monday) in the reader's language, from
    Django's own catalogue."""
    return str(WEEKDAYS[day if isinstance(day, int) else day.weekday()])


# --- messages (source strings; translated in NoticeError.__str__) --------------------------

_CANNOT_READ = gettext_noop("cannot read “%(text)s”")
_NOT_A_FESTIVAL_LINE = gettext_noop(
    "cannot read “%(text)s”: a line giving days off or make-up working days starts with its "
    "festival, e.g. “二、春节：…”"
)
_NO_YEAR = gettext_noop(
    "The year of the notice is not known: paste its title line "
    "(国务院办公厅关于YYYY年部分节假日安排的通知) or give the year."
)
_YEAR_MISMATCH = gettext_noop(
    "the title is for %(title_year)s, but the notice is being entered for %(year)s"
)
_NO_DATE = gettext_noop("“%(text)s” is not a date in %(year)s")
_BACKWARDS = gettext_noop("the period “%(text)s” ends before it starts")
_OUTSIDE_YEAR = gettext_noop(
    "%(date)s is not in %(year)s, the year of the notice (each notice schedules its own year only)"
)
_WRONG_WEEKDAY = gettext_noop("%(date)s is a %(actual)s, not “%(written)s” as written")
_UNREADABLE_NOTE = gettext_noop("cannot read “(%(note)s)” after %(date)s")
_WRONG_COUNT = gettext_noop(
    "“%(written)s” does not match %(first)s to %(last)s, which is %(days)s days"
)
_NOT_A_WEEKEND = gettext_noop(
    "the make-up working day %(date)s is a %(weekday)s; make-up working days fall on a "
    "Saturday or Sunday (Monday to Friday are working days already)"
)
_NOT_BY_A_WEEKEND = gettext_noop(
    "“与周末连休” (joined to the weekend), but %(first)s to %(last)s does not touch a "
    "Saturday or Sunday"
)
_SWAP_WITHOUT_WORK = gettext_noop(
    "“放假调休” (days off swapped with working days), but the line lists no make-up working "
    "day (“…上班”)"
)
_NO_SWAP_WITH_WORK = gettext_noop(
    "“不调休” (no make-up working days), but the line lists one (“…上班”)"
)
_ONE_PERIOD = gettext_noop(
    "a festival line gives exactly one period of days off (“…放假…”), this one gives %(count)s"
)
_TWICE = gettext_noop("%(festival)s is listed again (first on line %(first)s)")
_DATE_TWICE = gettext_noop("%(date)s is already listed, for %(other)s on line %(first)s")
_MISSING = gettext_noop(
    "The notice does not list %(missing)s: every notice schedules 元旦, 春节, 清明节, 劳动节, "
    "端午节, 中秋节 and 国庆节."
)


# --- the normal form of a line --------------------------------------------------------------


def _normal(line: str) -> str:
    """NFKC, without blanks (Chinese text has none that mean anything; pasted text has many)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", line))


_FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})


def _shown(part: str) -> str:
    """Part of a normalised line as a reader would write it again, with Chinese punctuation."""
    return part.translate(_FULL_WIDTH)


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None

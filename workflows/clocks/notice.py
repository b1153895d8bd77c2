"""The State Council's yearly holiday notice, read from its published text: pure, no ORM.

Every year the General Office of the State Council publishes 国务院办公厅关于YYYY年部分节假日
安排的通知: one numbered line per festival of 《全国年节及纪念日放假办法》第二条 (元旦, 春节,
清明节, 劳动节, 端午节, 中秋节, 国庆节), each giving the days off (放假) and the make-up
working days on a weekend (调休, "…上班"). ``parse_notice`` turns that text, pasted as
published, into the dates an administrator would otherwise type one by one
(``workflows.clocks.models.CalendarYear``).

Reading is strict, because a misread date silently moves legal deadlines (domain.md §4): a
numbered or festival line is read completely or refused, with its line number, and the result
is checked the way a careful reader checks the notice (weekdays in parentheses, "共N天",
every festival once, no date twice, make-up working days on a weekend, every date in the
notice's year). Only lines that are plainly prose (addressees, preamble, closing, signature)
are skipped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar
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


@dataclass(frozen=True)
class Notice:
    """One year's notice as read: every holiday and make-up working day with its festival.

    ``festivals`` are the festival lines in the notice's order, as labelled
    ("国庆节、中秋节" when one line covers both); each date maps to the label of its line.
    """

    year: int
    title: str
    holidays: dict[date, str]
    working_days: dict[date, str]
    festivals: tuple[str, ...]
    # Read from the text when it carries them: the document number and the signature date.
    reference: str = ""
    published_on: date | None = None
    # Sentences that ask but do not schedule (鼓励各单位…安排职工在除夕休息).
    notes: tuple[str, ...] = field(default=())

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday unless a holiday, or a listed make-up working day."""
        return day in self.working_days or (day.weekday() < 5 and day not in self.holidays)

    def entries(self) -> list[tuple[date, str, str]]:
        """Every listed date in order: ``(date, HOLIDAY or WORKING_DAY, festival)``."""
        rows = [(d, HOLIDAY, name) for d, name in self.holidays.items()]
        rows += [(d, WORKING_DAY, name) for d, name in self.working_days.items()]
        return sorted(rows)


def year_of_title(title: str) -> int | None:
    """2027 for "国务院办公厅关于2027年部分节假日安排的通知"; None when not such a title."""
    match = _TITLE.search(_normal(title))
    return int(match["year"]) if match else None


def weekday_name(day: date | int) -> str:
    """The weekday of ``day`` (or weekday number, 0 = Monday) in the reader's language, from
    Django's own catalogue."""
    return str(WEEKDAYS[day if isinstance(day, int) else day.weekday()])


def parse_notice(text: str, *, year: int | None = None) -> Notice:
    """Read the State Council's holiday notice for one year from its published text.

    The year is the one in the title line (…关于2025年部分节假日安排的通知) or ``year``; when
    both are given they must agree. Raises ``NoticeError`` naming the line at fault.
    """
    lines = text.splitlines()
    title, year = _title_and_year(lines, year)
    reader = _Reader(year)
    reference = ""
    published_on = None
    notes: list[str] = []
    for number, raw in enumerate(lines, start=1):
        shown = raw.strip()
        line = _normal(raw)
        if not line:
            continue
        festival = _FESTIVAL_LINE.match(line)
        if _NUMBERED.match(line) or (festival and _LABEL.match(festival["label"])):
            if not festival or not _LABEL.match(festival["label"]):
                raise NoticeError(_CANNOT_READ, {"text": shown}, line=number)
            notes += reader.read_festival(number, festival["label"], festival["body"], shown)
        elif title_line := _TITLE.match(line):
            # The title repeated (pasted twice, or page header and body) must name the same year.
            if int(title_line["year"]) != year:
                raise NoticeError(
                    _YEAR_MISMATCH,
                    {"title_year": int(title_line["year"]), "year": year},
                    line=number,
                )
        elif _REFERENCE.fullmatch(line):
            reference = line
        elif _SIGNED_ON.fullmatch(line):
            signed = _SIGNED_ON.fullmatch(line)
            published_on = _date_or_none(int(signed["y"]), int(signed["m"]), int(signed["d"]))
        elif _LOOKS_LIKE_SCHEDULE.search(line) and not line.startswith("鼓励"):
            raise NoticeError(_NOT_A_FESTIVAL_LINE, {"text": shown}, line=number)
        elif line.startswith("鼓励"):
            notes.append(shown)
    reader.check_complete()
    return Notice(
        year=year,
        title=title,
        holidays=dict(sorted(reader.holidays.items())),
        working_days=dict(sorted(reader.working_days.items())),
        festivals=tuple(reader.labels),
        reference=reference,
        published_on=published_on,
        notes=tuple(notes),
    )


def package_differences(notice: Notice) -> list[date] | None:
    """The dates on which the installed chinesecalendar release reads ``notice``'s year
    differently (working or not, holiday or not); None when the release does not carry it.

    A notice for a year the package carries cannot be entered (the package wins), but
    comparing the two shows whether the text, or the release, has it wrong.
    """
    first = min(chinese_calendar.holidays).year
    last = max(chinese_calendar.holidays).year
    if not first <= notice.year <= last:
        return None
    day = date(notice.year, 1, 1)
    differ = []
    while day.year == notice.year:
        in_package = day in chinese_calendar.holidays and not chinese_calendar.is_workday(day)
        if notice.is_working_day(day) != chinese_calendar.is_workday(day) or in_package != (
            day in notice.holidays
        ):
            differ.append(day)
        day += _ONE_DAY
    return differ


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


# --- reading -------------------------------------------------------------------------------


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


def _title_and_year(lines: list[str], year: int | None) -> tuple[str, int]:
    for number, raw in enumerate(lines, start=1):
        # The title opens its line; a sentence citing an earlier notice is not a title.
        match = _TITLE.match(_normal(raw))
        if match:
            title_year = int(match["year"])
            if year is not None and year != title_year:
                raise NoticeError(
                    _YEAR_MISMATCH, {"title_year": title_year, "year": year}, line=number
                )
            return raw.strip(), title_year
    if year is None:
        raise NoticeError(_NO_YEAR)
    return "", year


class _Reader:
    """Collects the festival lines of one notice and checks them against each other."""

    def __init__(self, year: int):
        self.year = year
        self.holidays: dict[date, str] = {}
        self.working_days: dict[date, str] = {}
        self.labels: list[str] = []
        self._festival_line: dict[str, int] = {}
        self._date_line: dict[date, tuple[str, int]] = {}

    def read_festival(self, number: int, label: str, body: str, shown: str) -> list[str]:
        """Read one festival line completely; returns its advisory sentences."""
        names = label.split("、")
        for name in names:
            if name in self._festival_line:
                raise NoticeError(
                    _TWICE, {"festival": name, "first": self._festival_line[name]}, line=number
                )
            self._festival_line[name] = number
        self.labels.append(label)

        periods: list[tuple[date, date, re.Match]] = []
        working: list[date] = []
        notes: list[str] = []
        sentences = [s for s in re.split(r"[。;]", body) if s]
        if not sentences:
            raise NoticeError(_CANNOT_READ, {"text": shown}, line=number)
        for sentence in sentences:
            if sentence.startswith("鼓励"):
                # An appeal to employers (e.g. to give 除夕 off), not part of the schedule.
                notes.append(_shown(sentence) + "。")
            elif match := _HOLIDAY_SENTENCE.match(sentence):
                periods.append((*self._period(number, match, sentence), match))
            elif match := _WORKING_SENTENCE.match(sentence):
                working += self._working_days(number, match["dates"])
            else:
                raise NoticeError(_CANNOT_READ, {"text": _shown(sentence)}, line=number)
        if len(periods) != 1:
            raise NoticeError(_ONE_PERIOD, {"count": len(periods)}, line=number)
        first, last, match = periods[0]
        clauses = [c[0] for c in _CLAUSE.findall(match["clauses"])]
        if match["swap"] and not working:
            raise NoticeError(_SWAP_WITHOUT_WORK, line=number)
        if "不调休" in clauses and working:
            raise NoticeError(_NO_SWAP_WITH_WORK, line=number)
        if (
            "与周末连休" in clauses
            and (first - _ONE_DAY).weekday() < 5
            and (last + _ONE_DAY).weekday() < 5
        ):
            raise NoticeError(
                _NOT_BY_A_WEEKEND,
                {"first": first.isoformat(), "last": last.isoformat()},
                line=number,
            )

        day = first
        while day <= last:
            self._add(number, day, label, self.holidays)
            day += _ONE_DAY
        for day in working:
            if day.weekday() < 5:
                raise NoticeError(
                    _NOT_A_WEEKEND,
                    {"date": day.isoformat(), "weekday": _Weekday(day.weekday())},
                    line=number,
                )
            self._add(number, day, label, self.working_days)
        return notes

    def check_complete(self) -> None:
        missing = [name for name in FESTIVALS if name not in self._festival_line]
        if missing:
            raise NoticeError(_MISSING, {"missing": "、".join(missing)})

    def _add(self, number: int, day: date, label: str, into: dict[date, str]) -> None:
        if day in self._date_line:
            other, first = self._date_line[day]
            raise NoticeError(
                _DATE_TWICE,
                {"date": day.isoformat(), "other": other, "first": first},
                line=number,
            )
        self._date_line[day] = (label, number)
        into[day] = label

    def _date(
        self, number: int, text: str, *, after: date | None = None, period_end: bool = False
    ) -> date:
        """A written date; month and year left out are those of ``after``."""
        parts = _DATE_PARTS.match(text)
        year = int(parts["y"]) if parts["y"] else (after.year if after else self.year)
        month = int(parts["m"]) if parts["m"] else after.month
        day = _date_or_none(year, month, int(parts["d"]))
        if day is None:
            raise NoticeError(_NO_DATE, {"text": text, "year": year}, line=number)
        if period_end and not parts["y"] and parts["m"] and day < after:
            # "12月30日至1月1日": the period runs into the next year.
            day = _date_or_none(year + 1, month, day.day) or day
        if day.year != self.year:
            raise NoticeError(
                _OUTSIDE_YEAR, {"date": day.isoformat(), "year": self.year}, line=number
            )
        return day

    def _check_note(self, number: int, day: date, note: str) -> None:
        """The parentheses after a date: its weekday and, for 春节, its lunar date."""
        if not note:
            return
        for part in re.split(r"[、,]", note[1:-1]):
            weekday = _WEEKDAY.match(part)
            if weekday:
                if _WEEKDAY_NUMBER[weekday["day"]] != day.weekday():
                    raise NoticeError(
                        _WRONG_WEEKDAY,
                        {
                            "date": day.isoformat(),
                            "actual": _Weekday(day.weekday()),
                            "written": part,
                        },
                        line=number,
                    )
            elif not part.startswith("农历") or part == "农历":
                raise NoticeError(
                    _UNREADABLE_NOTE,
                    {"note": _shown(note[1:-1]), "date": day.isoformat()},
                    line=number,
                )

    def _period(self, number: int, match: re.Match, sentence: str) -> tuple[date, date]:
        first = self._date(number, match["start"])
        self._check_note(number, first, match["start_note"])
        last = first
        if match["end"]:
            last = self._date(number, match["end"], after=first, period_end=True)
            if last < first:
                raise NoticeError(_BACKWARDS, {"text": _shown(sentence)}, line=number)
            self._check_note(number, last, match["end_note"])
        days = (last - first).days + 1
        counts = []
        if match["count"]:
            counts.append((int(match["count"]), f"{match['count']}天"))
        counts += [(int(c[1]), c[0]) for c in _CLAUSE.findall(match["clauses"]) if c[1]]
        for count, written in counts:
            if count != days:
                raise NoticeError(
                    _WRONG_COUNT,
                    {
                        "written": written,
                        "first": first.isoformat(),
                        "last": last.isoformat(),
                        "days": days,
                    },
                    line=number,
                )
        return first, last

    def _working_days(self, number: int, dates: str) -> list[date]:
        days: list[date] = []
        for match in _WORKING_DATE.finditer(dates):
            day = self._date(number, match["day"], after=days[-1] if days else None)
            self._check_note(number, day, match["note"])
            days.append(day)
        return days

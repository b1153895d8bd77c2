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
from dataclasses import dataclass, field
from datetime import date

import chinese_calendar

from .notice_text import (
    _BACKWARDS,
    _CANNOT_READ,
    _CLAUSE,
    _DATE_PARTS,
    _DATE_TWICE,
    _FESTIVAL_LINE,
    _HOLIDAY_SENTENCE,
    _LABEL,
    _LOOKS_LIKE_SCHEDULE,
    _MISSING,
    _NO_DATE,
    _NO_SWAP_WITH_WORK,
    _NO_YEAR,
    _NOT_A_FESTIVAL_LINE,
    _NOT_A_WEEKEND,
    _NOT_BY_A_WEEKEND,
    _NUMBERED,
    _ONE_DAY,
    _ONE_PERIOD,
    _OUTSIDE_YEAR,
    _REFERENCE,
    _SIGNED_ON,
    _SWAP_WITHOUT_WORK,
    _TITLE,
    _TWICE,
    _UNREADABLE_NOTE,
    _WEEKDAY,
    _WEEKDAY_NUMBER,
    _WORKING_DATE,
    _WORKING_SENTENCE,
    _WRONG_COUNT,
    _WRONG_WEEKDAY,
    _YEAR_MISMATCH,
    FESTIVALS,
    HOLIDAY,
    WORKING_DAY,
    NoticeError,
    _date_or_none,
    _normal,
    _shown,
    _Weekday,
    weekday_name,
)

__all__ = [
    "FESTIVALS",
    "HOLIDAY",
    "WORKING_DAY",
    "Notice",
    "NoticeError",
    "package_differences",
    "parse_notice",
    "weekday_name",
    "year_of_title",
]


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


# --- reading --------------------------------------------------------------------------------------


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

"""Enter the State Council's holiday notice for a year from its published text.

    python manage.py holiday_notice_import notice-2027.txt               # read and show
    python manage.py holiday_notice_import notice-2027.txt --published-on 2026-11-04 --yes

Reads the notice (workflows.clocks.notice), prints every date it gives and a summary, and
saves only with ``--yes``, through ``calendar_year_enter`` as a complete notice: the same
checks and the same record as the admin. Nothing is saved when any line cannot be read.
"""

import sys
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from workflows.clocks.models import CalendarYearDay
from workflows.clocks.notice import (
    Notice,
    NoticeError,
    package_differences,
    parse_notice,
    weekday_name,
    year_of_title,
)
from workflows.clocks.services import calendar_year_enter


class Command(BaseCommand):
    help = (
        "Read the State Council's holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知) "
        "from a UTF-8 text file, show every holiday and make-up working day it gives, and "
        "with --yes enter it as that year's complete national holiday notice."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The notice as published, UTF-8 text; - reads stdin.")
        parser.add_argument("--year", type=int, help="The year, when the text has no title.")
        parser.add_argument("--title", help="The notice's title (default: its title line).")
        parser.add_argument("--reference", help="Document number, e.g. 国办发明电〔2026〕7号.")
        parser.add_argument(
            "--published-on",
            help="YYYY-MM-DD (default: the date signed at the end of the text, if pasted).",
        )
        parser.add_argument("--url", default="", help="Where the notice is published.")
        parser.add_argument(
            "--by", help="Username of the administrator entering it (default: the system)."
        )
        parser.add_argument("--yes", action="store_true", help="Save the notice as read.")

    def handle(self, *args, file, year, title, reference, published_on, url, by, yes, **options):
        text = self._read(file)
        if year is None and title:
            year = year_of_title(title)
        try:
            notice = parse_notice(text, year=year)
        except NoticeError as error:
            raise CommandError(str(error)) from error

        title = title or notice.title
        reference = reference if reference is not None else notice.reference
        day = self._published_on(published_on) or notice.published_on
        self._show(notice, title=title, reference=reference, published_on=day)

        if not yes:
            self.stdout.write(_("Nothing saved: run again with --yes to enter this notice."))
            return
        if not title:
            raise CommandError(_("The notice has no title line: give it with --title."))
        if day is None:
            raise CommandError(
                _("The text does not say when the notice was published: give --published-on.")
            )
        try:
            saved = calendar_year_enter(
                year=notice.year,
                title=title,
                reference=reference,
                url=url,
                published_on=day,
                by=self._user(by),
                holidays=notice.holidays,
                working_days=notice.working_days,
                complete=True,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Saved: the national holiday notice for %(year)s, complete.")
                % {"year": saved.year}
            )
        )

    def _read(self, file: str) -> str:
        try:
            if file == "-":
                stream = getattr(sys.stdin, "buffer", None)
                if stream is None:
                    return sys.stdin.read()
                return stream.read().decode("utf-8-sig")
            with open(file, encoding="utf-8-sig") as handle:
                return handle.read()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror or error}") from error
        except UnicodeDecodeError as error:
            raise CommandError(
                _("%(file)s is not UTF-8 text (%(error)s).") % {"file": file, "error": error}
            ) from error

    @staticmethod
    def _published_on(value: str | None) -> date | None:
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise CommandError(f"--published-on must be YYYY-MM-DD, not {value!r}") from error

    @staticmethod
    def _user(username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None or not user.has_perm("clocks.add_calendaryear"):
            raise CommandError(
                _("%(username)s is not an active user allowed to enter holiday notices.")
                % {"username": username}
            )
        return user

    def _show(self, notice: Notice, *, title: str, reference: str, published_on) -> None:
        heading = title or str(notice.year)
        if reference:
            heading += f" ({reference})"
        self.stdout.write(heading)
        kinds = {kind: str(label) for kind, label in CalendarYearDay.Kind.choices}
        header = (_("Date"), _("Weekday"), _("Kind"), _("Festival"))
        rows = [
            (day.isoformat(), weekday_name(day), kinds[kind], festival)
            for day, kind, festival in notice.entries()
        ]
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(3)]
        for row in [header, *rows]:
            cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row[:3])]
            self.stdout.write("  ".join([*cells, row[3]]))
        self.stdout.write(
            _(
                "%(year)s: %(holidays)s holidays and %(working)s make-up working days "
                "in %(lines)s festival lines (%(festivals)s)."
            )
            % {
                "year": notice.year,
                "holidays": len(notice.holidays),
                "working": len(notice.working_days),
                "lines": len(notice.festivals),
                "festivals": "、".join(notice.festivals),
            }
        )
        if published_on:
            self.stdout.write(_("Published on %(day)s.") % {"day": published_on.isoformat()})
        for note in notice.notes:
            self.stdout.write(_("Not a schedule, not saved: %(note)s") % {"note": note})
        differ = package_differences(notice)
        if differ == []:
            self.stdout.write(
                _(
                    "The installed holiday package carries %(year)s and agrees with this "
                    "notice on every day."
                )
                % {"year": notice.year}
            )
        elif differ:
            self.stdout.write(
                self.style.WARNING(
                    _("The installed holiday package reads %(year)s differently on: %(dates)s")
                    % {"year": notice.year, "dates": ", ".join(d.isoformat() for d in differ)}
                )
            )


def _width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)

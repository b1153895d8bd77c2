import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflows.reports import annual_report, report_docx, report_json, report_markdown


class Command(BaseCommand):
    help = "The statistics part of the annual rule-of-law report (法治政府建设年度报告) for YEAR."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--format", choices=["docx", "md", "json"], default="md")
        parser.add_argument("--out", type=Path, help="File to write (docx needs one).")
        parser.add_argument(
            "--dated",
            type=dt.date.fromisoformat,
            help="The report's date (成文日期), YYYY-MM-DD; without it the date line is left "
            "as a marked placeholder for the author.",
        )

    def handle(self, *args, **options):
        if not 1949 < options["year"] < 2200:
            raise CommandError("Give a year such as 2021.")
        dated = options["dated"]
        if dated is not None and dated.year <= options["year"]:
            raise CommandError("The report is dated after the year it reports on.")
        report = annual_report(options["year"], dated=dated)
        fmt = options["format"]
        if fmt == "docx":
            if not options["out"]:
                raise CommandError("--format docx needs --out FILE.docx")
            data = report_docx(report)
        elif fmt == "json":
            data = report_json(report)
        else:
            data = report_markdown(report).encode("utf-8")
        if options["out"]:
            options["out"].write_bytes(data)
            self.stdout.write(f"Written to {options['out']}")
        else:
            self.stdout.write(data.decode("utf-8"), ending="")

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from workflows.archive.check import package_check


class Command(BaseCommand):
    help = (
        "Re-run the four-property check (DA/T 70-2018) on an archive package: exit 0 when "
        "authenticity, integrity, usability and security all pass, 1 listing each failure."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options):
        report = package_check(options["directory"])
        if options["json"]:
            self.stdout.write(report.as_json().decode())
        else:
            self.stdout.write(report.as_text())
        if not report.ok:
            # Each failure on stderr too, one per line, for scripts.
            for finding in report.findings:
                self.stderr.write(f"FAILED {finding}")
            sys.exit(1)

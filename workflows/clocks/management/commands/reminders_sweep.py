"""Run one reminder sweep now, in this process (cron, operators, tests)."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workflows.clocks.sweep import reminders_sweep


class Command(BaseCommand):
    help = "Make due reminders, mark overdue deadlines and send every pending reminder once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Sweep as if today were YYYY-MM-DD (default: today in TIME_ZONE).",
        )

    def handle(self, *args, today=None, **options):
        if today:
            try:
                day = date.fromisoformat(today)
            except ValueError as error:
                raise CommandError(f"--today must be YYYY-MM-DD, not {today!r}") from error
        else:
            day = timezone.localdate()
        report = reminders_sweep(today=day, now=timezone.now(), deliver="inline")
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))

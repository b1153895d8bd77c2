from django.core.management.base import BaseCommand, CommandError

from workflows.record.selectors import subject_key_parse
from workflows.record.verify import record_verify


class Command(BaseCommand):
    help = (
        "Re-walk the full-process record and recompute every hash. Exits 0 when intact, "
        "1 naming the first broken sequence number and the reason, 2 on bad arguments."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--subject",
            metavar="APP_LABEL.MODEL:ID",
            help="Verify only this subject's events, e.g. workflows.unit:3.",
        )

    def handle(self, *args, **options):
        subject = None
        if options["subject"]:
            try:
                subject = subject_key_parse(options["subject"])
            except ValueError as error:
                raise CommandError(str(error), returncode=2) from error
        result = record_verify(subject=subject)
        scope = f" of {subject.label}" if subject else ""
        if not result.ok:
            raise CommandError(
                f"Record broken at seq {result.broken_seq}: {result.reason} ({result.detail}); "
                f"{result.checked} events{scope} verified before it.",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(f"Record intact: {result.checked} events{scope} checked.")
        )

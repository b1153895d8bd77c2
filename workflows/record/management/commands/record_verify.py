from django.core.management.base import BaseCommand, CommandError

from workflows.record.canonical import iso_utc
from workflows.record.selectors import subject_key_parse
from workflows.record.verify import record_verify


class Command(BaseCommand):
    help = (
        "Re-walk the full-process record, recompute every hash and check the chain against "
        "every signed checkpoint. Exits 0 when intact, 1 naming the first broken sequence "
        "number (and checkpoint) and the reason, 2 on bad arguments. Prints the chain head and "
        "the latest checkpoint the chain matched."
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
        if subject is None:
            out = self.stdout if result.ok else self.stderr
            out.write(self._head_line(result))
            out.write(self._checkpoint_line(result))
        if not result.ok:
            checkpoint = (
                f" checkpoint #{result.broken_checkpoint}:" if result.broken_checkpoint else ""
            )
            raise CommandError(
                f"Record broken at seq {result.broken_seq}:{checkpoint} {result.reason} "
                f"({result.detail}); {result.checked} events{scope} verified before it.",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(f"Record intact: {result.checked} events{scope} checked.")
        )

    @staticmethod
    def _head_line(result) -> str:
        if result.head is None:
            return "Chain head: none (no event was ever appended)"
        return f"Chain head: seq {result.head[0]} hash {result.head[1]}"

    @staticmethod
    def _checkpoint_line(result) -> str:
        checkpoint = result.matched_checkpoint
        if checkpoint is None:
            return "Latest checkpoint matched: none"
        return (
            f"Latest checkpoint matched: #{checkpoint.serial} at seq {checkpoint.seq} "
            f"({iso_utc(checkpoint.at)}, hash {checkpoint.head_hash}, "
            f"key {checkpoint.key_fingerprint[:16]})"
        )

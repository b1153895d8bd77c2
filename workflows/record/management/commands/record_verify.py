from django.core.management.base import BaseCommand, CommandError

from workflows.record.canonical import iso_utc
from workflows.record.selectors import subject_key_parse
from workflows.record.verify import record_verify


class Command(BaseCommand):
    help = (
        "Re-walk the full-process record, recompute every hash and check the chain against "
        "every signed checkpoint. Exits 0 when intact, 1 naming the first broken sequence "
        "number (and checkpoint) and the reason, 2 on bad arguments. Prints the chain head and "
        "the latest checkpoint the chain matched. With --expect-head SEQ:HASH (a backup's "
        "manifest), exits 1 also when the chain head is another."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--subject",
            metavar="APP_LABEL.MODEL:ID",
            help="Verify only this subject's events, e.g. workflows.unit:3.",
        )
        parser.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help=(
                "Fail unless the chain head is this event (after a restore: the head in the "
                "backup's manifest; 0: for an empty record)."
            ),
        )

    def handle(self, *args, **options):
        subject = None
        if options["subject"]:
            try:
                subject = subject_key_parse(options["subject"])
            except ValueError as error:
                raise CommandError(str(error), returncode=2) from error
        expected = None
        if options["expect_head"]:
            if subject is not None:
                raise CommandError(
                    "--expect-head checks the whole chain, not a subject.", returncode=2
                )
            expected = self._parse_head(options["expect_head"])
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
        if expected is not None:
            # An empty record is "0:" whatever the head row holds for it.
            actual = (result.head[0], result.head[1]) if result.head and result.head[0] else (0, "")
            if actual != expected:
                raise CommandError(
                    f"Chain head differs from the expected one: expected seq {expected[0]} "
                    f"hash {expected[1] or '-'}, found seq {actual[0]} hash {actual[1] or '-'}. "
                    "The record is intact but not the one expected (an older or newer backup?).",
                    returncode=1,
                )
            self.stdout.write(f"Chain head is the expected one: seq {expected[0]}.")
        self.stdout.write(
            self.style.SUCCESS(f"Record intact: {result.checked} events{scope} checked.")
        )

    @staticmethod
    def _parse_head(text: str) -> tuple[int, str]:
        seq, _, hash_ = text.partition(":")
        try:
            number = int(seq)
        except ValueError:
            number = -1
        if number < 0 or (number and len(hash_) != 64):
            raise CommandError(
                f"--expect-head wants SEQ:HASH (a sequence number and a 64-digit SHA-256), "
                f"not {text!r}.",
                returncode=2,
            )
        return number, hash_.lower()

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

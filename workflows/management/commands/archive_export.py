from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from workflows.archive.registry import archive_adapters
from workflows.archive.services import ArchiveRefusal, archive_export_now
from workflows.record.services import ACTOR_SYSTEM


class Command(BaseCommand):
    help = (
        "Write the archive package (BagIt, RFC 8493; DA/T 46 metadata; SHA-256 and SM3 "
        "manifests; four-property check) of one sealed or final subject into DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(archive_adapters()))
        parser.add_argument("id")
        parser.add_argument("--out", required=True, type=Path, help="New or empty directory.")
        parser.add_argument("--by", help="Username of the archivist (default: the system).")

    def handle(self, *args, **options):
        by = ACTOR_SYSTEM
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No user {options['by']!r}.")
        try:
            export = archive_export_now(
                kind=options["kind"], object_id=options["id"], by=by, directory=options["out"]
            )
        except ArchiveRefusal as refusal:
            raise CommandError(f"Export refused: {refusal}") from None
        self.stdout.write(f"Package written to {export.package_path}")
        self.stdout.write(f"SHA-256 of tagmanifest-sha256.txt: {export.package_sha256}")
        self.stdout.write(f"SM3 of tagmanifest-sha256.txt: {export.package_sm3}")
        if not export.check_passed:
            raise CommandError(
                "The package fails the four-property check; see check-report.txt in it."
            )
        self.stdout.write(self.style.SUCCESS("Four-property check passed."))

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from workflows.backup import BackupError, backup_restore, migrations_unapplied


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into this installation's database and "
        "media folder. Refuses a damaged backup (hashes), and a database with any table or a "
        "media folder with any file unless --force. Afterwards re-walks the record and "
        "requires the chain head of the backup's manifest: exits 1 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace every table of the target database and every file of the media folder.",
        )

    def handle(self, *args, **options):
        try:
            manifest = backup_restore(directory=options["directory"], force=options["force"])
        except BackupError as error:
            raise CommandError(f"Restore refused: {error}") from None
        head = manifest["chain_head"]
        self.stdout.write(
            f"Restored the {manifest['database']['kind']} database and "
            f"{len(manifest['media'])} media files of the backup of {manifest['started_at']}."
        )
        # The restore is only trusted once the record re-verifies and ends where the backup's
        # did: an intact record from an older backup is not the one that was saved.
        call_command(
            "record_verify",
            expect_head=f"{head['seq']}:{head['hash']}",
            stdout=self.stdout,
            stderr=self.stderr,
        )
        unapplied = migrations_unapplied()
        if unapplied:
            self.stdout.write(
                f"{len(unapplied)} migrations of this code are not applied yet (the backup is "
                f"older than the code): run `manage.py migrate`. First: {unapplied[0]}"
            )
        self.stdout.write(self.style.SUCCESS("Restore complete and checked."))

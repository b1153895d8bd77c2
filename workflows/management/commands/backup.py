from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflows.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump -Fc in one snapshot; SQLite: the online "
        "backup API) and every media file into DIR (new or empty), with manifest.json: the "
        "time, the dump and each media file with its SHA-256, the record's chain head and "
        "latest checkpoint, the applied migrations. The record signing key is not included: "
        "keep it apart from the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR")

    def handle(self, *args, **options):
        try:
            manifest = backup_create(directory=options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        head = manifest["chain_head"]
        checkpoint = manifest["latest_checkpoint"]
        self.stdout.write(f"Backup written to {options['directory']}")
        self.stdout.write(
            f"Database ({manifest['database']['kind']}): {manifest['database']['file']}, "
            f"SHA-256 {manifest['database']['sha256']}"
        )
        self.stdout.write(f"Media files: {len(manifest['media'])}")
        self.stdout.write(f"Chain head: seq {head['seq']} hash {head['hash'] or '-'}")
        if checkpoint:
            self.stdout.write(
                f"Latest checkpoint: #{checkpoint['serial']} at seq {checkpoint['seq']}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"After a restore, check it with: manage.py record_verify --expect-head "
                f"{head['seq']}:{head['hash']}"
            )
        )

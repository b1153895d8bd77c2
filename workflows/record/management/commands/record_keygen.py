from django.core.management.base import BaseCommand

from workflows.record import signing


class Command(BaseCommand):
    help = (
        "Print a new Ed25519 key for signing the record's checkpoints: the private key for "
        "FAZHI_RECORD_SIGNING_KEY (keep it out of the database and its backups) and the public "
        "key and fingerprint to publish, against which checkpoints are checked."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--pem", action="store_true", help="Write the private key as PEM instead of base64."
        )

    def handle(self, *args, **options):
        key = signing.private_key_new()
        public = signing.public_key_text(key)
        private = signing.private_key_pem(key) if options["pem"] else signing.private_key_text(key)
        self.stdout.write(f"FAZHI_RECORD_SIGNING_KEY={private}")
        self.stdout.write(f"public key: {public}")
        self.stdout.write(f"fingerprint: {signing.fingerprint(public)}")

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workflows.demo import ACCOUNTS, demo_steps


class Command(BaseCommand):
    help = "Load the demo county (idempotent: running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="Do not list accounts.")

    def handle(self, *args, **options):
        password = getattr(settings, "FAZHI_DEMO_PASSWORD", None)
        if not password:
            raise CommandError(
                "These settings define no FAZHI_DEMO_PASSWORD: demo accounts are refused here "
                "(production settings never create them)."
            )
        with transaction.atomic():
            for step in demo_steps():
                step(password=password)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if not options["quiet_accounts"]:
            self.stdout.write(f"Demo accounts (password: {password}):")
            for account in ACCOUNTS:
                roles = ", ".join(account.roles)
                self.stdout.write(
                    f"  {account.username:<18} {account.full_name} · {account.unit} · {roles}"
                )

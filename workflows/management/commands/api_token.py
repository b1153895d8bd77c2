"""Issue or revoke a member of staff's API token.

    python manage.py api_token USERNAME            # prints the token (the existing one, or new)
    python manage.py api_token USERNAME --revoke   # deletes it: the token stops working at once

Tokens can also be issued and deleted in the admin (Auth Token → Tokens).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from workflows.api.permissions import is_staff_member


class Command(BaseCommand):
    help = "Print USERNAME's API token, creating it when missing; --revoke deletes it."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--revoke", action="store_true", help="Delete the token instead of printing it."
        )

    def handle(self, *args, username: str, revoke: bool, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        if revoke:
            deleted, _ = Token.objects.filter(user=user).delete()
            self.stdout.write(
                f"Revoked the API token of {username}."
                if deleted
                else f"{username} had no API token."
            )
            return
        if not is_staff_member(user):
            raise CommandError(f"{username} is not an active member of staff (no unit).")
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from workflows.archive.holds import legal_hold_place, legal_hold_release
from workflows.archive.models import LegalHold
from workflows.archive.services import ArchiveRefusal
from workflows.record.access import subject_load
from workflows.record.selectors import subject_key_parse


class Command(BaseCommand):
    help = (
        "Place or release a legal hold on a subject (APP.MODEL:ID): while it holds, nothing "
        "about the subject is disposed of. Recorded in the full-process record."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["place", "release"])
        parser.add_argument("subject", help="APP_LABEL.MODEL:ID, e.g. decisions.decision:3")
        parser.add_argument("--by", required=True, help="username of the archivist acting")
        parser.add_argument("--reason", required=True)

    def handle(self, *args, action, subject, by, reason, **options):
        try:
            key = subject_key_parse(subject)
        except ValueError as error:
            raise CommandError(str(error)) from error
        obj = subject_load(key)
        if obj is None:
            raise CommandError(f"No such subject: {subject}")
        try:
            user = get_user_model().objects.get(username=by)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No such user: {by}") from error
        try:
            if action == "place":
                hold = legal_hold_place(subject=obj, by=user, reason=reason)
            else:
                hold = LegalHold.objects.filter(
                    content_type=key.content_type, object_id=key.object_id, released_at=None
                ).first()
                if hold is None:
                    raise CommandError(f"{subject} is not on legal hold")
                hold = legal_hold_release(hold=hold, by=user, reason=reason)
        except (ArchiveRefusal, PermissionDenied) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{action}d: hold {hold.pk} on {subject}")

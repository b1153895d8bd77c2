from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordConfig(AppConfig):
    name = "workflows.record"
    label = "record"
    verbose_name = _("Full-process record")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401  (registers the signing key check)
        from .chain import _forget_committed_head

        # A database emptied or migrated under a connection: the head it remembers is gone.
        post_migrate.connect(_forget_committed_head, sender=self)

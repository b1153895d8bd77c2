from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClocksConfig(AppConfig):
    name = "workflows.clocks"
    label = "clocks"
    verbose_name = _("Deadlines and reminders")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import report, signals  # noqa: F401  (report section; calendar cache invalidation)

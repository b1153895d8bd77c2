from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Shared machinery")
    default_auto_field = "django.db.models.BigAutoField"

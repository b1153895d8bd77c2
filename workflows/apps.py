from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Shared machinery")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from .permissions import forget_group_names_on_change

        m2m_changed.connect(
            forget_group_names_on_change,
            sender=get_user_model().groups.through,
            dispatch_uid="workflows.forget_group_names",
        )

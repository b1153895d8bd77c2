from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    """Major administrative decisions (《重大行政决策程序暂行条例》, State Council Decree 713)."""

    name = "decisions"
    verbose_name = _("Major administrative decisions")
    default_auto_field = "django.db.models.BigAutoField"

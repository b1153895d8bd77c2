from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "workflows.consultations"
    label = "consultations"
    verbose_name = _("Public consultations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        from workflows.clocks.rules import CALENDAR, DeadlineRule, register_rule

        from . import public_cache, rules  # noqa: F401 (public_cache connects its receivers)

        # The minimum comment period is a clock so that it carries its legal source and a
        # jurisdiction can override it in the admin; FAZHI_CONSULTATION_MIN_DAYS sets the default.
        register_rule(
            DeadlineRule(
                key=rules.RULE_KEY,
                unit=CALENDAR,
                amount=int(
                    getattr(settings, "FAZHI_CONSULTATION_MIN_DAYS", rules.DEFAULT_MINIMUM_DAYS)
                ),
                legal_source=rules.LEGAL_SOURCE_PERIOD,
                description=_("Public comment period"),
            )
        )

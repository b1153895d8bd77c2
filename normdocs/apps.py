from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NormdocsConfig(AppConfig):
    """Administrative normative documents (国办发〔2018〕37号, 115号)."""

    name = "normdocs"
    verbose_name = _("Normative documents")
    default_auto_field = "django.db.models.BigAutoField"

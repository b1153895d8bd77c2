from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NormdocsConfig(AppConfig):
    """Administrative normative documents (国办发〔2018〕37号, 115号)."""

    name = "normdocs"
    verbose_name = _("Normative documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from workflows.record.access import register_subject_access

        from . import clockrules
        from .models import CleanupCampaign, NormativeDocument
        from .permissions import may_see_document

        clockrules.register()
        register_subject_access(
            NormativeDocument, lambda user, document: may_see_document(user=user, document=document)
        )
        # Cleanup campaigns and their result lists are published: every member of staff reads them.
        register_subject_access(CleanupCampaign, lambda user, campaign: user.is_authenticated)

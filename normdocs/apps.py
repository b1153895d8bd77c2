from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NormdocsConfig(AppConfig):
    """Administrative normative documents (国办发〔2018〕37号, 115号)."""

    name = "normdocs"
    verbose_name = _("Normative documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from workflows.clocks.signals import deadline_computed
        from workflows.inbox import register_inbox_source
        from workflows.record.access import register_subject_access

        from . import archive, clockrules, report  # noqa: F401 (archive adapter, report section)
        from .inbox import normdoc_inbox_items
        from .models import CleanupCampaign, NormativeDocument
        from .permissions import may_see_document
        from .services.deadlines import copy_computed_due

        clockrules.register()
        # The record names the opinion's checklist and the review's method (issue 18).
        from workflows.record.labels import register_code_labels

        from .rules.drafting import CONTENT_LIMITS, REVIEW_METHODS_REFUSED

        register_code_labels(
            {**CONTENT_LIMITS, **REVIEW_METHODS_REFUSED, "written_review": _("Written review")}
        )
        # A clock that awaited its holiday notice fills in the dates the pages show.
        deadline_computed.connect(copy_computed_due, dispatch_uid="normdocs_copy_computed_due")
        # Lifecycle, filing and cleanup steps are not viewflow tasks: list them in the inbox.
        register_inbox_source("normdocs", normdoc_inbox_items)
        register_subject_access(
            NormativeDocument, lambda user, document: may_see_document(user=user, document=document)
        )
        # Cleanup campaigns and their result lists are published: every member of staff reads them.
        register_subject_access(CleanupCampaign, lambda user, campaign: user.is_authenticated)

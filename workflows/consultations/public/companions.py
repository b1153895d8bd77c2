"""What the subject's app publishes beside the text put out for comment (决策草案说明, …):
each app registers its texts (第十四条), the consultation's page shows them."""

from ..models import Consultation

_COMPANIONS: dict = {}


def companion_texts_register(*, model_label: str, texts) -> None:
    """``texts(subject_id) -> [(title, text), …]``: published beside the text put out for
    comment (e.g. the drafting explanation of a major decision, 第十四条). Shown escaped."""
    _COMPANIONS[model_label.lower()] = texts


def _companion_texts(consultation: Consultation) -> list:
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_id(consultation.subject_type_id)
    texts = _COMPANIONS.get(f"{ct.app_label}.{ct.model}")
    return [(title, text) for title, text in texts(consultation.subject_id)] if texts else []

"""Reads for consultations."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils import timezone

from .models import Comment, Consultation


def consultations_for_subject(*, subject: Model) -> QuerySet[Consultation]:
    return Consultation.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    )


def consultation_latest(*, subject: Model) -> Consultation | None:
    return consultations_for_subject(subject=subject).order_by("-opens_at", "-pk").first()


def consultations_open_now(*, at=None) -> QuerySet[Consultation]:
    """What the public portal lists: open and within the period."""
    at = at or timezone.now()
    return Consultation.objects.filter(
        status=Consultation.Status.OPEN, opens_at__lte=at, closes_at__gt=at
    )


def comments_public(*, consultation: Consultation) -> QuerySet[Comment]:
    """Comments as the public may see them: hidden ones out, and never the contact field."""
    return consultation.comments.filter(hidden=False).only(
        "pk", "name", "show_name", "text", "paragraph_ref", "submitted_at", "consultation_id"
    )


def comments_without_disposition(*, consultation: Consultation) -> QuerySet[Comment]:
    return consultation.comments.filter(disposition__isnull=True)

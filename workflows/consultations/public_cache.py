"""The public portal's cached copies of a consultation's pages follow every write to what they
show, whoever makes it (portal, staff screens, API, the engine's timer in a worker).

Connected from the app's ``ready()``, so that every process that writes (web, Celery) bumps.
Writes that send no signal (``QuerySet.update``) call ``forget`` themselves.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from workflows.public import caching

from .models import Comment, Consultation, ConsultationAttachment, Disposition

SCOPE = "consultation"


def forget(consultation_id) -> None:
    """Invalidate the cached pages and fragments of a consultation once the current
    transaction commits: bumping earlier would let a reader cache the old state again."""
    transaction.on_commit(lambda: caching.bump(SCOPE, consultation_id))


@receiver(post_save, sender=Consultation, dispatch_uid="consultations.public_cache.consultation")
@receiver(post_delete, sender=Consultation, dispatch_uid="consultations.public_cache.c_del")
def _consultation_changed(sender, instance, **kwargs):
    forget(instance.pk)


@receiver(post_save, sender=Comment, dispatch_uid="consultations.public_cache.comment")
@receiver(post_delete, sender=Comment, dispatch_uid="consultations.public_cache.comment_del")
@receiver(post_save, sender=ConsultationAttachment, dispatch_uid="consultations.public_cache.att")
@receiver(
    post_delete, sender=ConsultationAttachment, dispatch_uid="consultations.public_cache.att_del"
)
def _part_changed(sender, instance, **kwargs):
    forget(instance.consultation_id)


@receiver(post_save, sender=Disposition, dispatch_uid="consultations.public_cache.disposition")
def _disposition_changed(sender, instance, **kwargs):
    forget(instance.comment.consultation_id)

"""Reads of the full-process record."""

from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import Checkpoint, Event


class SubjectKey(NamedTuple):
    """What an event is about, without needing the object itself (it may have been deleted)."""

    content_type: ContentType
    object_id: str

    @property
    def label(self) -> str:
        """``app_label.model:object_id``, the form the command line and URLs use."""
        return f"{self.content_type.app_label}.{self.content_type.model}:{self.object_id}"


def subject_key(subject: "models.Model | SubjectKey") -> SubjectKey:
    """The key of a saved model instance (proxy models count as their concrete model)."""
    if isinstance(subject, SubjectKey):
        return subject
    if not isinstance(subject, models.Model):
        raise TypeError(f"a record subject is a model instance, not {type(subject).__name__}")
    if subject.pk is None:
        raise ValueError("a record subject must be saved before events can name it")
    return SubjectKey(ContentType.objects.get_for_model(subject), str(subject.pk))


def subject_key_parse(text: str) -> SubjectKey:
    """Parse ``app_label.model:object_id``, e.g. ``workflows.unit:3``.

    Raises ``ValueError`` for malformed text or an unknown model.
    """
    type_part, sep, object_id = text.partition(":")
    if not sep or not object_id:
        raise ValueError(f"{text!r} is not APP_LABEL.MODEL:ID")
    return SubjectKey(content_type_by_label(type_part), object_id)


def content_type_by_label(label: str) -> ContentType:
    """The content type for ``app_label.model`` (case-insensitive model name)."""
    app_label, dot, model = label.partition(".")
    if not dot or not app_label or not model:
        raise ValueError(f"{label!r} is not APP_LABEL.MODEL")
    try:
        return ContentType.objects.get_by_natural_key(app_label, model.lower())
    except ContentType.DoesNotExist as error:
        raise ValueError(f"no model {label!r}") from error


def events_for(subject: "models.Model | SubjectKey") -> QuerySet[Event]:
    """Every event about ``subject``, oldest first."""
    key = subject_key(subject)
    return (
        Event.objects.filter(content_type=key.content_type, object_id=key.object_id)
        .select_related("content_type")
        .order_by("seq")
    )


def checkpoints_covering(seqs: "list[int]") -> list[Checkpoint]:
    """For each of ``seqs``, the first checkpoint that signs that event or a later one (the
    chain links every event to the checkpoints after it); each once, oldest first. Stops at
    the first checkpoint that covers the highest number."""
    if not seqs:
        return []
    wanted = sorted(set(seqs))
    result: list[Checkpoint] = []
    later = Checkpoint.objects.filter(seq__gte=wanted[0]).order_by("serial")
    for checkpoint in later.iterator(chunk_size=500):
        if checkpoint.seq >= wanted[0]:
            result.append(checkpoint)
            wanted = [seq for seq in wanted if seq > checkpoint.seq]
        if not wanted:
            break
    return result

"""Who may read the record of which subject.

Archivists read every record and change none (design.md); administrators and superusers read
everything too. Anyone else sees a subject's record only when the app that owns the subject
says they may see the subject itself, through a predicate it registers here, typically in its
``AppConfig.ready()``::

    register_subject_access(
        Decision, lambda user, decision: decision_is_visible(user=user, decision=decision)
    )

A model nobody registered is readable by archivists and superusers only.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models

from workflows.permissions import has_role

from .selectors import SubjectKey

SubjectPredicate = Callable[[object, models.Model], bool]

_predicates: dict[str, SubjectPredicate] = {}


def _model_key(model: type[models.Model]) -> str:
    if not (isinstance(model, type) and issubclass(model, models.Model)):
        raise TypeError(f"register a model class, not {model!r}")
    return model._meta.concrete_model._meta.label_lower


def register_subject_access(model: type[models.Model], predicate: SubjectPredicate) -> None:
    """Let ``predicate(user, subject) -> bool`` decide who else may read ``model``'s records.

    Registering the same model again replaces the earlier predicate.
    """
    if not callable(predicate):
        raise TypeError("the predicate must be callable as predicate(user, subject)")
    _predicates[_model_key(model)] = predicate


def unregister_subject_access(model: type[models.Model]) -> None:
    _predicates.pop(_model_key(model), None)


def is_record_reader(user) -> bool:
    """Reads every subject's record: archivists, administrators and superusers."""
    if not (user.is_authenticated and user.is_active):
        return False
    return (
        user.is_superuser
        or has_role(user=user, role="archivist")
        or has_role(user=user, role="administrator")
    )


def subject_load(key: SubjectKey) -> models.Model | None:
    """The subject itself, or None when its model or row no longer exists."""
    model = key.content_type.model_class()
    if model is None:
        return None
    try:
        return model._default_manager.filter(pk=key.object_id).first()
    except (ValueError, TypeError, ValidationError):  # an id that cannot be this model's key
        return None


def can_view_subject_record(*, user, key: SubjectKey, subject: models.Model | None = None) -> bool:
    """May ``user`` read the record of the subject named by ``key``?

    ``subject`` may be passed when already loaded, to save a query.
    """
    if not (user.is_authenticated and user.is_active):
        return False
    if is_record_reader(user):
        return True
    model = key.content_type.model_class()
    if model is None:
        return False
    predicate = _predicates.get(model._meta.concrete_model._meta.label_lower)
    if predicate is None:
        return False
    if subject is None:
        subject = subject_load(key)
    # A deleted subject's record stays readable to archivists only.
    return subject is not None and bool(predicate(user, subject))

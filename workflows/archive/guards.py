"""Nothing deletes a sealed record (《重大行政决策程序暂行条例》第三十三条 asks that the record be
kept and archived completely; GB/T 18894-2016 that an archived record stay unchanged).

A ``pre_delete`` receiver refuses deleting any instance its app declared final. Django sends
``pre_delete`` for every object of a queryset delete and of a cascade once a receiver exists,
so ``obj.delete()``, ``Model.objects.filter(...).delete()``, the admin and cascades from a
parent are all refused.
"""

from collections.abc import Callable

from django.db import models
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class SealedRecordError(Exception):
    """Raised on any attempt to delete a sealed or final record."""


_final: dict[str, Callable[[models.Model], bool]] = {}


def _label(model) -> str:
    return model._meta.concrete_model._meta.label_lower


def guard_final_subjects(model: type[models.Model], is_final: Callable[[models.Model], bool]):
    """Refuse to delete an instance of ``model`` for which ``is_final(instance)`` holds."""
    _final[_label(model)] = is_final
    pre_delete.connect(
        _refuse_final_delete, sender=model, dispatch_uid=f"archive-guard-{_label(model)}"
    )


def is_final_subject(instance: models.Model) -> bool:
    predicate = _final.get(_label(type(instance)))
    return bool(predicate and predicate(instance))


def _refuse_final_delete(sender, instance, **kwargs):
    if is_final_subject(instance):
        raise SealedRecordError(
            _("%(subject)s is sealed or final: the system never deletes it.")
            % {"subject": instance}
        )

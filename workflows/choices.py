"""A field's choice label without rebuilding its choices at every call.

Django's ``get_FOO_display`` builds the field's value → label dict again at each call, and
hashing each lazy label translates it: about 30 µs for a decision's stage, paid twice on each
row of a list (issue 22: a staff list of fifty decisions spent a tenth of its time there). A
model whose choices are fixed (``TextChoices``) names its hot fields with ``choice_display``;
the labels are read once per field and language.
"""

from __future__ import annotations

from functools import cache

from django.core.signals import setting_changed
from django.db.models import Field
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@cache
def _labels(field: Field, language: str | None) -> dict:
    """``field``'s value → label, each label in ``language`` (the active one when called)."""
    return {
        make_hashable(value): force_str(label, strings_only=True)
        for value, label in field.flatchoices
    }


def choice_label(field: Field, value):
    """What ``get_FOO_display`` answers for ``value``: its label in the active language, or the
    value itself when it is not one of the choices."""
    return _labels(field, get_language()).get(make_hashable(value), value)


def choice_display(name: str):
    """A ``get_<name>_display`` method for a model body, reading ``choice_label``. Django keeps
    a method the class defines itself (``Field.contribute_to_class``). Only for fields whose
    choices never change while the process runs."""

    def display(self):
        field = self._meta.get_field(name)
        return choice_label(field, getattr(self, field.attname))

    display.__name__ = f"get_{name}_display"
    return display


def _forget(*, setting: str, **_kwargs) -> None:
    # Tests that change the language settings or the catalogues' paths read the labels afresh.
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _labels.cache_clear()


setting_changed.connect(_forget)

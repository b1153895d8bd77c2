"""An event's payload as the timeline shows it: named fields, ids shown by name and linked,
coded values by their labels, moments in local time (issue 22: a page's names looked up at
once, its fields built without a template per field)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext

from .codes import FIELD_LABELS, value_label

_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")

# Payload keys holding the id of a unit, of a person (a user), or of another record subject:
# shown by name, linked where the object has a page.
_UNIT_KEYS = {"lead_unit", "government", "office", "receiving_unit", "unit", "review_office"}
_PERSON_KEYS = {
    "principal",
    "speaker",
    "reviewer",
    "present",
    "absent",
    "attendees",
    "responsible_people",
}
# key -> (app label, model name, URL name of its page or None)
_OBJECT_KEYS = {
    "decision": ("decisions", "Decision", "decisions:register:detail"),
    "session": ("decisions", "Session", "decisions:sessions:detail"),
    "catalogue_item": ("decisions", "CatalogueItem", None),
    "expert": ("decisions", "ExpertProfile", None),
    "document": ("normdocs", "NormativeDocument", "normdocs:register:detail"),
    "documents": ("normdocs", "NormativeDocument", "normdocs:register:detail"),
    "drafting_bodies": ("normdocs", "DraftingBody", None),
}
# Every key whose integer values are ids shown by name, read by ``_render`` and by
# ``payloads_prefetch`` alike: key -> (app label, model name, URL name or None).
_NAMED_KEYS = {
    **_OBJECT_KEYS,
    **{key: ("auth", "User", None) for key in _PERSON_KEYS},
    **{key: ("workflows", "Unit", None) for key in _UNIT_KEYS},
}


@dataclass
class Field:
    """One named field of a payload: its label and either a value or nested fields."""

    key: str
    label: str
    value: str = ""
    children: list[Field] | None = None


class Resolver:
    """Names for ids, each looked up once per page; ``payloads_prefetch`` looks up a whole
    page's at once, one query per model."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, int], str] = {}

    def name(self, app_label: str, model_name: str, pk: int, url_name: str | None = None) -> str:
        key = (app_label, model_name, pk)
        if key not in self._cache:
            self._cache[key] = self._lookup(app_label, model_name, pk, url_name)
        return self._cache[key]

    def prefetch(self, wanted: dict[tuple[str, str, int], str | None]) -> None:
        """Look up the names of ``wanted`` ((app label, model, pk) -> the URL name to link
        to) not known yet: one query per model instead of one per id (issue 22: a decision's
        record named five people, five queries)."""
        from django.apps import apps

        by_model: dict[tuple[str, str], dict[int, str | None]] = {}
        for (app_label, model_name, pk), url_name in wanted.items():
            if (app_label, model_name, pk) not in self._cache:
                by_model.setdefault((app_label, model_name), {})[pk] = url_name
        for (app_label, model_name), pks in by_model.items():
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:
                continue  # ``name`` answers the bare id
            found = model._default_manager.in_bulk(list(pks))
            for pk, url_name in pks.items():
                self._cache[(app_label, model_name, pk)] = self._text(
                    model_name, pk, found.get(pk), url_name
                )

    @classmethod
    def _lookup(cls, app_label, model_name, pk, url_name) -> str:
        from django.apps import apps

        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            return str(pk)
        return cls._text(model_name, pk, model._default_manager.filter(pk=pk).first(), url_name)

    @staticmethod
    def _text(model_name, pk, obj, url_name) -> str:
        from django.urls import NoReverseMatch, reverse

        if obj is None:
            return str(pk)
        if model_name == "User":
            text = obj.get_full_name() or obj.get_username()
        else:
            text = str(obj)
        if url_name:
            try:
                return format_html('<a href="{}">{}</a>', reverse(url_name, args=[pk]), text)
            except NoReverseMatch:
                pass
        return conditional_escape(text)


def _render(key: str, value, resolver: Resolver) -> str:
    """One value as safe HTML text."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return "、".join(_render(key, item, resolver) for item in value)
    if isinstance(value, int):
        if key in _NAMED_KEYS:
            app_label, model_name, url_name = _NAMED_KEYS[key]
            return resolver.name(app_label, model_name, value, url_name)
        return str(value)
    if isinstance(value, str):
        if key == "rule":
            return conditional_escape(_rule_label(value))
        if _ISO_MOMENT.match(value):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return conditional_escape(value)
            return localtime(moment).strftime("%Y-%m-%d %H:%M")
        label = value_label(key, value)
        # A stage once stored by its English name is read in the reader's language.
        return conditional_escape(label if label is not None else gettext(value))
    return conditional_escape(str(value))


def _rule_label(key: str) -> str:
    from workflows.clocks.rules import UnknownRule, rule_default

    try:
        description = rule_default(key).description
    except UnknownRule:
        return key
    return str(description) if description else key


def _key_label(parent: str, key: str) -> str:
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    # Keys that are codes themselves: a risk dimension, a checklist item.
    return value_label(parent, key) or value_label(key, key) or key


def payloads_prefetch(payloads, resolver: Resolver) -> None:
    """Look up at once every name the ``payloads`` will ask ``resolver`` for."""
    wanted: dict[tuple[str, str, int], str | None] = {}
    for payload in payloads:
        _names_wanted("", payload, wanted)
    resolver.prefetch(wanted)


def _names_wanted(key: str, value, wanted: dict) -> None:
    """Note the names ``payload_fields`` will ask for ``value`` under ``key``: the ids
    ``_render`` names, in the fields of a dict and the items of a list (a dict in a list is
    shown as text), without building the fields twice (issue 22)."""
    if isinstance(value, dict):
        for child_key, child in value.items():
            _names_wanted(child_key, child, wanted)
    elif isinstance(value, list):
        for item in value:
            if not isinstance(item, dict):
                _names_wanted(key, item, wanted)
    elif isinstance(value, int) and not isinstance(value, bool) and key in _NAMED_KEYS:
        app_label, model_name, url_name = _NAMED_KEYS[key]
        wanted.setdefault((app_label, model_name, value), url_name)


def payload_fields(payload, resolver: Resolver | None = None, parent: str = "") -> list[Field]:
    """The payload of an event as named fields, nested dicts as nested fields."""
    resolver = resolver or Resolver()
    if not isinstance(payload, dict):
        return [Field(key="", label=gettext("Details"), value=_render(parent, payload, resolver))]
    fields = []
    # The day of the act first; the rest as recorded.
    for key, value in sorted(payload.items(), key=lambda item: item[0] != "on"):
        label = _key_label(parent, key)
        if isinstance(value, dict):
            fields.append(
                Field(key=key, label=label, children=payload_fields(value, resolver, key))
            )
        else:
            fields.append(
                Field(key=key, label=label, value=mark_safe(_render(key, value, resolver)))
            )
    return fields


def fields_html(fields: list[Field]) -> str:
    """``fields`` as the timeline shows them: a definition list, nested fields as nested lists,
    a dash when there are none. Built here rather than by a template including itself for
    every nested field: one include per event cost more than the rest of its row (issue 22)."""
    if not fields:
        return mark_safe("—\n")
    items = "".join(
        format_html(
            '\n  <dt data-key="{}">{}</dt>\n  <dd>{}</dd>',
            field.key,
            field.label,
            fields_html(field.children) if field.children is not None else field.value,
        )
        for field in fields
    )
    return mark_safe(f'<dl class="fz-record-fields">{items}\n</dl>\n')

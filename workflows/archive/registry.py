"""What an app tells the archive about its subjects: how to find one, whether it is final
(sealed), and what goes into its package.

An app registers one adapter per kind of subject, usually from a module its ``AppConfig.ready()``
imports::

    register_archive_adapter(ArchiveAdapter(kind="report", model=Report, ...))

Registering also forbids deleting a final subject: the archive's copy is evidence only while
the original record still exists (see ``guards``).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class ContentFile:
    """One file of the package's content, as bytes, with the hash captured when it entered the
    system (if any): the writer refuses a file that no longer matches it."""

    name: str  # under data/content/, e.g. "attachments/material-3.pdf"
    title: str
    data: bytes
    captured_sha256: str = ""

    @classmethod
    def stored(cls, *, name: str, attachment) -> "ContentFile":
        """An uploaded file (anything with ``file``, ``original_name`` and ``sha256``), read
        from storage with the hash taken when it was uploaded."""
        with attachment.file.open("rb") as handle:
            data = handle.read()
        return cls(
            name=name, title=attachment.original_name, data=data, captured_sha256=attachment.sha256
        )


@dataclass(frozen=True)
class SubjectDescription:
    """The DA/T 46 core of one subject, in its own words (retention comes from the settings)."""

    title: str
    document_number: str
    responsible_party: str
    date: dt.date
    classification_level: str = "公开"
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ArchiveAdapter:
    kind: str  # the command-line name: "decision"
    model: type[models.Model]
    label: object  # human name (lazy translation) for the UI
    # None when ``subject`` may be archived; otherwise why not (shown to the user as is).
    refusal: Callable[[models.Model], str | None]
    # True when deleting ``subject`` must be refused: it is sealed or in a final state.
    is_final: Callable[[models.Model], bool]
    describe: Callable[[models.Model], SubjectDescription]
    content: Callable[[models.Model], Iterable[ContentFile]]
    # The subjects staff may export (the archivist's list).
    exportable: Callable[[], models.QuerySet]

    @property
    def record_class(self) -> str:
        return self.model._meta.label_lower


_adapters: dict[str, ArchiveAdapter] = {}


def register_archive_adapter(adapter: ArchiveAdapter) -> ArchiveAdapter:
    """Register ``adapter`` (again: replaces it) and guard its final subjects from deletion."""
    from .guards import guard_final_subjects

    _adapters[adapter.kind] = adapter
    guard_final_subjects(adapter.model, adapter.is_final)
    return adapter


def archive_adapters() -> dict[str, ArchiveAdapter]:
    return dict(_adapters)


def archive_adapter(kind: str) -> ArchiveAdapter:
    try:
        return _adapters[kind]
    except KeyError:
        known = ", ".join(sorted(_adapters)) or "none"
        raise LookupError(f"no archive adapter {kind!r}; known: {known}") from None


def archive_adapter_for_model(model: type[models.Model]) -> ArchiveAdapter | None:
    label = model._meta.concrete_model._meta.label_lower
    return next((a for a in _adapters.values() if a.record_class == label), None)

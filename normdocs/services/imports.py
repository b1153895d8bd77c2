"""Documents issued before this system: entered into the register from their published text.

One document at a time (``normdoc_import_published``), or a county's legacy register whole
(``normdoc_register_import``, its file read by ``register_file``).
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from workflows.permissions import has_role_in_unit
from workflows.transactions import service_atomic

from .. import rules
from ..conf import setting
from ..models import DocumentVersion, DraftingBody, NormativeDocument, Status
from ..rules import RuleRefusal
from ..rules.register import register_dates_refusal
from ._common import record, refuse, today
from .numbering import number_reserve_imported
from .register_file import (
    REGISTER_COLUMNS,
    REGISTER_EXTENSIONS,
    REGISTER_REQUIRED,
    REGISTER_STATUSES,
    _register_date,
    _register_number,
    register_import_max_bytes,
    register_rows_read,
)
from .versions import version_payload, version_write

# Read by the admin and the ``normdocs_import`` command from here, where they always were.
__all__ = [
    "REGISTER_COLUMNS",
    "REGISTER_EXTENSIONS",
    "REGISTER_REQUIRED",
    "RegisterImportReport",
    "RegisterRefusal",
    "normdoc_import_published",
    "normdoc_register_import",
    "register_import_max_bytes",
    "register_rows_read",
]


@transaction.atomic
def normdoc_import_published(
    *,
    by,
    drafting_body: DraftingBody,
    title: str,
    number: str,
    published_on: date,
    index_number: str = "",
    effective_on: date | None = None,
    text: str = "",
    legal_basis: str = "",
    cited_laws: str = "",
    valid_until: date | None = None,
    status: str | None = None,
) -> NormativeDocument:
    """Enter a document published before this system, as it was issued.

    The number is read in any of the usual spellings ([2022], (2022), bracket-less) and stored
    in the canonical GB/T 9704-2012 form; the issuer's register moves past it so the number is
    never given again. Its validity is counted from publication like any other (令第218号),
    unless the register gives its end (``valid_until``); a register's status for a document
    that has ended (``status``, e.g. repealed) is kept as it was issued and ended.

    Its text, when one is given, is kept as version 1, the 印发稿 (as issued), through
    ``versions.version_write`` like every other text. A document entered without its text
    (a legacy register row gives none) has no version: there is no text to keep.
    """
    _require_importer(by, drafting_body)
    parsed, canonical = _import_number(number, drafting_body)
    index = rules.parse_index_number(index_number).text if index_number else None
    register = number_reserve_imported(
        issuer_code=parsed.issuer_code,
        doc_type=parsed.doc_type,
        year=parsed.year,
        serial=parsed.serial,
    )
    effective_on = effective_on or rules.effective_date(
        published_on=published_on, after_days=setting("EFFECTIVE_AFTER_DAYS"), immediate=False
    )
    valid_until = valid_until or _validity_end(published_on=published_on, title=title)
    if status is None:
        status = Status.IN_FORCE if effective_on <= today() else Status.PUBLISHED
    document = NormativeDocument.objects.create(
        title=title,
        drafting_body=drafting_body,
        issuer_code=parsed.issuer_code,
        doc_type=parsed.doc_type,
        status=status,
        legal_basis=legal_basis,
        cited_laws=cited_laws,
        created_by=by,
        register=register,
        serial=parsed.serial,
        number=canonical,
        registered_at=timezone.now(),
        index_number=index,
        published_on=published_on,
        effective_on=effective_on,
        valid_until=valid_until,
    )
    version = (
        version_write(document=document, kind=DocumentVersion.Kind.AS_ISSUED, by=by, text=text)
        if text.strip()
        else None
    )
    record(
        actor=by,
        action="imported",
        subject=document,
        payload={
            "number_as_given": number,
            "number": canonical,
            "index_number": index,
            "published_on": published_on,
            "effective_on": effective_on,
            "valid_until": valid_until,
            "status": document.status,
            "version": version_payload(version),
        },
    )
    return document


def _require_importer(by, drafting_body: DraftingBody) -> None:
    if not (
        has_role_in_unit(user=by, role="publisher", unit=drafting_body.unit)
        or has_role_in_unit(user=by, role="administrator", unit=drafting_body.unit)
    ):
        raise RuleRefusal(
            _("Only the issuing body's publisher or an administrator imports its documents."),
            code="not_publisher",
        )


def _import_number(number: str, drafting_body: DraftingBody) -> tuple[rules.DocumentNumber, str]:
    """The number read in any of its usual spellings, and its canonical form: refused when it
    is not the body's or is in the register already."""
    parsed = rules.parse_document_number(number)
    if parsed.issuer_code not in drafting_body.issuer_codes:
        raise RuleRefusal(
            _("%(code)s is not an issuer code of %(body)s."),
            code="not_an_issuer_code",
            params={"code": parsed.issuer_code, "body": drafting_body},
        )
    canonical = str(parsed)
    if NormativeDocument.objects.filter(number=canonical).exists():
        raise RuleRefusal(
            _("%(number)s is already in the register."),
            code="number_taken",
            params={"number": canonical},
        )
    return parsed, canonical


def _validity_end(*, published_on: date, title: str) -> date:
    """The end of a document's validity counted from its publication (令第218号)."""
    return rules.validity_end(
        published_on=published_on,
        title=title,
        years=setting("VALIDITY_YEARS"),
        provisional_years=setting("PROVISIONAL_VALIDITY_YEARS"),
    )


# --- a legacy register, imported from a spreadsheet (issue 17) -------------------------------


@dataclass
class RegisterRefusal:
    row: int  # the spreadsheet's row number (the header is row 1)
    number: str
    reason: str


@dataclass
class RegisterImportReport:
    dry_run: bool = False
    imported: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[RegisterRefusal] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.imported) + len(self.unchanged) + len(self.refused)


def _register_row_import(*, by, values: dict[str, str]) -> tuple[str, bool]:
    """One row, checked whole and entered through ``normdoc_import_published``: the canonical
    number and whether it was new (False: the same body's document is in the register already,
    so a second import of the same file changes nothing)."""
    title = values.get("title", "")
    if not title:
        raise RuleRefusal(_("The title is empty."), code="register_title_empty")
    body = _register_body(values.get("drafting_body", ""))
    number = _register_number(values.get("number", ""))
    canonical = str(rules.parse_document_number(number))
    existing = NormativeDocument.objects.filter(number=canonical).first()
    if existing is not None and existing.drafting_body_id == body.pk:
        return canonical, False
    published_on = _register_date(values.get("published_on", ""), column="发布日期", required=True)
    effective_on = _register_date(values.get("effective_on", ""), column="施行日期")
    valid_until = _register_date(values.get("valid_until", ""), column="有效期至")
    refuse(
        register_dates_refusal(
            published_on=published_on, effective_on=effective_on, valid_until=valid_until
        )
    )
    status = _register_status(
        values.get("status", ""), published_on=published_on, valid_until=valid_until, title=title
    )
    index_number = values.get("index_number", "")
    if index_number and NormativeDocument.objects.filter(index_number=index_number).exists():
        raise RuleRefusal(
            _("The index number %(index)s is already in the register."),
            code="register_index_taken",
            params={"index": index_number},
        )
    normdoc_import_published(
        by=by,
        drafting_body=body,
        title=title,
        number=number,
        published_on=published_on,
        effective_on=effective_on,
        valid_until=valid_until,
        index_number=index_number,
        status=status,
    )
    return canonical, True


def _register_body(body_name: str) -> DraftingBody:
    """The drafting body a row names, by its unit's name or short name."""
    body = (
        DraftingBody.objects.select_related("unit")
        .filter(Q(unit__name=body_name) | Q(unit__short_name=body_name))
        .first()
        if body_name
        else None
    )
    if body is None:
        raise RuleRefusal(
            _("“%(body)s” is not on the list of drafting bodies."),
            code="register_body_unknown",
            params={"body": body_name},
        )
    return body


def _register_status(
    status_text: str, *, published_on: date, valid_until: date | None, title: str
) -> str | None:
    """The status a row's 状态 column gives (REGISTER_STATUSES). None when it says in force or
    is empty (``normdoc_import_published`` reads it from the dates), unless the validity has run
    out: then expired when the cell is empty, refused when it says in force."""
    if status_text and status_text not in REGISTER_STATUSES:
        raise RuleRefusal(
            _("The status “%(status)s” is not one of: %(known)s."),
            code="register_status_unknown",
            params={"status": status_text, "known": "、".join(REGISTER_STATUSES)},
        )
    status = REGISTER_STATUSES.get(status_text)
    end = valid_until or _validity_end(published_on=published_on, title=title)
    if status is None and end < today():
        if status_text:
            raise RuleRefusal(
                _("Marked in force, but its validity ended on %(date)s."),
                code="register_in_force_after_validity",
                params={"date": end.isoformat()},
            )
        status = Status.EXPIRED
    return status


@service_atomic
def normdoc_register_import(*, by, rows, dry_run: bool = False) -> RegisterImportReport:
    """Import a legacy register (``register_rows_read``): each row all or nothing, in its own
    savepoint, so the valid rows are entered while the refused ones are reported with their row
    number and reason (in Chinese). A document already entered for the same body under the same
    number is left as it is. ``dry_run`` checks every row the same way and keeps nothing."""
    report = RegisterImportReport(dry_run=dry_run)
    # Its own block, so that a dry run rolls back only what it did.
    with transaction.atomic(), translation.override("zh-hans"):
        for row, values in rows:
            try:
                with transaction.atomic():
                    canonical, new = _register_row_import(by=by, values=values)
            except ValidationError as refusal:
                report.refused.append(
                    RegisterRefusal(
                        row=row, number=values.get("number", ""), reason="；".join(refusal.messages)
                    )
                )
                continue
            (report.imported if new else report.unchanged).append(canonical)
        if dry_run:
            transaction.set_rollback(True)
    return report

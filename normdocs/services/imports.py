"""Documents issued before this system: entered into the register from their published text."""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from workflows.files import zip_problem
from workflows.permissions import has_role_in_unit
from workflows.transactions import service_atomic

from .. import rules
from ..conf import setting
from ..models import DocumentVersion, DraftingBody, NormativeDocument, Status
from ..rules import RuleRefusal
from ..rules.register import register_dates_refusal
from ._common import record, refuse, today
from .numbering import number_reserve_imported
from .versions import version_payload, version_write


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
    if not (
        has_role_in_unit(user=by, role="publisher", unit=drafting_body.unit)
        or has_role_in_unit(user=by, role="administrator", unit=drafting_body.unit)
    ):
        raise RuleRefusal(
            _("Only the issuing body's publisher or an administrator imports its documents."),
            code="not_publisher",
        )
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
    valid_until = valid_until or rules.validity_end(
        published_on=published_on,
        title=title,
        years=setting("VALIDITY_YEARS"),
        provisional_years=setting("PROVISIONAL_VALIDITY_YEARS"),
    )
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


# --- a legacy register, imported from a spreadsheet (issue 17) -------------------------------

# The header row of a register, as counties keep it. The first four are required; a header
# outside this set (and its aliases) is ignored.
REGISTER_COLUMNS = {
    "标题": "title",
    "发文字号": "number",
    "制定机关": "drafting_body",
    "发布日期": "published_on",
    "施行日期": "effective_on",
    "有效期至": "valid_until",
    "状态": "status",
    "索引号": "index_number",
}
REGISTER_ALIASES = {
    "文件名称": "标题",
    "名称": "标题",
    "文号": "发文字号",
    "制定主体": "制定机关",
    "发布机关": "制定机关",
    "公布日期": "发布日期",
    "生效日期": "施行日期",
    "有效期": "有效期至",
    "效力状态": "状态",
}
REGISTER_REQUIRED = ("标题", "发文字号", "制定机关", "发布日期")
# What the 状态 column may say; an empty cell is read from the dates (in force or published,
# expired once its validity has run out).
REGISTER_STATUSES = {
    "现行有效": None,
    "有效": None,
    "已废止": Status.REPEALED,
    "废止": Status.REPEALED,
    "已失效": Status.EXPIRED,
    "失效": Status.EXPIRED,
    "宣布失效": Status.DECLARED_INVALID,
    "已宣布失效": Status.DECLARED_INVALID,
    "已修改": Status.AMENDED,
    "已修订": Status.AMENDED,
    "已撤销": Status.REVOKED,
    "撤销": Status.REVOKED,
}
REGISTER_EXTENSIONS = (".xlsx", ".csv")


def register_import_max_bytes() -> int:
    """The largest register file read (settings.NORMDOCS_IMPORT_MAX_BYTES, 5 MiB by default)."""
    return getattr(settings, "NORMDOCS_IMPORT_MAX_BYTES", 5 * 1024 * 1024)


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


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def register_rows_read(*, content: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a register file (.xlsx or UTF-8 .csv, the header in row 1): each its
    row number and its cells by column (REGISTER_COLUMNS). Refused whole when the file cannot be
    read or a required column is missing; empty rows are skipped."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        try:
            # An .xlsx is a zip: limited in what it unpacks to before openpyxl opens it.
            problem = zip_problem(content)
        except zipfile.BadZipFile:
            problem = RuleRefusal(
                _("The file is not a readable .xlsx workbook."), code="register_unreadable"
            )
        if problem is not None:
            raise problem
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            table = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
            workbook.close()
        except Exception:  # noqa: BLE001 - any unreadable workbook is one refusal
            raise RuleRefusal(
                _("The file is not a readable .xlsx workbook."), code="register_unreadable"
            ) from None
    elif name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RuleRefusal(
                _("The .csv file is not UTF-8 text."), code="register_not_utf8"
            ) from None
        table = list(csv.reader(io.StringIO(text)))
    else:
        raise RuleRefusal(
            _("A register is imported from an .xlsx or .csv file."), code="register_wrong_type"
        )
    if not table:
        raise RuleRefusal(_("The file has no header row."), code="register_no_header")
    headers = []
    for cell in table[0]:
        header = _cell_text(cell).replace("*", "").replace(" ", "").replace("\u3000", "")
        headers.append(REGISTER_COLUMNS.get(REGISTER_ALIASES.get(header, header)))
    missing = [h for h in REGISTER_REQUIRED if REGISTER_COLUMNS[h] not in headers]
    if missing:
        raise RuleRefusal(
            _("The header row lacks the required columns: %(columns)s."),
            code="register_columns_missing",
            params={"columns": "、".join(missing)},
        )
    rows = []
    for offset, cells in enumerate(table[1:], start=2):
        values = {
            column: _cell_text(cell)
            for column, cell in zip(headers, cells, strict=False)
            if column is not None
        }
        if any(values.values()):
            rows.append((offset, values))
    return rows


# 恰政发202216号: a register written without brackets; a year has four digits (GB/T 9704-2012
# 7.2.4), so the serial is what follows them. The parser reads the rest.
_BRACKETLESS = re.compile(
    r"^(?P<prefix>[^\d〔〕\[\]()（）【】［］]+?)\s*(?P<year>\d{4})\s*(?P<rest>第?\s*\d+\s*号)$"
)


def _register_number(text: str) -> str:
    match = _BRACKETLESS.match(text.strip())
    return f"{match['prefix']}〔{match['year']}〕{match['rest']}" if match else text


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _register_date(text: str, *, column: str, required: bool = False) -> date | None:
    if not text:
        if required:
            raise RuleRefusal(
                _("%(column)s is empty."), code="register_date_empty", params={"column": column}
            )
        return None
    match = _DATE.match(text.split(" ")[0].split("T")[0])
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise RuleRefusal(
        _("%(column)s “%(text)s” is not a date (YYYY-MM-DD)."),
        code="register_date_malformed",
        params={"column": column, "text": text},
    )


def _register_row_import(*, by, values: dict[str, str]) -> tuple[str, bool]:
    """One row, checked whole and entered through ``normdoc_import_published``: the canonical
    number and whether it was new (False: the same body's document is in the register already,
    so a second import of the same file changes nothing)."""
    title = values.get("title", "")
    if not title:
        raise RuleRefusal(_("The title is empty."), code="register_title_empty")
    body_name = values.get("drafting_body", "")
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
    status_text = values.get("status", "")
    if status_text and status_text not in REGISTER_STATUSES:
        raise RuleRefusal(
            _("The status “%(status)s” is not one of: %(known)s."),
            code="register_status_unknown",
            params={"status": status_text, "known": "、".join(REGISTER_STATUSES)},
        )
    status = REGISTER_STATUSES.get(status_text)
    end = valid_until or rules.validity_end(
        published_on=published_on,
        title=title,
        years=setting("VALIDITY_YEARS"),
        provisional_years=setting("PROVISIONAL_VALIDITY_YEARS"),
    )
    if status is None and end < today():
        if status_text:
            raise RuleRefusal(
                _("Marked in force, but its validity ended on %(date)s."),
                code="register_in_force_after_validity",
                params={"date": end.isoformat()},
            )
        status = Status.EXPIRED
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

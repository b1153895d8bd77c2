"""Reading a legacy register (issue 17): the file a county keeps its documents in.

Its columns as counties head them (and their aliases), the rows of an .xlsx or UTF-8 .csv file,
and the spellings its numbers, dates and statuses come in. Entering the rows is
``imports.normdoc_register_import``.
"""

import csv
import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from workflows.files import zip_problem

from ..models import Status
from ..rules import RuleRefusal

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

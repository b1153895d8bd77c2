"""Document numbers (发文字号, GB/T 9704-2012 7.2.4) and index numbers (索引号, domain.md §3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from django.utils.translation import gettext_lazy as _

from .refusals import MalformedDocumentNumber, MalformedIndexNumber

# --- document numbers (发文字号, GB/T 9704-2012 7.2.4) ----------------------------------------------

OPEN_BRACKETS = "〔[(（【［"
CLOSE_BRACKETS = "〕])）】］"
_NUMBER = re.compile(
    r"^(?P<prefix>[^\d\s〔〕\[\]()（）【】［］]+?)\s*"
    r"(?P<open>[〔\[(（【［]?)\s*(?P<year>\d+)\s*(?P<close>[〕\])）】］]?)\s*"
    r"(?P<di>第?)\s*(?P<serial>\d+)\s*(?P<hao>号?)$"
)
MIN_YEAR, MAX_YEAR = 1949, 2100


@dataclass(frozen=True)
class DocumentNumber:
    issuer_code: str  # 恰政
    doc_type: str  # 发 / 规 / 函 …
    year: int
    serial: int

    @property
    def prefix(self) -> str:
        return f"{self.issuer_code}{self.doc_type}"

    def __str__(self) -> str:
        return format_document_number(self.issuer_code, self.doc_type, self.year, self.serial)


def format_document_number(issuer_code: str, doc_type: str, year: int, serial: int) -> str:
    """恰政发〔2022〕16号: six-sided brackets, no leading zeros, no 第 (GB/T 9704-2012 7.2.4)."""
    if serial < 1:
        raise MalformedDocumentNumber(
            _("A serial number starts at 1 (GB/T 9704-2012 7.2.4)."), code="serial_below_one"
        )
    return f"{issuer_code}{doc_type}〔{year}〕{serial}号"


def parse_document_number(text: str) -> DocumentNumber:
    """Read a 发文字号 as typed or imported and return it in canonical form.

    Accepts 〔2022〕, [2022], (2022), （2022）, 【2022】 and no brackets; leading zeros and a 第 are
    dropped because GB/T 9704-2012 7.2.4 forbids them (序号不编虚位，不加“第”字). The type is the last
    character of the prefix (发 in 恰政办发, 规 in 恰政规). Anything else is refused with the reason.
    """
    if not isinstance(text, str) or not text.strip():
        raise MalformedDocumentNumber(_("The document number is empty."), code="number_empty")
    cleaned = text.strip().replace("\u3000", " ")
    given = {"text": text}
    match = _NUMBER.match(cleaned)
    if not match:
        _refuse_unmatched(cleaned, given)
    _refuse_bad_form(match, given)
    year = _year(match, given)
    serial = int(match["serial"])
    if serial < 1:
        raise MalformedDocumentNumber(
            _("“%(text)s”: a serial number starts at 1."), code="serial_below_one", params=given
        )
    prefix = match["prefix"].strip()
    if len(prefix) < 2:
        raise MalformedDocumentNumber(
            _("“%(text)s” needs an issuer code and a document type."),
            code="number_without_issuer_or_type",
            params=given,
        )
    return DocumentNumber(issuer_code=prefix[:-1], doc_type=prefix[-1], year=year, serial=serial)


def _refuse_unmatched(cleaned: str, given: dict) -> NoReturn:
    """Refuse a number that is not issuer code + type + year + serial at all, saying what is
    missing."""
    if re.search(r"\d", cleaned) is None:
        raise MalformedDocumentNumber(
            _("“%(text)s” has no year and serial number."),
            code="number_without_year_or_serial",
            params=given,
        )
    if not re.match(r"^[^\d]", cleaned):
        raise MalformedDocumentNumber(
            _("“%(text)s” does not start with an issuer code."),
            code="number_without_issuer_code",
            params=given,
        )
    raise MalformedDocumentNumber(
        _("“%(text)s” is not issuer code + type + 〔year〕 + serial + 号 (GB/T 9704-2012 7.2.4)."),
        code="number_malformed",
        params=given,
    )


def _refuse_bad_form(match: re.Match, given: dict) -> None:
    """Refuse brackets that do not pair up around the year, and a number without 号
    (GB/T 9704-2012 7.2.4)."""
    opening, closing = match["open"], match["close"]
    if bool(opening) != bool(closing) or (
        opening and OPEN_BRACKETS.index(opening) != CLOSE_BRACKETS.index(closing)
    ):
        raise MalformedDocumentNumber(
            _("“%(text)s” has unbalanced brackets around the year."),
            code="number_unbalanced_brackets",
            params=given,
        )
    if not match["hao"]:
        raise MalformedDocumentNumber(
            _("“%(text)s” does not end with 号."), code="number_without_hao", params=given
        )


def _year(match: re.Match, given: dict) -> int:
    """The year of the number: in full, four digits (GB/T 9704-2012 7.2.4), from ``MIN_YEAR``
    to ``MAX_YEAR``."""
    if len(match["year"]) != 4:
        raise MalformedDocumentNumber(
            _("“%(text)s”: the year must have four digits."),
            code="number_year_not_four_digits",
            params=given,
        )
    year = int(match["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise MalformedDocumentNumber(
            _("“%(text)s”: the year %(year)s is out of range."),
            code="number_year_out_of_range",
            params={**given, "year": year},
        )
    return year


# --- index numbers (索引号) ---------------------------------------------------------------------

_INDEX = re.compile(r"^([0-9A-Z]+)[/-](\d{4})-(\d+)$")


@dataclass(frozen=True)
class IndexNumber:
    text: str  # stored whole: the unit code is opaque and the serial keeps its zeros
    unit_code: str
    year: int
    serial: int


def parse_index_number(text: str) -> IndexNumber:
    """Read an information-disclosure 索引号 ``UNITCODE/YEAR-SERIAL`` (domain.md §3)."""
    cleaned = (text or "").strip()
    match = _INDEX.match(cleaned)
    if not match:
        raise MalformedIndexNumber(
            _(
                "“%(text)s” is not an index number of the form UNITCODE/YEAR-SERIAL "
                "(e.g. 24K458996/2022-00630)."
            ),
            code="index_number_malformed",
            params={"text": text},
        )
    return IndexNumber(text=cleaned, unit_code=match[1], year=int(match[2]), serial=int(match[3]))

"""Pure legal rules for administrative normative documents (行政规范性文件).

No ORM, no clock: every function takes what it needs and returns a value or a refusal (a
``RuleRefusal``, returned unraised, or None when all is well; the services raise it).
Sources: 国办发〔2018〕37号 (drafting and supervision), 国办发〔2018〕115号 (legality review),
《新疆维吾尔自治区行政规范性文件管理办法》 (自治区人民政府令第218号), GB/T 9704-2012 (document numbers).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --- refusals ---------------------------------------------------------------------------------


class RuleRefusal(ValidationError):
    """A legal rule forbids the requested step: a stable ``code`` and a translated message that
    names the rule, the same idiom as every refusal of both apps:
    ``RuleRefusal(_("… %(number)s …"), code="number_taken", params={"number": …})``.

    Read it as ``refusal.code`` and ``refusal.messages`` (``str()`` is a list's repr).
    """


class MalformedDocumentNumber(RuleRefusal):
    """A 发文字号 that cannot be read as issuer code + type + year + serial + 号."""


class MalformedIndexNumber(RuleRefusal):
    """A 索引号 that does not match UNITCODE/YEAR-SERIAL."""


# --- drafting bodies (制定主体) -------------------------------------------------------------------

BODY_KINDS_ALLOWED = ("government", "department", "township", "authorised_organisation")
BODY_KINDS_REFUSED = {
    "temporary": _("Temporary body"),
    "coordination": _("Coordination body"),
    "internal_division": _("Internal division"),
}
DRAFTING_BODY_SOURCE = (
    "国办发〔2018〕37号 二(一)：议事协调机构、部门内设机构和临时性机构不得制发行政规范性文件"
)


def drafting_body_refusal(kind: str) -> RuleRefusal | None:
    """Why a body of ``kind`` may not be put on the drafting-body list, or None.

    国办发〔2018〕37号 二(一) (严格制发权限): temporary bodies, coordination bodies and a department's
    internal divisions may not issue normative documents.
    """
    if kind in BODY_KINDS_REFUSED:
        return RuleRefusal(
            _("A body of the kind “%(kind)s” may not issue normative documents: %(source)s"),
            code="body_may_not_issue",
            params={"kind": BODY_KINDS_REFUSED[kind], "source": DRAFTING_BODY_SOURCE},
        )
    if kind not in BODY_KINDS_ALLOWED:
        return RuleRefusal(
            _("Unknown drafting-body kind “%(kind)s”."),
            code="unknown_body_kind",
            params={"kind": kind},
        )
    return None


# --- lifecycle --------------------------------------------------------------------------------

# target state -> (states it may be reached from, the rule that says so). The FSM in models.py is
# built from this table, so the refusal message and the machine cannot drift apart.
LIFECYCLE: dict[str, tuple[tuple[str, ...], str]] = {
    "legality_review": (
        ("draft",),
        "国办发〔2018〕115号 二(一)：起草完成的草案送合法性审核",
    ),
    "deliberation": (
        ("legality_review",),
        "国办发〔2018〕115号 一(三)：未经合法性审核或者经审核不合法的，不得提交集体审议",
    ),
    "draft": (
        ("legality_review", "deliberation"),
        "国办发〔2018〕115号 三(四)：审核不合法或审议未通过的，退回起草单位修改",
    ),
    "registered": (
        ("deliberation",),
        "国办发〔2018〕37号 三(五)：经集体审议决定后，统一登记、统一编号",
    ),
    "published": (
        ("registered",),
        "国办发〔2018〕37号 三(五)：统一登记、统一编号、统一印发；未经公布的不得作为管理依据",
    ),
    "in_force": (
        ("published",),
        "自治区人民政府令第218号：自公布之日起30日后施行，公布即施行须说明理由",
    ),
    "amended": (
        ("in_force", "published"),
        "国办发〔2018〕37号 五(十八)：修改后的文件公布后，原文件不再适用",
    ),
    "repealed": (
        ("in_force", "published"),
        "国办发〔2018〕37号 五(十八)：废止须有制定机关决定或清理结果",
    ),
    "expired": (
        ("in_force",),
        "自治区人民政府令第218号：有效期届满未经评估延续的，自动失效",
    ),
    "declared_invalid": (
        ("in_force", "published"),
        "国办发〔2018〕37号 五(十八)/ 备案审查：宣布失效或撤销须有清理结果或备案审查决定",
    ),
}


def transition_refusal(
    *, source: str, target: str, labels: Mapping[str, str] | None = None
) -> RuleRefusal | None:
    """Why a document in ``source`` may not move to ``target``, naming the rule, or None.

    ``labels`` names the states for the reader (the model's status labels); without it the
    refusal names them by their values.
    """
    labels = labels or {}
    if target not in LIFECYCLE:
        return RuleRefusal(
            _("Unknown state “%(state)s”."), code="unknown_state", params={"state": target}
        )
    sources, rule = LIFECYCLE[target]
    if source in sources:
        return None
    return RuleRefusal(
        _("A document that is “%(source)s” cannot become “%(target)s”: %(rule)s"),
        code="wrong_state",
        params={
            "source": labels.get(source, source),
            "target": labels.get(target, target),
            "rule": rule,
        },
    )


# --- legality review (合法性审核, 国办发〔2018〕115号) -------------------------------------------------

REVIEW_METHODS_REFUSED = {
    "comment_collection": _("Comment collection"),
    "countersigning": _("Countersigning"),
    "attending_deliberation": _("Attending deliberation"),
}
REVIEW_SUBSTITUTE_SOURCE = (
    "国办发〔2018〕115号 二(四)：不得以征求意见、会签、参加审议等方式代替合法性审核"
)


def review_method_refusal(method: str) -> RuleRefusal | None:
    """Comment collection, countersigning or attending deliberation cannot stand in for review.

    国办发〔2018〕115号 二(四).
    """
    if method in REVIEW_METHODS_REFUSED:
        return RuleRefusal(
            _("%(method)s cannot replace legality review: %(source)s"),
            code="review_method_not_allowed",
            params={"method": REVIEW_METHODS_REFUSED[method], "source": REVIEW_SUBSTITUTE_SOURCE},
        )
    if method != "written_review":
        return RuleRefusal(
            _("Unknown review method “%(method)s”."),
            code="unknown_review_method",
            params={"method": method},
        )
    return None


def review_bounds_refusal(*, min_days: int, max_days: int) -> RuleRefusal | None:
    """A jurisdiction may tune the period, but not outside 5–15 working days (115号 三(二))."""
    if not 5 <= min_days <= max_days <= 15:
        return RuleRefusal(
            _(
                "The legality-review period must lie within 5 to 15 working days (set to "
                "%(min_days)s–%(max_days)s): 国办发〔2018〕115号 三(二)"
            ),
            code="review_period_out_of_bounds",
            params={"min_days": min_days, "max_days": max_days},
        )
    return None


def review_conclusion_refusal(*, today: date, earliest: date) -> RuleRefusal | None:
    """A conclusion before the minimum review period has run is refused (115号 三(二)).

    The minimum exists so that the reviewing body actually examines the draft.
    """
    if today < earliest:
        return RuleRefusal(
            _(
                "The review may not conclude before %(earliest)s: "
                "国办发〔2018〕115号 三(二)：审核时间一般不少于5个工作日"
            ),
            code="review_too_early",
            params={"earliest": earliest.isoformat()},
        )
    return None


def deliberation_refusal(
    *, review_outcome: str | None, amendments_recorded: bool
) -> RuleRefusal | None:
    """Only a draft reviewed as lawful (or amended as the review asked) goes to deliberation.

    国办发〔2018〕115号 一(三): 未经合法性审核或者经审核不合法的，不得提交集体审议.
    """
    if review_outcome is None:
        return RuleRefusal(
            _("The draft has no legality-review conclusion: %(rule)s"),
            code="legality_review_required",
            params={"rule": LIFECYCLE["deliberation"][1]},
        )
    if review_outcome == "unlawful":
        return RuleRefusal(
            _("The draft was reviewed as unlawful: %(rule)s"),
            code="reviewed_unlawful",
            params={"rule": LIFECYCLE["deliberation"][1]},
        )
    if review_outcome == "needs_amendment" and not amendments_recorded:
        return RuleRefusal(
            _(
                "The review asked for amendments and none are recorded yet: "
                "国办发〔2018〕115号 三(四)：根据审核意见修改后方可提交审议"
            ),
            code="amendments_not_recorded",
        )
    return None


MEETINGS_FOR_ISSUER = {
    "government": ("executive_meeting", "plenary_meeting"),
    "department": ("office_meeting",),
    "township": ("office_meeting",),
    "authorised_organisation": ("office_meeting",),
}


def meeting_refusal(*, issuer_kind: str, meeting_kind: str) -> RuleRefusal | None:
    """Government documents go to the executive or plenary meeting, others to an office meeting.

    国办发〔2018〕37号 三(四)：集体审议.
    """
    if meeting_kind not in MEETINGS_FOR_ISSUER.get(issuer_kind, ()):
        return RuleRefusal(
            _(
                "This meeting may not deliberate the document: a government's documents go to "
                "its executive or plenary meeting, a department's or township's to its office "
                "meeting (国办发〔2018〕37号 三(四))."
            ),
            code="wrong_meeting",
        )
    return None


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
            _(
                "“%(text)s” is not issuer code + type + 〔year〕 + serial + 号 "
                "(GB/T 9704-2012 7.2.4)."
            ),
            code="number_malformed",
            params=given,
        )
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


# --- publication and validity -------------------------------------------------------------------

PROVISIONAL_MARKERS = ("暂行", "试行")


def is_provisional(title: str) -> bool:
    """暂行/试行 documents have the shorter validity (自治区人民政府令第218号)."""
    return any(marker in title for marker in PROVISIONAL_MARKERS)


def add_years(day: date, years: int) -> date:
    """Same day ``years`` later; 29 February becomes 28 February in a common year."""
    target = day.year + years
    return day.replace(year=target, day=min(day.day, calendar.monthrange(target, day.month)[1]))


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def effective_date(
    *, published_on: date, after_days: int, immediate: bool, immediate_reason: str = ""
) -> date:
    """The day a document takes effect (自治区人民政府令第218号).

    Commonly 30 days after publication; immediate effect only with a stated reason.
    """
    if immediate:
        if not immediate_reason.strip():
            raise RuleRefusal(
                _(
                    "Immediate effect needs a recorded reason: "
                    "自治区人民政府令第218号：公布即施行须说明理由"
                ),
                code="immediate_effect_reason_required",
            )
        return published_on
    return published_on + timedelta(days=after_days)


def validity_end(*, published_on: date, title: str, years: int, provisional_years: int) -> date:
    """Last day of validity, counted from publication: 5 years, 2 for 暂行/试行 (令第218号)."""
    span = provisional_years if is_provisional(title) else years
    return add_years(published_on, span) - timedelta(days=1)


def expiry_reminder_dates(*, valid_until: date, months_before: tuple[int, ...]) -> list[date]:
    """The days to remind the drafting body to evaluate and renew (6 and 1 months before)."""
    return [add_months(valid_until, -m) for m in months_before]


def is_expired(*, valid_until: date | None, today: date) -> bool:
    return valid_until is not None and today > valid_until


# --- filing (备案) -------------------------------------------------------------------------------


def filing_receiving_unit(ancestors: list[tuple[int, str]]) -> int | None:
    """The unit a document is filed with: the nearest government above the issuer.

    ``ancestors`` lists (id, kind) from the issuer's parent upwards. A government files with the
    next-higher government; a department or township with its county government (令第218号).
    None when that government is not in this installation.
    """
    for unit_id, kind in ancestors:
        if kind == "government":
            return unit_id
    return None


# --- cleanup (清理) -------------------------------------------------------------------------------

CLEANUP_OUTCOMES = ("continue", "amend", "repeal", "declare_invalid")


def next_regular_cleanup_on(
    *, last_opened_on: date | None, interval_years: int, today: date
) -> date:
    """When the next regular cleanup opens: ``interval_years`` after the last one.

    国办发〔2018〕37号 五(十八)：每隔两年清理一次. With no regular cleanup on record it is due now.
    """
    if last_opened_on is None:
        return today
    return add_years(last_opened_on, interval_years)


def cleanup_outcome_refusal(*, outcome: str, reason: str) -> RuleRefusal | None:
    """Every outcome carries a reason (国办发〔2018〕37号 五(十八))."""
    if outcome not in CLEANUP_OUTCOMES:
        return RuleRefusal(
            _("Unknown cleanup outcome “%(outcome)s”; one of %(outcomes)s."),
            code="unknown_cleanup_outcome",
            params={"outcome": outcome, "outcomes": ", ".join(CLEANUP_OUTCOMES)},
        )
    if not reason.strip():
        return RuleRefusal(
            _("Every cleanup outcome needs a reason: 国办发〔2018〕37号 五(十八)"),
            code="cleanup_reason_required",
        )
    return None

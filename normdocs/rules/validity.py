"""Publication, validity and expiry (自治区人民政府令第218号), the government a document is filed
with (备案), and the biennial cleanup (清理, 国办发〔2018〕37号 五(十八))."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from .refusals import RuleRefusal

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

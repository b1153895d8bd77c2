"""The registry of deadline rules: which legal clock runs how long, and on what authority.

Pure: no ORM, no clock. Domain apps register their statutory defaults at start-up (in their
``AppConfig.ready``), e.g.::

    register_rule(DeadlineRule(
        key="decision.legality_review", unit=WORKING, amount=7,
        legal_source="《重大行政决策程序暂行条例》第二十六条",
        description=_("Legality review"),
    ))

A jurisdiction changes a default without a code change through a ``DeadlineRuleOverride``
row in the admin; ``workflows.clocks.selectors.rule_for`` applies it (domain.md: "Every
numeric default below is a setting, stored with the legal source it comes from").
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import date

from workflows.calendar import WorkCalendar, add_calendar_days, add_working_days

WORKING = "working"
CALENDAR = "calendar"
UNITS = (WORKING, CALENDAR)


class UnknownRule(KeyError):
    """No rule registered under that key (the domain app that owns it is not loaded)."""


@dataclass(frozen=True)
class DeadlineRule:
    key: str
    unit: str  # WORKING or CALENDAR
    amount: int
    legal_source: str
    # Usually a gettext_lazy string, so that reminders name the stage in the reader's language.
    description: str = ""

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"Rule {self.key}: unit must be one of {UNITS}, not {self.unit!r}")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 1:
            raise ValueError(f"Rule {self.key}: amount must be an integer ≥ 1")
        if not self.legal_source.strip():
            # The computation is evidence: a deadline without its authority proves nothing.
            raise ValueError(f"Rule {self.key}: a legal source is required")

    def with_override(self, *, unit: str, amount: int, legal_source: str) -> DeadlineRule:
        """This rule as a jurisdiction has changed it (the description stays the same)."""
        return replace(self, unit=unit, amount=amount, legal_source=legal_source)

    def due(self, start: date, *, calendar: WorkCalendar) -> date:
        """The due date of a clock started on ``start`` (``start`` itself not counted)."""
        if self.unit == WORKING:
            return add_working_days(start, self.amount, calendar=calendar)
        return add_calendar_days(start, self.amount, calendar=calendar)


_registry: dict[str, DeadlineRule] = {}
_lock = threading.Lock()


def register_rule(rule: DeadlineRule) -> DeadlineRule:
    """Register a default rule. Registering the same rule again is harmless (app reloads);
    registering a different rule under a taken key is a programming error."""
    with _lock:
        existing = _registry.get(rule.key)
        if existing is not None and existing != rule:
            raise ValueError(f"Deadline rule {rule.key!r} is already registered as {existing}")
        _registry[rule.key] = rule
    return rule


def unregister_rule(key: str) -> None:
    """Remove a rule (tests that register throw-away rules clean up with this)."""
    with _lock:
        _registry.pop(key, None)


def rule_default(key: str) -> DeadlineRule:
    """The registered default, before any jurisdiction's override."""
    try:
        return _registry[key]
    except KeyError:
        raise UnknownRule(f"No deadline rule {key!r} is registered") from None


def registered_rules() -> list[DeadlineRule]:
    return sorted(_registry.values(), key=lambda rule: rule.key)

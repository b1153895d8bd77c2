"""The major-decision section of the annual report (domain.md §5): decisions by stage and outcome,
how many went through the full statutory procedure, public comments received and adopted, and
the legality reviews with their outcomes and durations in working days (第二十六条).

A decision taken is a deliberation (``Meeting``) of a major decision: the other agenda items of a
session are deliberated in a ``Meeting`` too and never count as decisions. The numbered sessions
(第三十条) are counted by the day they were held: by kind, their items deliberated by kind, the
items that passed the review office's legality check before going on the agenda (the seed's
落实政府常务会议议题合法性审核) and the sessions where the head spoke last on every item.

``section`` puts the section together, one sentence per part of the report; ``sessions``
counts the numbered sessions and the agenda checks."""

from workflows.reports import register_report_section

from .section import decisions_section

__all__ = ["decisions_section"]

register_report_section("decisions", decisions_section, order=10)

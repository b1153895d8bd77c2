"""Reads of major decisions. Whatever a person may not see does not exist for them: views turn
a miss into 404, never 403 (style.md, Security).

- ``visibility``: who sees which decision, by office (the rules and their cost are its
  docstring); every read of a decision for a person goes through ``decisions_visible_to``,
  ``decision_is_visible`` or ``decision_get_for_user``. ``offices`` reads the person's
  grants, governments and personal ties for it; ``one_decision`` asks the rules of a single
  decision in one statement.
- ``catalogue``: who sees the catalogue's drafts.
- ``evaluation``: who may evaluate a decision afterwards (第三十六条).
"""

from .catalogue import catalogue_visible_to
from .evaluation import (
    evaluator_candidates,
    pre_decision_assessing_unit_ids,
    pre_decision_assessor_ids,
)
from .offices import (
    FROM_PUBLICATION,
    FROM_THE_AGENDA,
    MEETING_ROLES,
    PUBLISHING_ROLES,
    READ_ALL_ROLES,
    REVIEW_OFFICE_ROLES,
    UNIT_ROLES,
    reads_all,
)
from .visibility import (
    WALK_SHARE,
    decision_get_for_user,
    decision_is_visible,
    decisions_visible_to,
)

__all__ = [
    "FROM_PUBLICATION",
    "FROM_THE_AGENDA",
    "MEETING_ROLES",
    "PUBLISHING_ROLES",
    "READ_ALL_ROLES",
    "REVIEW_OFFICE_ROLES",
    "UNIT_ROLES",
    "WALK_SHARE",
    "catalogue_visible_to",
    "decision_get_for_user",
    "decision_is_visible",
    "decisions_visible_to",
    "evaluator_candidates",
    "pre_decision_assessing_unit_ids",
    "pre_decision_assessor_ids",
    "reads_all",
]

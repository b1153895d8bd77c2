"""Pure legal rules of the major administrative decision procedure.

Source: 《重大行政决策程序暂行条例》 (国务院令第713号). No ORM and no clock here: callers pass
every fact in, so each rule can be table-tested and each refusal traced to its article.

preparation.py  proposal, public comment, hearing, experts, risk, legality review (第三条至第二十八条)
meeting.py      package, collective discussion, party report, publication (第二十九条至第三十二条)
aftermath.py    archive checklist, post-evaluation (第三十三条、第三十六条)
stages.py       ``LIFECYCLE``: the moves between stages and their articles; ``DECREE``
"""

from .aftermath import (
    POST_EVALUATION_TRIGGERS,
    ArchiveFacts,
    archive_missing,
    evaluator_conflict,
    is_valid_post_evaluation_trigger,
)
from .meeting import (
    AGAINST,
    DEFAULT_QUORUM,
    FOR,
    UNDECIDED,
    PackageFacts,
    direction_of,
    head_may_speak,
    is_quorate,
    is_reason_required,
    majority_view,
    package_missing,
    publication_problem,
)
from .preparation import (
    HEARING_NOTICE_DAYS,
    LEGALITY_REVIEW_WORKING_DAYS,
    OVERALL_LEVELS,
    RISK_DIMENSIONS,
    RISK_LEVELS,
    catalogue_problem,
    expert_argumentation_missing,
    has_direct_interest,
    hearing_problem,
    initiation_missing,
    is_consultation_required,
    is_risk_uncontrollable,
    legality_outcome_problem,
    legality_submission_missing,
    may_go_to_meeting,
    risk_assessment_missing,
)
from .stages import (
    DECREE,
    LIFECYCLE,
    MEETING_MOVES,
    StageMove,
    is_move_allowed,
)

__all__ = [
    "AGAINST",
    "ArchiveFacts",
    "DECREE",
    "DEFAULT_QUORUM",
    "FOR",
    "HEARING_NOTICE_DAYS",
    "LEGALITY_REVIEW_WORKING_DAYS",
    "LIFECYCLE",
    "MEETING_MOVES",
    "OVERALL_LEVELS",
    "POST_EVALUATION_TRIGGERS",
    "PackageFacts",
    "RISK_DIMENSIONS",
    "RISK_LEVELS",
    "StageMove",
    "UNDECIDED",
    "archive_missing",
    "catalogue_problem",
    "direction_of",
    "evaluator_conflict",
    "expert_argumentation_missing",
    "has_direct_interest",
    "head_may_speak",
    "hearing_problem",
    "initiation_missing",
    "is_consultation_required",
    "is_move_allowed",
    "is_quorate",
    "is_reason_required",
    "is_risk_uncontrollable",
    "is_valid_post_evaluation_trigger",
    "legality_outcome_problem",
    "legality_submission_missing",
    "majority_view",
    "may_go_to_meeting",
    "package_missing",
    "publication_problem",
    "risk_assessment_missing",
]

"""Rules after the decision: the archive checklist and the post-evaluation (第三十三条、第三十六条)."""

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ArchiveFacts:
    """What the record of one decision holds when the archivist seals it (第三十三条)."""

    outcome: str
    draft_versions: int
    consultation_required: bool
    consultation_finished: bool
    not_disclosable_reason: str
    expert_argumentation_needed: bool
    expert_opinions: int
    hearing_needed: bool
    hearings_recorded: int
    risk_assessments: int
    legality_reviews_completed: int
    meetings_concluded: int
    has_minutes: bool
    has_party_report: bool
    has_publication: bool
    extra: dict = field(default_factory=dict)


def archive_missing(facts: ArchiveFacts) -> list[str]:
    """The completeness checklist for archiving: every stage's records present, completely
    (第三十三条). A rejected decision is archived too, without party report and publication."""
    missing = []
    if facts.outcome not in ("adopt", "adopt_with_amendments", "reject"):
        missing.append("final_outcome")
    if facts.draft_versions == 0:
        missing.append("draft_versions")
    if facts.consultation_required and not facts.consultation_finished:
        missing.append("consultation")
    if not facts.consultation_required and not facts.not_disclosable_reason.strip():
        missing.append("not_disclosable_reason")
    if facts.expert_argumentation_needed and facts.expert_opinions == 0:
        missing.append("expert_opinions")
    if facts.hearing_needed and facts.hearings_recorded == 0:
        missing.append("hearing_record")
    if facts.risk_assessments == 0:
        missing.append("risk_assessment")
    if facts.legality_reviews_completed == 0:
        missing.append("legality_review")
    if facts.meetings_concluded == 0:
        missing.append("meeting")
    if not facts.has_minutes:
        missing.append("minutes")
    if facts.outcome in ("adopt", "adopt_with_amendments"):
        if not facts.has_party_report:
            missing.append("party_report")
        if not facts.has_publication:
            missing.append("publication")
    return missing


def evaluator_conflict(*, evaluator_id: int, pre_decision_assessor_ids: Iterable[int]) -> bool:
    """The post-evaluation is not done by those who assessed the decision before it was taken
    (第三十六条: 不得由...决策前评估的机构或者人员承担 — the independence of the evaluation)."""
    return evaluator_id in set(pre_decision_assessor_ids)


POST_EVALUATION_TRIGGERS = ("goal_unmet", "many_complaints", "government_decided")


def is_valid_post_evaluation_trigger(trigger: str) -> bool:
    """The three triggers of a post-evaluation (第三十六条)."""
    return trigger in POST_EVALUATION_TRIGGERS

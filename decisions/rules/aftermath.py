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


def assessing_unit_ids(
    *,
    lead_unit_id: int,
    risk_assessments: Iterable[tuple[int | None, str]],
    expert_unit_ids: Iterable[int | None],
) -> set[int]:
    """The units that did the main argumentation or assessment before the decision: the unit
    of each risk assessor and of each expert who gave an opinion, and the lead unit when it
    assessed the risk itself, without a commissioned third party (第二十二条: 决策承办单位…
    可以自行组织…也可以委托专业机构、社会组织等第三方开展).

    ``risk_assessments``: (the assessor's unit id, the third party named) per assessment.
    The post-evaluation may not be entrusted to these units (第三十六条: 决策作出前承担主要
    论证评估工作的单位除外)."""
    units = set()
    for assessor_unit_id, third_party in risk_assessments:
        if assessor_unit_id is not None:
            units.add(assessor_unit_id)
        if not (third_party or "").strip():
            units.add(lead_unit_id)
    units |= {unit_id for unit_id in expert_unit_ids if unit_id is not None}
    return units


def evaluator_unit_conflict(
    *, evaluator_unit_id: int | None, assessing_unit_ids: Iterable[int]
) -> bool:
    """The post-evaluation is not entrusted to the unit that did the main argumentation or
    assessment before the decision (第三十六条: 决策作出前承担主要论证评估工作的单位除外):
    not only the persons who assessed, but any colleague of theirs in that unit."""
    return evaluator_unit_id is not None and evaluator_unit_id in set(assessing_unit_ids)


def amended_version_problem(*, text: str, adopted_text: str, amendments: str) -> str:
    """The version carrying the amendments a meeting decided (第三十条: 修改后通过) exists only
    after such a decision, and its text is not empty and not the draft the meeting had: the
    amendments must be in it. Returns a refusal code, or ""."""
    if not (amendments or "").strip():
        return "no_amendments_decided"
    if not (text or "").strip():
        return "amended_text_required"
    if text.strip() == (adopted_text or "").strip():
        return "amended_text_unchanged"
    return ""


def amended_version_ready(*, approved: bool, substantive: bool, confirmed_lawful: bool) -> bool:
    """The amended version goes on to the Party report and publication (第三十一条、第三十二条)
    once the lead unit's head approved it and, when the amendments are substantive, the review
    office confirmed it is lawful (第二十五条: 未经合法性审查或者经审查不合法的，不得提交讨论 —
    a substantive change after the review is a text the review office has not seen)."""
    return approved and (confirmed_lawful or not substantive)

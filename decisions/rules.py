"""Pure legal rules of the major administrative decision procedure.

Source: 《重大行政决策程序暂行条例》 (国务院令第713号). No ORM and no clock here: callers pass
every fact in, so each rule can be table-tested and each refusal traced to its article.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

DECREE = "《重大行政决策程序暂行条例》"

RISK_DIMENSIONS = ("social_stability", "public_safety", "ecological_environment", "economy")
RISK_LEVELS = ("low", "medium", "high")
OVERALL_LEVELS = (*RISK_LEVELS, "uncontrollable")
HEARING_NOTICE_DAYS = 7
LEGALITY_REVIEW_WORKING_DAYS = 7
DEFAULT_QUORUM = 0.5

FOR = "for"
AGAINST = "against"
UNDECIDED = "none"


def catalogue_problem(
    *, has_item: bool, item_published: bool, out_of_catalogue_reason: str
) -> str | None:
    """A decision normally starts from a published catalogue item; otherwise the reason for
    starting outside the catalogue is stated (第三条: 决策事项目录, adjusted dynamically)."""
    if has_item:
        return None if item_published else "catalogue_item_not_published"
    if not out_of_catalogue_reason.strip():
        return "out_of_catalogue_reason_required"
    return None


def initiation_missing(*, title: str, problem: str, legal_basis: Iterable[str]) -> list[str]:
    """A proposal states the problem and its legal basis (第十条)."""
    missing = []
    if not title.strip():
        missing.append("title")
    if not problem.strip():
        missing.append("problem")
    if not [b for b in legal_basis if str(b).strip()]:
        missing.append("legal_basis")
    return missing


def is_consultation_required(*, not_disclosable: bool) -> bool:
    """Public comment is required unless the matter may not be disclosed by law; the skip and
    its reason are then recorded (第十四条)."""
    return not not_disclosable


def hearing_problem(
    *, materials_sent_on: date, held_on: date, notice_days: int = HEARING_NOTICE_DAYS
) -> str | None:
    """Materials reach the hearing participants at least 7 days before the hearing
    (第十七条; 第十六条 on when a hearing is held)."""
    if held_on < materials_sent_on + timedelta(days=notice_days):
        return "hearing_notice_too_short"
    return None


def has_direct_interest(
    *,
    decision_id: int,
    lead_unit_id: int,
    interest_decision_ids: Iterable[int],
    interest_unit_ids: Iterable[int],
) -> bool:
    """Experts argue independently and without direct interest (第二十条); a declared interest in
    this decision or in its lead unit disqualifies."""
    return decision_id in set(interest_decision_ids) or lead_unit_id in set(interest_unit_ids)


def expert_argumentation_missing(
    *, chosen_ids: Iterable[int], withdrawn_ids: Iterable[int], opinion_ids: Iterable[int]
) -> list[str]:
    """What keeps the expert argumentation open (第十九条至第二十一条): at least one expert chosen
    from the pool, and a written, signed opinion from every chosen expert unless the lead unit
    recorded why that expert withdrew. ``*_ids`` are expert-profile ids."""
    chosen, withdrawn, given = set(chosen_ids), set(withdrawn_ids), set(opinion_ids)
    if not chosen - withdrawn:
        return ["experts_chosen"]
    if chosen - withdrawn - given:
        return ["expert_opinions"]
    return []


def risk_assessment_missing(*, dimensions: dict[str, str], contingency_plan: str) -> list[str]:
    """The assessment covers social stability, public safety, ecological environment and the
    economy, each with a level, and comes with a contingency plan (第二十二条、第二十三条)."""
    missing = [d for d in RISK_DIMENSIONS if dimensions.get(d) not in RISK_LEVELS]
    if not contingency_plan.strip():
        missing.append("contingency_plan")
    return missing


def is_risk_uncontrollable(*, overall_level: str) -> bool:
    """An uncontrollable risk sends the draft back for revision before it may go further
    (第二十四条: 风险不可控的，在采取调整决策草案等措施确保风险可控后，可以作出决策)."""
    return overall_level == "uncontrollable"


def legality_submission_missing(
    *, draft_text: str, legal_basis: Iterable[str], procedures_account: str
) -> list[str]:
    """What a legality review submission lacks: the draft, its legal basis and the account of
    the procedures done. Incomplete submissions are returned (第二十六条)."""
    missing = []
    if not draft_text.strip():
        missing.append("draft")
    if not [b for b in legal_basis if str(b).strip()]:
        missing.append("legal_basis")
    if not procedures_account.strip():
        missing.append("procedures_account")
    return missing


def legality_outcome_problem(
    *, outcome: str, exploratory_reform: bool, legal_risk_statement: str, opinion: str
) -> str | None:
    """The review concludes lawful, lawful with amendments or unlawful, in a written opinion
    (第二十八条). An exploratory reform may proceed only with its legal risk stated explicitly
    (第二十五条第二款: 明示法律风险)."""
    if outcome not in ("lawful", "lawful_with_amendments", "unlawful"):
        return "invalid_outcome"
    if not opinion.strip():
        return "opinion_required"
    if exploratory_reform and not legal_risk_statement.strip():
        return "legal_risk_statement_required"
    return None


def may_go_to_meeting(
    *, reviewed: bool, outcome: str, exploratory_reform: bool, legal_risk_statement: str
) -> bool:
    """An unreviewed or unlawful draft may not go to the meeting (第二十五条), except an exploratory
    reform whose legal risk is stated explicitly."""
    if not reviewed:
        return False
    if outcome in ("lawful", "lawful_with_amendments"):
        return True
    return outcome == "unlawful" and exploratory_reform and bool(legal_risk_statement.strip())


@dataclass(frozen=True)
class PackageFacts:
    """What the submission package holds (第二十九条)."""

    has_draft: bool
    affects_market_actors: bool
    has_fair_competition_review: bool
    consultation_required: bool
    has_adoption_report: bool
    expert_argumentation_needed: bool
    expert_opinions: int
    expert_opinions_unhandled: int
    hearing_needed: bool
    hearings_recorded: int
    has_risk_report: bool
    risk_uncontrollable: bool
    may_go_to_meeting: bool


def package_missing(facts: PackageFacts) -> list[str]:
    """The package for the meeting: (1) draft and materials, with the fair-competition review when
    market actors are affected; (2) handling of public comments; (3) handling of expert opinions;
    (4) the risk report; (5) the legality opinion (第二十九条; hearing record 第十七条)."""
    missing = []
    if not facts.has_draft:
        missing.append("draft")
    if facts.affects_market_actors and not facts.has_fair_competition_review:
        missing.append("fair_competition_review")
    if facts.consultation_required and not facts.has_adoption_report:
        missing.append("adoption_report")
    if facts.hearing_needed and facts.hearings_recorded == 0:
        missing.append("hearing_record")
    if facts.expert_argumentation_needed and facts.expert_opinions == 0:
        missing.append("expert_opinions")
    if facts.expert_opinions_unhandled:
        missing.append("expert_opinion_handling")
    if not facts.has_risk_report:
        missing.append("risk_report")
    elif facts.risk_uncontrollable:
        missing.append("risk_controllable")
    if not facts.may_go_to_meeting:
        missing.append("legality_opinion")
    return missing


def is_quorate(*, present: int, members: int, quorum: float = DEFAULT_QUORUM) -> bool:
    """The meeting deliberates only with more than ``quorum`` of its members present
    (第三十条 collective discussion; "more than half" is common practice and a setting)."""
    return members > 0 and present > members * quorum


def head_may_speak(*, present_member_ids: Iterable[int], spoken_ids: Iterable[int]) -> bool:
    """The administrative head speaks last, after every other present member has stated a view
    (第三十条: members state their views, the head decides on that basis; the seed's 末位发言)."""
    return set(present_member_ids) <= set(spoken_ids)


def majority_view(positions: Iterable[str]) -> str:
    """The members' majority: support (with or without conditions) against opposition; a tie
    or only abstentions gives no majority (第三十条)."""
    positions = list(positions)
    for_ = sum(1 for p in positions if p in ("support", "conditional"))
    against = sum(1 for p in positions if p == "oppose")
    if for_ > against:
        return FOR
    if against > for_:
        return AGAINST
    return UNDECIDED


def direction_of(head_decision: str) -> str:
    return {
        "adopt": FOR,
        "adopt_with_amendments": FOR,
        "reject": AGAINST,
    }.get(head_decision, UNDECIDED)


def is_reason_required(*, head_decision: str, majority: str) -> bool:
    """When the head's decision differs from the majority of the members, the reason is given
    at the meeting (第三十条: 应当在会上说明理由)."""
    return majority != UNDECIDED and direction_of(head_decision) != majority


def publication_problem(
    *, has_party_report: bool, not_disclosable: bool, published: bool, interpretation: str
) -> str | None:
    """The report to the Party committee comes before publication (第三十一条); a decision is
    published with its interpretation unless it may not be disclosed (第三十二条)."""
    if not has_party_report:
        return "party_report_required"
    if published and not_disclosable:
        return "not_disclosable"
    if published and not interpretation.strip():
        return "interpretation_required"
    return None


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


# --- the lifecycle of a decision ------------------------------------------------------------


@dataclass(frozen=True)
class StageMove:
    """One move of a decision from stage to stage: where it may start, where it ends, and the
    article that allows it."""

    sources: tuple[str, ...]
    target: str
    legal_source: str


# move -> (stages it may start from, the stage it reaches, the article). The FSM of
# ``Decision.stage`` is built from this table (decisions.models) and ``decisions.lifecycle``
# is its only caller, so the table that names the article is the table that drives the stage.
LIFECYCLE: dict[str, StageMove] = {
    "send_to_consultation": StageMove(
        ("drafting",),
        "consultation",
        f"{DECREE}第十四条：决策承办单位应当采取便于社会公众参与的方式充分听取意见",
    ),
    "skip_consultation": StageMove(
        ("drafting",),
        "assessment",
        f"{DECREE}第十四条：依法不予公开的决策事项除外（或草案已公开征求意见）",
    ),
    "close_consultation": StageMove(
        ("consultation",),
        "disposition",
        f"{DECREE}第十五条：公开征求意见的期限届满，归纳整理、研究论证所提意见",
    ),
    "finish_consultation": StageMove(
        ("disposition",),
        "assessment",
        f"{DECREE}第十五条：对所提意见逐条作出处理并说明采纳情况",
    ),
    "return_for_risk": StageMove(
        ("assessment",),
        "drafting",
        f"{DECREE}第二十四条：风险不可控的，应当调整决策草案等确保风险可控",
    ),
    "send_to_legality_review": StageMove(
        ("assessment",),
        "legality_review",
        f"{DECREE}第二十五条：决策草案提交决策机关讨论前，应当进行合法性审查",
    ),
    "pass_legality_review": StageMove(
        ("legality_review",),
        "package",
        f"{DECREE}第二十五条、第二十八条：经合法性审查的决策草案方可提交决策机关讨论",
    ),
    "fail_legality_review": StageMove(
        ("legality_review",),
        "drafting",
        f"{DECREE}第二十五条、第二十八条：经审查不合法的，不得提交讨论，根据审查意见调整",
    ),
    "put_on_agenda": StageMove(
        ("package",),
        "meeting",
        f"{DECREE}第二十九条：提交决策机关讨论的材料齐全",
    ),
    "adopt": StageMove(
        ("meeting",),
        "party_report",
        f"{DECREE}第三十条、第三十一条：集体讨论决定通过，按规定向同级党委请示报告",
    ),
    "reject": StageMove(
        ("meeting",),
        "archiving",
        f"{DECREE}第三十条、第三十三条：集体讨论决定不予通过，决策过程材料归档",
    ),
    "defer": StageMove(
        ("meeting",),
        "meeting",
        f"{DECREE}第三十条：集体讨论决定另行讨论，再次提交决策机关会议",
    ),
    "report_to_party": StageMove(
        ("party_report",),
        "publication",
        f"{DECREE}第三十一条、第三十二条：请示报告后公布决策",
    ),
    "publish": StageMove(
        ("publication",),
        "archiving",
        f"{DECREE}第三十二条、第三十三条：决策公布后，决策过程材料归档",
    ),
    "seal": StageMove(
        ("archiving",),
        "archived",
        f"{DECREE}第三十三条：决策全过程记录和材料完整归档",
    ),
}

# What the meeting's outcome moves the decision by (第三十条).
MEETING_MOVES = {
    "adopt": "adopt",
    "adopt_with_amendments": "adopt",
    "reject": "reject",
    "defer": "defer",
}


def is_move_allowed(*, move: str, source: str) -> bool:
    """A decision at ``source`` may make ``move``: the table above says so."""
    return move in LIFECYCLE and source in LIFECYCLE[move].sources

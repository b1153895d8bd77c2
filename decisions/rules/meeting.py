"""Rules of the decision itself: the package for the meeting, the collective discussion and
the head's decision, the report to the Party committee and the publication (第二十九条至第三十二条).
"""

from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_QUORUM = 0.5

FOR = "for"
AGAINST = "against"
UNDECIDED = "none"


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


CHECK_OUTCOMES = ("lawful", "lawful_with_amendments", "unlawful")


def may_go_on_agenda(*, outcome: str, exploratory_reform: bool, legal_risk_statement: str) -> bool:
    """An item goes on the agenda of the government's meeting only after its legality check
    (议题合法性审核) concluded that it is lawful, or lawful with amendments; an item found unlawful
    goes only as an exploratory reform whose legal risk is stated explicitly
    (《重大行政决策程序暂行条例》第二十五条: 未经合法性审查或者经审查不合法的，不得提交决策机关讨论;
    第二十八条: 对国家尚无明确规定的探索性改革决策事项，可以明示法律风险，提交决策机关讨论;
    the seed's 落实政府常务会议议题合法性审核). An item not checked (``outcome`` empty) never goes."""
    if outcome in ("lawful", "lawful_with_amendments"):
        return True
    return outcome == "unlawful" and exploratory_reform and bool(legal_risk_statement.strip())


def all_items_decided(outcomes: Iterable[str]) -> bool:
    """A session concludes only when the head has decided every item on its agenda: adopted,
    adopted with amendments, rejected or deferred to a later meeting (第三十条)."""
    return all(
        outcome in ("adopt", "adopt_with_amendments", "reject", "defer") for outcome in outcomes
    )

"""Rules of preparing a decision: the proposal, public participation, hearings, experts, the
risk assessment and the legality review (第三条至第二十八条).
"""

from collections.abc import Iterable
from datetime import date, timedelta

RISK_DIMENSIONS = ("social_stability", "public_safety", "ecological_environment", "economy")
RISK_LEVELS = ("low", "medium", "high")
OVERALL_LEVELS = (*RISK_LEVELS, "uncontrollable")
HEARING_NOTICE_DAYS = 7
LEGALITY_REVIEW_WORKING_DAYS = 7


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


def legality_review_earliest(*, submitted_on: date, period, calendar) -> date:
    """The earliest date a submission may ask for the legality opinion: the submitting unit
    must leave the reviewer the necessary time, in general no less than 7 working days
    (《重大行政决策程序暂行条例》第二十六条: 送请合法性审查，应当保证必要的审查时间，一般不少于7个
    工作日). ``period`` is the setting ``decision.legality_review`` (a
    ``workflows.clocks.rules.DeadlineRule``: 7 working days by default, with a jurisdiction's
    override) and ``calendar`` the working-day calendar; the day of submission is not counted.
    Raises ``workflows.calendar.CalendarRangeError`` when the count reaches a year whose
    holiday notice is not known: the caller records that the minimum is unchecked, never
    guesses."""
    return period.due(submitted_on, calendar=calendar)


def legality_review_time_problem(
    *, submitted_on: date, needed_by: date, earliest: date | None, short_time_reason: str
) -> str | None:
    """The date the opinion is needed by leaves the reviewer the minimum time (第二十六条: 一般不少于
    7个工作日) unless a reason for the shorter time is recorded ("一般": the exception is
    stated, never silent). The minimum is owed to the reviewer: the reviewer may conclude
    sooner. ``earliest`` is None when it could not be computed yet (holiday notice missing):
    then only a date before the submission is refused."""
    if needed_by < submitted_on:
        return "needed_by_before_submission"
    if earliest is not None and needed_by < earliest and not short_time_reason.strip():
        return "review_time_too_short"
    return None


LEGALITY_RETURN_MISSING = (
    "draft",
    "legal_basis",
    "procedures_account",
    "comments_report",
    "expert_opinions",
    "risk_report",
    "other",
)


def legality_return_problem(*, missing: Iterable[str], note: str) -> str | None:
    """A submission returned for supplement names what is missing (第二十六条: 送请合法性审查的材料
    应当包括决策草案及其说明等, 材料不齐全的退回补充): one or more of the draft, its legal basis, the
    account of the procedures done, the report on the adoption of comments, the expert
    opinions, the risk assessment report, or something else described in the note."""
    missing = list(missing)
    if not missing:
        return "return_missing_required"
    if any(m not in LEGALITY_RETURN_MISSING for m in missing):
        return "return_missing_unknown"
    if "other" in missing and not note.strip():
        return "return_other_unexplained"
    return None

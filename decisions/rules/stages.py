"""The lifecycle of a decision: which move takes it from which stage to which, under which
article. The FSM of ``Decision.stage`` is built from ``LIFECYCLE`` (decisions.models).
"""

from dataclasses import dataclass

DECREE = "《重大行政决策程序暂行条例》"


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
    "adopt_with_amendments": StageMove(
        ("meeting",),
        "amending",
        f"{DECREE}第三十条：集体讨论决定修改后通过，决策承办单位按会议决定修改决策文本",
    ),
    "incorporate_amendments": StageMove(
        ("amending",),
        "party_report",
        f"{DECREE}第三十条、第三十一条：按会议决定修改的决策文本经确认后，按规定向同级党委请示报告",
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
    "adopt_with_amendments": "adopt_with_amendments",
    "reject": "reject",
    "defer": "defer",
}


def is_move_allowed(*, move: str, source: str) -> bool:
    """A decision at ``source`` may make ``move``: the table above says so."""
    return move in LIFECYCLE and source in LIFECYCLE[move].sources


# The stages in the order of the procedure (第十二条 to 第三十三条). A decision returned for
# revision (第二十四条, 第二十八条) goes back up this order; every path to ``archiving`` passes
# the meeting (第三十条), and every published decision passed ``publication`` (第三十二条).
# Who sees a decision from which stage on (decisions.selectors) reads this order.
STAGE_ORDER: tuple[str, ...] = (
    "drafting",
    "consultation",
    "disposition",
    "assessment",
    "legality_review",
    "package",
    "meeting",
    "amending",
    "party_report",
    "publication",
    "archiving",
    "archived",
)


def stages_from(stage: str) -> tuple[str, ...]:
    """``stage`` and every stage after it in the procedure (``STAGE_ORDER``)."""
    return STAGE_ORDER[STAGE_ORDER.index(stage) :]

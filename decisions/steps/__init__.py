"""The human steps of a major administrative decision, each declared once (workflows.steps).

``decisions.flows.DecisionFlow`` carries each step on the node named ``node``: the node's
offers, its title on viewflow's pages and chart, the task page, the API operation
``POST /api/v1/decisions/{id}/...`` and the inbox entry all come from the declaration here.
Legal source: 《重大行政决策程序暂行条例》 (国务院令第713号).
"""

from django.utils.translation import gettext_lazy as _

from workflows.consultations import rules as consultation_rules
from workflows.steps import Clock, Offer, register_steps, steps_of, work_step

from ..services import review as review_service
from .amendments import AmendmentsApproveWork, AmendmentsConfirmWork, AmendmentsWork
from .drafting import (
    ConsultationOpenWork,
    DisposeCommentsWork,
    DraftWork,
    ExpertArgumentationWork,
    RiskAssessmentWork,
)
from .meeting import ArchiveWork, MeetingWork, PartyReportWork, PublicationWork
from .review import (
    LegalityApproveWork,
    LegalityReviewWork,
    LegalitySubmitWork,
    PackageCheckWork,
)

PROCESS = "decision"
LEGALITY_REVIEW_CLOCK = review_service.RULE_KEY
CONSULTATION_CLOCK = consultation_rules.RULE_KEY


def lead_unit(decision):
    """The lead unit (承办单位, 第十一条) the government named for the decision."""
    return decision.lead_unit


def government(decision):
    """The government that decides (决策机关)."""
    return decision.government


def review_office(decision):
    """The government's review office (负责合法性审查的部门, 第二十五条): the 司法局 of a county."""
    from workflows.offices import review_office_of

    return review_office_of(decision.government)


DRAFTERS = Offer(("drafter",), lead_unit)


def _step(node, name, offered_to, work, source, *, routes, clocks=()):
    """``routes``: the API operation of each action, ``POST /api/v1/decisions/{id}/<route>/``."""
    return work_step(
        process=PROCESS,
        key=node.replace("_", "-"),
        node=node,
        name=name,
        offered_to=offered_to,
        work=work,
        source=source,
        routes=routes,
        clocks=clocks,
    )


STEPS = [
    _step(
        "draft",
        _("Drafting"),
        [DRAFTERS],
        DraftWork,
        "第十二条、第十三条",
        routes={"draft": "draft"},
    ),
    _step(
        "open_consultation",
        _("Open the public consultation"),
        [DRAFTERS],
        ConsultationOpenWork,
        "第十四条、第十五条",
        routes={"open": "consultation-open"},
        clocks=[Clock(CONSULTATION_CLOCK)],
    ),
    _step(
        "dispose_comments",
        _("Dispose of the public comments"),
        [DRAFTERS],
        DisposeCommentsWork,
        "第十五条、第十八条",
        routes={
            "dispose": "comment-dispose",
            "hide": "comment-hide",
            "finish": "consultation-finish",
        },
    ),
    _step(
        "expert_argumentation",
        _("Expert argumentation"),
        [DRAFTERS],
        ExpertArgumentationWork,
        "第十九条至第二十一条",
        routes={
            "choose": "experts-choose",
            "withdraw": "expert-withdraw",
            "handle": "expert-opinion-handle",
            "finish": "expert-argumentation-finish",
        },
    ),
    _step(
        "risk_assessment",
        _("Risk assessment"),
        # The lead unit assesses, or a third party it commissions (第二十二条).
        [Offer(("drafter", "risk_assessor"), lead_unit)],
        RiskAssessmentWork,
        "第二十二条至第二十四条",
        routes={"assess": "risk-assessment"},
    ),
    _step(
        "submit_legality",
        _("Submit for legality review"),
        [DRAFTERS],
        LegalitySubmitWork,
        "第二十五条、第二十六条",
        routes={"submit": "legality-submit"},
        clocks=[Clock(LEGALITY_REVIEW_CLOCK)],
    ),
    _step(
        "legality_review",
        _("Legality review"),
        # The review office reviews (第二十五条): its legal advisors prepare the opinion or
        # return the submission for supplement (第二十六条).
        [Offer(("legal_advisor",), review_office)],
        LegalityReviewWork,
        "第二十五条至第二十八条",
        routes={"review": "legality-review", "return": "legality-return"},
        clocks=[Clock(LEGALITY_REVIEW_CLOCK, meets=True)],
    ),
    _step(
        "approve_legality",
        _("Approve the legality opinion"),
        # The opinion is issued in the office's name once its head approves (第二十八条).
        [Offer(("unit_head",), review_office)],
        LegalityApproveWork,
        "第二十八条",
        routes={"approve": "legality-approve", "send_back": "legality-opinion-send-back"},
        clocks=[Clock(LEGALITY_REVIEW_CLOCK, meets=True)],
    ),
    _step(
        "package_check",
        _("Check the submission package"),
        [DRAFTERS],
        PackageCheckWork,
        "第二十九条",
        routes={"check": "package-check"},
    ),
    _step(
        "meeting",
        _("Executive meeting"),
        [Offer(("meeting_secretary",), government)],
        MeetingWork,
        "第三十条",
        routes={
            "schedule": "meeting-schedule",
            "statement": "meeting-statement",
            "decide": "meeting-decide",
        },
    ),
    _step(
        "incorporate_amendments",
        _("Incorporate the amendments"),
        [DRAFTERS],
        AmendmentsWork,
        "第三十条",
        routes={"amend": "amended-version"},
    ),
    _step(
        "approve_amendments",
        _("Approve the amended text"),
        [Offer(("unit_head",), lead_unit)],
        AmendmentsApproveWork,
        "第三十条",
        routes={"approve": "amended-version-approve"},
    ),
    _step(
        "confirm_amendments",
        _("Confirm the amended text is lawful"),
        # Substantive amendments: the review office confirms (第二十五条、第二十八条).
        [Offer(("legal_advisor",), review_office)],
        AmendmentsConfirmWork,
        "第二十五条、第三十条",
        routes={"confirm": "amended-version-confirm"},
    ),
    _step(
        "party_report",
        _("Report to the Party committee"),
        [Offer(("meeting_secretary",), government)],
        PartyReportWork,
        "第三十一条",
        routes={"report": "party-report"},
    ),
    _step(
        "publication",
        _("Publication"),
        [Offer(("publisher",), government)],
        PublicationWork,
        "第三十二条",
        routes={"publish": "publication"},
    ),
    _step(
        "archive",
        _("Archiving"),
        [Offer(("archivist",), government)],
        ArchiveWork,
        "第三十三条",
        routes={"seal": "seal"},
    ),
]

register_steps(PROCESS, STEPS)

BY_NODE = {step.node: step for step in STEPS}


def decision_steps():
    return steps_of(PROCESS)


def step_of_node(node: str):
    return BY_NODE[node]

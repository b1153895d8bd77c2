"""Models of the major administrative decision process (《重大行政决策程序暂行条例》)."""

from .aftermath import Adjustment, ExecutionReport, PartyReport, PostEvaluation, Publication
from .assessment import (
    ExpertInterest,
    ExpertOpinion,
    ExpertProfile,
    ExpertSelection,
    Hearing,
    RiskAssessment,
    RiskDimension,
    RiskLevel,
)
from .catalogue import CatalogueItem
from .decision import Attachment, Decision, DecisionProcess, DraftVersion, Outcome, Stage
from .meeting import Attendance, Meeting, Statement
from .review import LegalityOpinionRegister, LegalityReview
from .session import AgendaItem, Session, SessionAttendance

__all__ = [
    "Adjustment",
    "AgendaItem",
    "Attachment",
    "Attendance",
    "CatalogueItem",
    "Decision",
    "DecisionProcess",
    "DraftVersion",
    "ExecutionReport",
    "ExpertInterest",
    "ExpertOpinion",
    "ExpertProfile",
    "ExpertSelection",
    "Hearing",
    "LegalityOpinionRegister",
    "LegalityReview",
    "Meeting",
    "Outcome",
    "PartyReport",
    "PostEvaluation",
    "Publication",
    "RiskAssessment",
    "RiskDimension",
    "RiskLevel",
    "Session",
    "SessionAttendance",
    "Stage",
    "Statement",
]

"""One page per human task of DecisionFlow: the forms of its step (``decisions.steps``); a POST
completes it through ``workflows.tasking.task_complete``, as the API does.

Access is checked before these views run (``decisions.views.guard``): 404 for people who may
not see the decision, 403 for people who see it but were not offered the task.
"""

from .amendments import AmendmentsApproveView, AmendmentsConfirmView, AmendmentsView
from .base import TaskView
from .drafting import (
    ConsultationOpenView,
    DisposeCommentsView,
    DraftView,
    ExpertArgumentationView,
    RiskAssessmentView,
)
from .meeting import ArchiveView, MeetingView, PartyReportView, PublicationView
from .review import LegalityApproveView, LegalityReviewView, LegalitySubmitView, PackageCheckView

__all__ = [
    "AmendmentsApproveView",
    "AmendmentsConfirmView",
    "AmendmentsView",
    "ArchiveView",
    "ConsultationOpenView",
    "DisposeCommentsView",
    "DraftView",
    "ExpertArgumentationView",
    "LegalityApproveView",
    "LegalityReviewView",
    "LegalitySubmitView",
    "MeetingView",
    "PackageCheckView",
    "PartyReportView",
    "PublicationView",
    "RiskAssessmentView",
    "TaskView",
]

"""One view per human task of DecisionFlow. Each POST parses one form and calls one service;
the task is claimed for the person on their first successful action and finished
(``activation.execute()``) once the service has moved the decision on.

Access is checked before these views run (``decisions.views.guard``): 404 for people who may
not see the decision, 403 for people who see it but were not offered the task.
"""

from .base import (
    CommentHideForm,
    TaskView,
)
from .drafting import (
    ConsultationOpenView,
    DisposeCommentsView,
    DraftView,
    ExpertArgumentationView,
    RiskAssessmentView,
)
from .meeting import (
    ArchiveView,
    MeetingView,
    PartyReportView,
    PublicationView,
    people_with_role,
)
from .review import (
    LegalityReviewView,
    LegalitySubmitView,
    PackageCheckView,
)

__all__ = [
    "ArchiveView",
    "CommentHideForm",
    "ConsultationOpenView",
    "DisposeCommentsView",
    "DraftView",
    "ExpertArgumentationView",
    "LegalityReviewView",
    "LegalitySubmitView",
    "MeetingView",
    "PackageCheckView",
    "PartyReportView",
    "PublicationView",
    "RiskAssessmentView",
    "TaskView",
    "people_with_role",
]

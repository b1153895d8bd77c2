"""The pages of the steps from drafting to risk assessment; their work is declared in
``decisions.steps.drafting``."""

from ... import forms, services
from ...steps import step_of_node
from .base import TaskView


class DraftView(TaskView):
    step = step_of_node("draft")

    def initial(self, action):
        d = self.decision
        return {
            "title": d.title,
            "draft_text": d.draft_text,
            "legal_basis": "\n".join(d.legal_basis),
            "options": forms.options_text(d.options),
            **{name: getattr(d, name) for name in services.drafting.FLAG_FIELDS},
            **{name: getattr(d, name) for name in services.drafting.RECORD_FIELDS},
        }

    def extra_context_data(self):
        return {"attachments": self.decision.attachments.all()}


class ConsultationOpenView(TaskView):
    step = step_of_node("open_consultation")

    def initial(self, action):
        from datetime import timedelta

        from django.utils import timezone

        from workflows.consultations.services import minimum_period

        now = timezone.localtime().replace(second=0, microsecond=0)
        return {"opens_at": now, "closes_at": now + timedelta(days=minimum_period()[0])}


class DisposeCommentsView(TaskView):
    step = step_of_node("dispose_comments")

    def extra_context_data(self):
        return {
            "consultation": self.work.consultation,
            "comments": self.work.consultation.comments.select_related("disposition"),
        }


class ExpertArgumentationView(TaskView):
    step = step_of_node("expert_argumentation")

    def extra_context_data(self):
        given = set(self.decision.expert_opinions.values_list("expert_id", flat=True))
        selections = list(self.work._selections())
        for selection in selections:
            selection.has_opinion = selection.expert_id in given
        return {
            "opinions": self.work._opinions(),
            "selections": selections,
            "selections_shown": True,
            "argumentation_missing": services.expert_argumentation_missing(self.decision),
        }


class RiskAssessmentView(TaskView):
    step = step_of_node("risk_assessment")

"""The pages of the steps from drafting to risk assessment; their work is declared in
``decisions.steps.drafting``."""

from django.utils.translation import gettext_lazy as _

from ... import forms, services
from ...steps import step_of_node
from .base import TaskView

FINISH_STEP = _("Submit and finish this step")


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
    action_texts = {"open": {"submit_label": _("Open the public consultation")}}

    def initial(self, action):
        from datetime import timedelta

        from django.utils import timezone

        from workflows.consultations.services import minimum_period

        now = timezone.localtime().replace(second=0, microsecond=0)
        return {"opens_at": now, "closes_at": now + timedelta(days=minimum_period()[0])}


class DisposeCommentsView(TaskView):
    """Three labelled sections, one action each: dispose of a comment, hide an abusive one,
    finish (第十五条: every comment gets a disposition, a comment not fully adopted a reason)."""

    step = step_of_node("dispose_comments")
    action_texts = {
        "dispose": {
            "heading": _("1. Dispose of a comment"),
            "hint": _(
                "Adopted, partly adopted or not adopted; a comment not fully adopted needs a "
                "reason (第十五条). A disposition may be changed until the step is finished."
            ),
            "submit_label": _("Save this disposition"),
        },
        "hide": {
            "heading": _("2. Hide an abusive comment from the public (optional)"),
            "hint": _("A hidden comment is kept for the record and still needs a disposition."),
            "submit_label": _("Hide the comment"),
        },
        "finish": {
            "heading": _("3. Finish the handling of the comments"),
            "confirm": _(
                "I confirm that every comment has its disposition: the handling of the "
                "comments is final and the adoption report is fixed."
            ),
            "submit_label": FINISH_STEP,
        },
    }

    def initial(self, action):
        if action == "dispose":
            # The first comment still without a disposition, so the clerk works down the list.
            first = self.work.consultation.comments.filter(disposition=None).order_by("pk").first()
            return {"comment": first} if first is not None else {}
        return {}

    def extra_context_data(self):
        return {
            "consultation": self.work.consultation,
            "comments": self.work.consultation.comments.select_related("disposition"),
        }


class ExpertArgumentationView(TaskView):
    step = step_of_node("expert_argumentation")
    action_texts = {
        "choose": {
            "heading": _("1. Choose experts from the pool"),
            "submit_label": _("Choose these experts"),
        },
        "withdraw": {
            "heading": _("2. Record an expert's withdrawal (if any)"),
            "submit_label": _("Record the withdrawal"),
        },
        "handle": {
            "heading": _("3. Say how an expert opinion was handled"),
            "submit_label": _("Save the handling"),
        },
        "finish": {
            "heading": _("4. Finish the expert argumentation"),
            "confirm": _(
                "I confirm that every chosen expert gave a signed opinion or withdrew, and "
                "that the handling of every opinion is recorded."
            ),
            "submit_label": FINISH_STEP,
        },
    }

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

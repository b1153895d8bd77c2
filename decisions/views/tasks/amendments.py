"""The pages of incorporating the amendments a meeting decided
(``decisions.steps.amendments``)."""

from ... import services
from ...services.amendments import amending_meeting
from ...steps import step_of_node
from .base import TaskView


class _AmendmentsPage(TaskView):
    def extra_context_data(self):
        return {
            "amending_meeting": amending_meeting(self.decision),
            "pending_version": services.pending_amended_version(self.decision),
            "returned_version": self.decision.versions.filter(kind="amended")
            .exclude(returned_at=None)
            .exclude(review_opinion="")
            .order_by("-number")
            .first(),
        }


class AmendmentsView(_AmendmentsPage):
    step = step_of_node("incorporate_amendments")

    def initial(self, action):
        return {"text": self.decision.draft_text}


class AmendmentsApproveView(_AmendmentsPage):
    step = step_of_node("approve_amendments")


class AmendmentsConfirmView(_AmendmentsPage):
    step = step_of_node("confirm_amendments")

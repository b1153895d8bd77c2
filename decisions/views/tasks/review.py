"""The pages of the legality review and the package check (``decisions.steps.review``)."""

from django.utils.translation import gettext_lazy as _

from ... import rules, services
from ...steps import step_of_node
from .base import TaskView


class LegalitySubmitView(TaskView):
    step = step_of_node("submit_legality")


class LegalityReviewView(TaskView):
    step = step_of_node("legality_review")

    def extra_context_data(self):
        return {"review": services.latest_review(self.decision)}


class LegalityApproveView(TaskView):
    step = step_of_node("approve_legality")
    action_texts = {
        "approve": {
            "heading": _("Approve the opinion"),
            "confirm": _(
                "I approve the prepared opinion: it is numbered and issued in the review "
                "office's name."
            ),
            "submit_label": _("Approve and issue the opinion"),
        },
        "send_back": {
            "heading": _("Or send it back to the legal advisors"),
            "submit_label": _("Send back"),
        },
    }

    def extra_context_data(self):
        return {"review": services.latest_review(self.decision)}


class PackageCheckView(TaskView):
    step = step_of_node("package_check")
    action_texts = {
        "check": {
            "confirm": _("I confirm that the package for the meeting is complete (第二十九条)."),
            "submit_label": _("Submit and finish this step"),
        },
    }

    def extra_context_data(self):
        return {
            "missing": rules.package_missing(services.package_facts(self.decision)),
            "package_checked": True,
        }

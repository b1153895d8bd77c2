"""The pages of the legality review and the package check (``decisions.steps.review``)."""

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

    def extra_context_data(self):
        return {"review": services.latest_review(self.decision)}


class PackageCheckView(TaskView):
    step = step_of_node("package_check")

    def extra_context_data(self):
        return {
            "missing": rules.package_missing(services.package_facts(self.decision)),
            "package_checked": True,
        }

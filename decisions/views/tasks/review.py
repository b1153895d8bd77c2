"""The legality review (第二十五条–第二十八条) and the check of the package for the meeting."""

from ... import forms, rules, services
from .base import TaskView


class LegalitySubmitView(TaskView):
    actions = {"submit": forms.LegalitySubmitForm}

    def do_submit(self, data, form):
        services.legality_review_submit(decision=self.decision, by=self.request.user, **data)
        return True


class LegalityReviewView(TaskView):
    actions = {"review": forms.LegalityReviewForm}

    def extra_context_data(self):
        return {"review": services.latest_review(self.decision)}

    def do_review(self, data, form):
        services.legality_review_complete(
            review=services.latest_review(self.decision), by=self.request.user, **data
        )
        return True


class PackageCheckView(TaskView):
    actions = {"check": forms.ConfirmForm}

    def extra_context_data(self):
        return {
            "missing": rules.package_missing(services.package_facts(self.decision)),
            "package_checked": True,
        }

    def do_check(self, data, form):
        services.decision_package_check(decision=self.decision, by=self.request.user)
        return True

"""The legality review (第二十五条–第二十八条) and the check of the package for the meeting."""

from .. import forms, services
from .base import DecisionWork


class LegalitySubmitWork(DecisionWork):
    actions = {"submit": forms.LegalitySubmitForm}

    def do_submit(self, data, form):
        services.legality_review_submit(decision=self.decision, by=self.user, **data)
        return True


class LegalityReviewWork(DecisionWork):
    actions = {"review": forms.LegalityReviewForm}

    def do_review(self, data, form):
        services.legality_review_complete(
            review=services.latest_review(self.decision), by=self.user, **data
        )
        return True


class PackageCheckWork(DecisionWork):
    actions = {"check": forms.ConfirmForm}

    def do_check(self, data, form):
        services.decision_package_check(decision=self.decision, by=self.user)
        return True

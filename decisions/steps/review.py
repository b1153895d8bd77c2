"""The legality review (第二十五条–第二十八条) and the check of the package for the meeting."""

from django.utils.functional import cached_property

from .. import forms, services
from ..models import LegalityReview
from .base import DecisionWork


class LegalitySubmitWork(DecisionWork):
    actions = {"submit": forms.LegalitySubmitForm}

    def do_submit(self, data, form):
        services.legality_review_submit(decision=self.decision, by=self.user, **data)
        return True


class LegalityReviewWork(DecisionWork):
    """A legal advisor of the review office returns the submission for supplement
    (第二十六条) or prepares the opinion (第二十八条), which then awaits the head's approval."""

    actions = {"review": forms.LegalityReviewForm, "return": forms.LegalityReturnForm}

    @cached_property
    def review(self) -> LegalityReview | None:
        return services.latest_review(self.decision)

    def do_review(self, data, form):
        services.legality_review_complete(review=self.review, by=self.user, **data)
        return True

    def do_return(self, data, form):
        services.legality_review_return(review=self.review, by=self.user, **data)
        return True


class LegalityApproveWork(DecisionWork):
    """The head of the review office approves the prepared opinion, which issues it numbered
    in the office's name (第二十八条), or sends it back to the legal advisors."""

    actions = {"approve": forms.ConfirmForm, "send_back": forms.OpinionSendBackForm}

    @cached_property
    def review(self) -> LegalityReview | None:
        return services.latest_review(self.decision)

    def do_approve(self, data, form):
        services.legality_review_approve(review=self.review, by=self.user)
        return True

    def do_send_back(self, data, form):
        services.legality_opinion_send_back(review=self.review, by=self.user, **data)
        return True


class PackageCheckWork(DecisionWork):
    actions = {"check": forms.ConfirmForm}

    def do_check(self, data, form):
        services.decision_package_check(decision=self.decision, by=self.user)
        return True

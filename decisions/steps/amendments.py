"""Incorporating the amendments a meeting decided (第三十条: 修改后通过), three steps in turn:
the lead unit's drafter enters the amended text, its unit head approves it, and, when the
amendments are substantive, a legal advisor of the review office confirms the text is lawful
or returns it to the drafter. Each service checks its own role."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import services
from ..forms.amendments import (
    AmendedVersionApproveForm,
    AmendedVersionConfirmForm,
    AmendedVersionForm,
)
from .base import DecisionWork


def _pending(decision):
    pending = services.pending_amended_version(decision)
    if pending is None:
        raise ValidationError(_("Enter the amended text first."), code="no_amended_version")
    return pending


class AmendmentsWork(DecisionWork):
    actions = {"amend": AmendedVersionForm}

    def do_amend(self, data, form):
        services.amended_version_submit(
            decision=self.decision,
            by=self.user,
            text=data["text"],
            substantive=data["substantive"],
        )
        return True


class AmendmentsApproveWork(DecisionWork):
    actions = {"approve": AmendedVersionApproveForm}

    def do_approve(self, data, form):
        services.amended_version_approve(version=_pending(self.decision), by=self.user)
        return True


class AmendmentsConfirmWork(DecisionWork):
    actions = {"confirm": AmendedVersionConfirmForm}

    def do_confirm(self, data, form):
        services.amended_version_confirm(
            version=_pending(self.decision),
            by=self.user,
            lawful=data["lawful"],
            opinion=data["opinion"],
        )
        return True

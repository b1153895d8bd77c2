"""Forms of the legality review, and the confirmation a step's finish takes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.validators import LegalDateField

from ..models import LegalityReview
from .fields import DATE


class LegalitySubmitForm(forms.Form):
    procedures_account = forms.CharField(
        label=_("Account of the procedures done"), widget=forms.Textarea
    )
    opinion_needed_by = LegalDateField(
        label=_("Opinion needed by"),
        required=False,
        widget=DATE,
        help_text=_("At least 7 working days from today (第二十六条); empty: exactly the minimum."),
    )
    short_time_reason = forms.CharField(
        label=_("Reason for a shorter review time"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Only when the opinion is needed sooner than the minimum."),
    )


class LegalityReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("lawful", _("Lawful")),
            ("lawful_with_amendments", _("Lawful with amendments")),
            ("unlawful", _("Unlawful")),
        ],
    )
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea)
    amendments = forms.CharField(
        label=_("Amendments required"), required=False, widget=forms.Textarea
    )
    exploratory_reform = forms.BooleanField(label=_("Exploratory reform"), required=False)
    legal_risk_statement = forms.CharField(
        label=_("Stated legal risk"), required=False, widget=forms.Textarea
    )


class LegalityReturnForm(forms.Form):
    """Return for supplement (退回补充, 第二十六条): what is missing."""

    missing = forms.MultipleChoiceField(
        label=_("What is missing"),
        choices=LegalityReview.Missing.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)


class OpinionSendBackForm(forms.Form):
    """The head sends the prepared opinion back to the legal advisors, saying why."""

    note = forms.CharField(label=_("What to reconsider"), widget=forms.Textarea)


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("Confirm"))

"""Forms of the legality review, and the confirmation a step's finish takes."""

from django import forms
from django.utils.translation import gettext_lazy as _


class LegalitySubmitForm(forms.Form):
    procedures_account = forms.CharField(
        label=_("Account of the procedures done"), widget=forms.Textarea
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


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("Confirm"))

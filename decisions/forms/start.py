"""The records of how a decision may start: the Party committee's consent to the yearly catalogue
(第三条) and the government's decision to start one (第十条)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.validators import LegalDateField

from .fields import DATE


class PartyConsentForm(forms.Form):
    consented_by = forms.CharField(label=_("Party committee consenting"), max_length=200)
    consented_on = LegalDateField(label=_("Party consent given on"), widget=DATE)
    reference = forms.CharField(label=_("Reference of the Party consent"), max_length=200)


def start_decision_fields() -> tuple[forms.Field, forms.Field, forms.Field]:
    """The government's decision to start (第十条: who decided, when, the reference), given at
    initiation or with the draft; the service refuses to submit a draft without them. New
    fields each call, declared in place, so each form keeps its own field order."""
    return (
        forms.CharField(
            label=_("Start decided by (administrative head or executive meeting)"),
            max_length=200,
            required=False,
        ),
        LegalDateField(label=_("Start decided on"), widget=DATE, required=False),
        forms.CharField(
            label=_("Reference of the start decision (instruction, meeting number)"),
            max_length=200,
            required=False,
        ),
    )

"""The Party committee's consent to the yearly catalogue (第三条)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.validators import LegalDateField

from .fields import DATE


class PartyConsentForm(forms.Form):
    consented_by = forms.CharField(label=_("Party committee consenting"), max_length=200)
    consented_on = LegalDateField(label=_("Party consent given on"), widget=DATE)
    reference = forms.CharField(label=_("Reference of the Party consent"), max_length=200)

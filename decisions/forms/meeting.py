"""Forms of the meeting of the government, the report to the Party committee and the
publication.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.validators import LegalDateField, LegalDateTimeField

from ..models import Meeting, Outcome, Statement
from .fields import DATE, DATETIME, PeopleChoiceField, PersonChoiceField


class MeetingOpenForm(forms.Form):
    """Attendance: every member of the government is listed; those not ticked are absent."""

    kind = forms.ChoiceField(label=_("Meeting"), choices=Meeting.Kind.choices)
    held_at = LegalDateTimeField(label=_("Held at"), widget=DATETIME)
    principal = PersonChoiceField(label=_("Administrative head"), queryset=None)
    present = PeopleChoiceField(
        label=_("Members present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, members=None, principals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principal"].queryset = principals
        self.fields["present"].queryset = members


class StatementForm(forms.Form):
    # The next member who has not spoken is preselected: statements are taken in order.
    speaker = PersonChoiceField(label=_("Speaker"), queryset=None, empty_label=None)
    position = forms.ChoiceField(label=_("Position"), choices=Statement.Position.choices)
    text = forms.CharField(label=_("Statement, verbatim"), widget=forms.Textarea, strip=False)

    def __init__(self, *args, speakers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = speakers


class HeadDecisionForm(forms.Form):
    head_decision = forms.ChoiceField(
        label=_("Decision of the head"), choices=[c for c in Outcome.choices if c[0]]
    )
    statement = forms.CharField(
        label=_("Statement of the head, verbatim"), widget=forms.Textarea, strip=False
    )
    reason = forms.CharField(
        label=_("Reason (required against the majority)"), required=False, widget=forms.Textarea
    )


class PartyReportForm(forms.Form):
    reported_on = LegalDateField(label=_("Reported on"), widget=DATE)
    reference = forms.CharField(label=_("Reference"), max_length=100)
    recipient = forms.CharField(label=_("Reported to"), max_length=200)


class PublicationForm(forms.Form):
    published_on = LegalDateField(label=_("Published on"), required=False, widget=DATE)
    channel = forms.CharField(label=_("Channel"), required=False)
    url = forms.URLField(label=_("Address"), required=False, assume_scheme="https")
    interpretation = forms.CharField(
        label=_("Interpretation"), required=False, widget=forms.Textarea
    )

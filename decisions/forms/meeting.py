"""Forms of the meeting of the government, the report to the Party committee and the
publication.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.validators import LegalDateField, LegalDateTimeField

from ..models import AgendaItem, Meeting, Outcome, Session, Statement
from .fields import DATE, DATETIME, PeopleChoiceField, PersonChoiceField


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}（{timezone.localtime(obj.held_at):%Y-%m-%d %H:%M}）"


class SessionScheduleForm(forms.Form):
    """The decision's meeting step: put it on a planned or open session of its government."""

    session = SessionChoiceField(label=_("Session"), queryset=Session.objects.none())
    presenter = PersonChoiceField(label=_("Presenter"), queryset=None, required=False)

    def __init__(self, *args, sessions=None, presenters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["presenter"].queryset = presenters


class SessionPlanForm(forms.Form):
    """The secretary plans the next numbered session (its number is given when saved)."""

    kind = forms.ChoiceField(label=_("Meeting"), choices=Meeting.Kind.choices)
    held_at = LegalDateTimeField(label=_("Held at"), widget=DATETIME)
    principal = PersonChoiceField(label=_("Administrative head"), queryset=None)

    def __init__(self, *args, principals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principal"].queryset = principals


class AgendaItemProposeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in AgendaItem.Kind.choices if c[0] != AgendaItem.Kind.MAJOR_DECISION],
    )
    materials = forms.CharField(label=_("Materials"), required=False, widget=forms.Textarea)


class AgendaItemCheckForm(forms.Form):
    """The review office's legality check of an item (议题合法性审核)."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=AgendaItem.CheckOutcome.choices)
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea)
    exploratory_reform = forms.BooleanField(label=_("Exploratory reform"), required=False)
    legal_risk_statement = forms.CharField(
        label=_("Stated legal risk"), required=False, widget=forms.Textarea
    )


class MeetingOpenForm(forms.Form):
    """Attendance when a session opens: every member of the government is listed; those not
    ticked are absent (``session_open``)."""

    present = PeopleChoiceField(
        label=_("Members present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = members


SessionOpenForm = MeetingOpenForm


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
    amendments = forms.CharField(
        label=_("Amendments decided (required when adopted with amendments)"),
        required=False,
        widget=forms.Textarea,
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

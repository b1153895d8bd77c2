"""Forms of the staff screens. They only parse input; the services decide.

Every choice is limited to the decision's own objects (its comments, its expert opinions, the
members of its government), so a form can never name somebody else's record.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.consultations.models import Disposition
from workflows.consultations.rules import is_period_too_long
from workflows.files import validate_upload_size
from workflows.validators import LegalDateField, LegalDateTimeField, period_too_long_error

from .models import (
    Adjustment,
    Attachment,
    Meeting,
    Outcome,
    PostEvaluation,
    RiskDimension,
    RiskLevel,
    Statement,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def option_blocks(text: str) -> list[dict]:
    """Alternative options (第十三条) typed as blocks separated by a blank line; the first line
    of a block is its title."""
    options = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        rows = [r for r in block.strip().split("\n") if r.strip()]
        if rows:
            options.append(
                {"title": rows[0].strip(), "text": "\n".join(rows[1:]).strip() or rows[0]}
            )
    return options


def options_text(options: list[dict]) -> str:
    return "\n\n".join(f"{o.get('title', '')}\n{o.get('text', '')}".strip() for o in options)


def person_label(user) -> str:
    return user.get_full_name() or user.get_username()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


class UploadForm(forms.Form):
    """One attachment. The type is decided by its content in the service (workflows/files.py)."""

    file = forms.FileField(
        label=_("Attachment (PDF, DOCX or OFD)"), validators=[validate_upload_size]
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices)


class DecisionStartForm(forms.Form):
    catalogue_item = forms.ModelChoiceField(
        label=_("Catalogue item"), queryset=None, required=False
    )
    out_of_catalogue_reason = forms.CharField(
        label=_("Reason for starting outside the catalogue"), required=False, widget=forms.Textarea
    )
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=300)
    problem = forms.CharField(label=_("Problem to solve"), widget=forms.Textarea)
    necessity = forms.CharField(
        label=_("Necessity and feasibility"), required=False, widget=forms.Textarea
    )
    legal_basis = forms.CharField(label=_("Legal basis, one per line"), widget=forms.Textarea)

    def __init__(self, *args, items=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalogue_item"].queryset = items
        self.fields["lead_unit"].queryset = units


class DraftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    draft_text = forms.CharField(label=_("Draft"), widget=forms.Textarea)
    legal_basis = forms.CharField(label=_("Legal basis, one per line"), widget=forms.Textarea)
    options = forms.CharField(
        label=_("Alternative options: blocks separated by a blank line, title on the first line"),
        required=False,
        widget=forms.Textarea,
    )
    not_disclosable = forms.BooleanField(label=_("Not disclosable by law"), required=False)
    not_disclosable_reason = forms.CharField(
        label=_("Why not disclosable"), required=False, widget=forms.Textarea
    )
    hearing_needed = forms.BooleanField(label=_("Hearing needed"), required=False)
    expert_argumentation_needed = forms.BooleanField(
        label=_("Expert argumentation needed"), required=False
    )
    affects_market_actors = forms.BooleanField(label=_("Affects market actors"), required=False)
    fair_competition_review = forms.CharField(
        label=_("Fair competition review"), required=False, widget=forms.Textarea
    )
    attachment = forms.FileField(
        label=_("Attachment (PDF, DOCX or OFD)"),
        required=False,
        validators=[validate_upload_size],
    )
    attachment_kind = forms.ChoiceField(
        label=_("Kind of attachment"), choices=Attachment.Kind.choices, required=False
    )
    submit = forms.BooleanField(label=_("Submit the draft (finish drafting)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("not_disclosable") and not (data.get("not_disclosable_reason") or "").strip():
            self.add_error("not_disclosable_reason", _("Say why the matter may not be disclosed."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern from Django's documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("validators", [validate_upload_size])
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ConsultationOpenForm(forms.Form):
    opens_at = LegalDateTimeField(label=_("Opens at"), widget=DATETIME)
    closes_at = LegalDateTimeField(label=_("Closes at"), widget=DATETIME)
    short_period_reason = forms.CharField(
        label=_("Reason for a shorter period (published)"), required=False, widget=forms.Textarea
    )
    attachments = MultipleFileField(
        label=_("Public attachments (PDF, DOCX or OFD)"), required=False
    )

    def clean(self):
        data = super().clean()
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and is_period_too_long(opens_at=opens_at, closes_at=closes_at):
            self.add_error("closes_at", period_too_long_error())
        return data


class CommentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        excerpt = obj.text if len(obj.text) <= 60 else obj.text[:60] + "…"
        return f"#{obj.pk} {excerpt}"


class DispositionForm(forms.Form):
    comment = CommentChoiceField(label=_("Comment"), queryset=None)
    outcome = forms.ChoiceField(label=_("Disposition"), choices=Disposition.Outcome.choices)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea)

    def __init__(self, *args, comments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].queryset = comments


class OpinionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj.expert.user)


class ExpertHandlingForm(forms.Form):
    opinion = OpinionChoiceField(label=_("Expert opinion"), queryset=None)
    handling = forms.CharField(label=_("Handling of the opinion"), widget=forms.Textarea)

    def __init__(self, *args, opinions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinion"].queryset = opinions


class ExpertChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        fields = "、".join(obj.fields)
        return f"{person_label(obj.user)} ({fields})" if fields else person_label(obj.user)


class ExpertChooseForm(forms.Form):
    """Experts from the pool (第十九条、第二十一条); the service refuses anyone with a declared
    interest in the matter."""

    experts = ExpertChoiceField(
        label=_("Experts from the pool"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, pool=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = pool


class SelectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj.expert.user)


class ExpertWithdrawForm(forms.Form):
    selection = SelectionChoiceField(label=_("Chosen expert"), queryset=None)
    reason = forms.CharField(label=_("Why the expert withdrew"), widget=forms.Textarea)

    def __init__(self, *args, selections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selection"].queryset = selections


class ExpertOpinionForm(forms.Form):
    text = forms.CharField(label=_("Written opinion"), widget=forms.Textarea)
    signed = forms.BooleanField(label=_("I sign this opinion"))


class RiskAssessmentForm(forms.Form):
    overall_level = forms.ChoiceField(label=_("Overall level"), choices=RiskLevel.choices)
    contingency_plan = forms.CharField(label=_("Contingency plan"), widget=forms.Textarea)
    third_party = forms.CharField(label=_("Third-party assessor"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        levels = [(v, label) for v, label in RiskLevel.choices if v != RiskLevel.UNCONTROLLABLE]
        for name, label in RiskDimension.Dimension.choices:
            self.fields[f"{name}_level"] = forms.ChoiceField(label=label, choices=levels)
            self.fields[f"{name}_risk_points"] = forms.CharField(
                label=_("Risk points"), widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"{name}_mitigations"] = forms.CharField(
                label=_("Mitigations"), widget=forms.Textarea(attrs={"rows": 2})
            )

    def dimensions(self) -> dict:
        return {
            name: {
                "level": self.cleaned_data[f"{name}_level"],
                "risk_points": self.cleaned_data[f"{name}_risk_points"],
                "mitigations": self.cleaned_data[f"{name}_mitigations"],
            }
            for name in RiskDimension.Dimension.values
        }


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


class HearingScheduleForm(forms.Form):
    materials_sent_on = LegalDateField(label=_("Materials sent on"), widget=DATE)
    held_on = LegalDateField(label=_("Held on"), widget=DATE)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    participants = forms.CharField(label=_("Participants (published)"), widget=forms.Textarea)


class HearingRecordForm(forms.Form):
    hearing = forms.ModelChoiceField(label=_("Hearing"), queryset=None)
    record = forms.CharField(label=_("Hearing record"), widget=forms.Textarea)
    signed_by_participants = forms.BooleanField(label=_("Signed by the participants"))

    def __init__(self, *args, hearings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hearing"].queryset = hearings


class CatalogueItemForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=None)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units


class CatalogueAdjustForm(forms.Form):
    title = forms.CharField(label=_("New title"), max_length=300, required=False)
    lead_unit = forms.ModelChoiceField(label=_("New lead unit"), queryset=None, required=False)
    reason = forms.CharField(label=_("Reason for the adjustment"), widget=forms.Textarea)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units


class ExecutionReportForm(forms.Form):
    executing_unit = forms.ModelChoiceField(label=_("Executing unit"), queryset=None)
    period = forms.CharField(label=_("Period"), max_length=100)
    text = forms.CharField(label=_("Report"), widget=forms.Textarea)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["executing_unit"].queryset = units


class PostEvaluationStartForm(forms.Form):
    trigger = forms.ChoiceField(label=_("Trigger"), choices=PostEvaluation.Trigger.choices)
    evaluator = PersonChoiceField(label=_("Evaluator"), queryset=None)
    evaluator_organisation = forms.CharField(
        label=_("Evaluating organisation"), required=False, max_length=200
    )

    def __init__(self, *args, evaluators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = evaluators


class PostEvaluationReportForm(forms.Form):
    report = forms.CharField(label=_("Evaluation report"), widget=forms.Textarea)


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Adjustment.Kind.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)
    drafter = PersonChoiceField(
        label=_("Drafter of the new decision"), queryset=None, required=False
    )

    def __init__(self, *args, drafters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drafter"].queryset = drafters

    def clean(self):
        data = super().clean()
        if data.get("kind") == Adjustment.Kind.ADJUST and not data.get("drafter"):
            self.add_error("drafter", _("An adjustment re-runs the procedure: name its drafter."))
        return data

"""Forms of the preparation of a decision: the proposal, the draft, the public comment period
and its dispositions, the experts and the risk assessment.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.consultations.models import Disposition
from workflows.consultations.rules import is_period_too_long
from workflows.files import validate_upload_size
from workflows.validators import LegalDateTimeField, period_too_long_error

from ..models import Attachment, RiskDimension, RiskLevel
from .fields import DATETIME, MultipleFileField, person_label
from .start import start_decision_fields


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
    # 第十条: the government's decision to start (or recorded with the draft before submission).
    start_decided_by, start_decided_on, start_reference = start_decision_fields()

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
    # Required when the draft is submitted (the service refuses without them).
    drafting_explanation = forms.CharField(
        label=_("Drafting explanation (published with the draft)"),
        required=False,
        widget=forms.Textarea,
    )
    start_decided_by, start_decided_on, start_reference = start_decision_fields()
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

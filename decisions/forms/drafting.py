"""Forms of the preparation of a decision: the proposal, the draft, the public comment period
and its dispositions, the experts and the risk assessment.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from workflows.consultations.models import Disposition
from workflows.consultations.rules import MAXIMUM_DAYS, local_day
from workflows.consultations.services import minimum_period, period_refusal
from workflows.files import validate_upload_size
from workflows.validators import LegalDateTimeField

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

    # The page shows ``submit`` as the step's two buttons, "Save" (submit empty) and "Submit and
    # finish this step" (submit on), not as a checkbox beside "Save"; the field, and so the
    # API's ``submit`` flag, is unchanged.
    finish_field = "submit"
    fields_shown_apart = ("submit",)
    finish_label = _("Submit the draft and finish this step")
    finish_note = _(
        "“Save” keeps the draft and leaves the step open; submitting ends drafting and sends "
        "the draft to the next stage."
    )

    @property
    def finish_bound(self):
        return self[self.finish_field]

    def clean(self):
        data = super().clean()
        if data.get("not_disclosable") and not (data.get("not_disclosable_reason") or "").strip():
            self.add_error("not_disclosable_reason", _("Say why the matter may not be disclosed."))
        return data


_CLOSES_HELP = _(
    "The period lasts at least %(days)s days (%(source)s) and at most %(max)s days; in any "
    "case it closes on a later day than it opens."
)
_REASON_HELP = _(
    "Only for a period shorter than %(days)s days, e.g. for urgency; it is published with the "
    "consultation (%(source)s)."
)


def _period_help_text(template) -> str:
    days, source = minimum_period()
    return str(template) % {"days": days, "source": source, "max": MAXIMUM_DAYS}


# The minimum is a setting read from the clocks' rules: read when the page shows the help, not
# when the form class is built (the API builds its schema from the form).
_period_help = lazy(_period_help_text, str)


class ConsultationOpenForm(forms.Form):
    """The public comment period (《重大行政决策程序暂行条例》第十五条). The limits are shown
    before they are broken (help texts) and refused at their field, with the input kept: the
    opening day is today or later (a consultation cannot be opened in the past: the public
    could not have commented), and the period is what ``consultation_open`` accepts
    (``period_refusal``, the service's own refusal, shown at the field it is about)."""

    opens_at = LegalDateTimeField(
        label=_("Opens at"),
        widget=DATETIME,
        help_text=_("Today or later: a consultation cannot be backdated."),
    )
    closes_at = LegalDateTimeField(
        label=_("Closes at"), widget=DATETIME, help_text=_period_help(_CLOSES_HELP)
    )
    short_period_reason = forms.CharField(
        label=_("Reason for a shorter period (published)"),
        required=False,
        widget=forms.Textarea,
        help_text=_period_help(_REASON_HELP),
    )
    attachments = MultipleFileField(
        label=_("Public attachments (PDF, DOCX or OFD)"), required=False
    )

    # Where each refusal of ``period_refusal`` stands on this form.
    REFUSAL_FIELDS = {
        "closes_before_opening": "closes_at",
        "period_too_long": "closes_at",
        "short_period_without_reason": "short_period_reason",
    }

    def clean(self):
        data = super().clean()
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and local_day(opens_at) < timezone.localdate():
            self.add_error(
                "opens_at",
                ValidationError(
                    _("The consultation cannot open before today (%(today)s)."),
                    code="backdated",
                    params={"today": timezone.localdate().isoformat()},
                ),
            )
        if opens_at and closes_at:
            refusal = period_refusal(
                opens_at=opens_at,
                closes_at=closes_at,
                short_period_reason=data.get("short_period_reason") or "",
            )
            if refusal is not None:
                self.add_error(self.REFUSAL_FIELDS.get(refusal.code), refusal)
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

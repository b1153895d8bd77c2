"""Forms of the pages outside the flow: attachments, hearings, the catalogue, execution,
post-evaluation and adjustment.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.files import validate_upload_size
from workflows.validators import LegalDateField

from ..models import Adjustment, Attachment, PostEvaluation
from .fields import DATE, PersonChoiceField


class UploadForm(forms.Form):
    """One attachment. The type is decided by its content in the service (workflows/files.py)."""

    file = forms.FileField(
        label=_("Attachment (PDF, DOCX or OFD)"), validators=[validate_upload_size]
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices)


class HearingScheduleForm(forms.Form):
    materials_sent_on = LegalDateField(label=_("Materials sent on"), widget=DATE)
    held_on = LegalDateField(label=_("Held on"), widget=DATE)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    participants = forms.CharField(label=_("Participants (published)"), widget=forms.Textarea)
    # 听证公告: with it the hearing is announced on the portal at once (第十六条、第十七条).
    notice = forms.CharField(
        label=_("Hearing notice (published with the participants)"),
        required=False,
        widget=forms.Textarea,
    )


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

"""Forms of the staff UI. They parse input only; the services decide."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from workflows.consultations.rules import MAXIMUM_DAYS
from workflows.validators import IdField, LegalDateField, period_too_long_error

from .models import (
    CleanupCampaign,
    CleanupItem,
    Deliberation,
    DraftingBody,
    FilingBody,
    LegalityReview,
)
from .rules import CONTENT_LIMITS

DATE = forms.DateInput(attrs={"type": "date"})


class DocumentForm(forms.Form):
    drafting_body = forms.ModelChoiceField(
        queryset=DraftingBody.objects.none(), label=_("Drafting body")
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    doc_type = forms.ChoiceField(
        label=_("Document type"),
        choices=[("规", _("Normative series (规)")), ("发", _("General (发)"))],
    )
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea, required=False, max_length=200_000
    )
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea, required=False)
    cited_laws = forms.CharField(label=_("Laws cited"), required=False)
    touches_public_interest = forms.BooleanField(
        label=_("Touches the public interest"), required=False
    )

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drafting_body"].queryset = (
            bodies if bodies is not None else DraftingBody.objects.none()
        )


class EmptyForm(forms.Form):
    pass


class ConsultationForm(forms.Form):
    closes_on = LegalDateField(label=_("Comment closes on"), widget=DATE)
    short_period_reason = forms.CharField(
        label=_("Reason for a period shorter than the minimum"),
        required=False,
        widget=forms.Textarea,
    )

    def clean(self):
        # The consultation opens when this form is sent and closes at the end of ``closes_on``.
        data = super().clean()
        closes_on = data.get("closes_on")
        if closes_on and closes_on - timezone.localdate() >= timedelta(days=MAXIMUM_DAYS):
            self.add_error("closes_on", period_too_long_error())
        elif closes_on and closes_on <= timezone.localdate():
            # The service refuses it too (consultations.rules.period_problem): said at the field.
            self.add_error(
                "closes_on",
                forms.ValidationError(
                    _("The consultation must close on a later day than the day it opens."),
                    code="closes_before_opening",
                ),
            )
        return data


class SubmitReviewForm(forms.Form):
    """The submission and its materials (国办发〔2018〕115号 二(三)); the needed-by date leaves
    the reviewer at least 5 working days unless a reason is given (三(二))."""

    drafting_explanation = forms.CharField(
        label=_("Drafting explanation"), widget=forms.Textarea, max_length=50_000
    )
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea, max_length=50_000)
    comment_account = forms.CharField(
        label=_("Public comment and its adoption"),
        widget=forms.Textarea,
        required=False,
        max_length=50_000,
    )
    opinion_needed_by = LegalDateField(label=_("Opinion needed by"), widget=DATE, required=False)
    short_notice_reason = forms.CharField(
        label=_("Reason for a shorter review time"), widget=forms.Textarea, required=False
    )


class RevisionForm(forms.Form):
    """The revised text (修改稿), prefilled with the current text."""

    text = forms.CharField(label=_("Text"), widget=forms.Textarea, max_length=200_000)
    note = forms.CharField(label=_("What was changed"), widget=forms.Textarea, required=False)


class ConcludeReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=LegalityReview.Outcome.choices)
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea)

    CHECK_CHOICES = [("complies", _("Complies")), ("problem", _("Problem found"))]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One answer and one note per content limit (rules.CONTENT_LIMITS), in its fixed order.
        for key, label in CONTENT_LIMITS.items():
            self.fields[f"check_{key}"] = forms.ChoiceField(label=label, choices=self.CHECK_CHOICES)
            self.fields[f"note_{key}"] = forms.CharField(
                label=_("Note"), required=False, max_length=2000
            )

    def clean(self):
        data = super().clean()
        checklist = {}
        for key in CONTENT_LIMITS:
            answer = data.pop(f"check_{key}", None)
            note = data.pop(f"note_{key}", "")
            if answer:
                checklist[key] = {"ok": answer == "complies", "note": note or ""}
        data["checklist"] = checklist
        return data


class AmendmentsForm(forms.Form):
    note = forms.CharField(label=_("Amendments made"), widget=forms.Textarea)


class DeliberationForm(forms.Form):
    meeting_kind = forms.ChoiceField(label=_("Meeting"), choices=Deliberation.MeetingKind.choices)
    meeting_on = LegalDateField(label=_("Meeting date"), widget=DATE)
    adopted = forms.BooleanField(label=pgettext_lazy("deliberation", "Adopted"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False)

    def __init__(self, *args, meetings=None, **kwargs):
        """``meetings``: the meeting kinds that may deliberate the document (the page offers
        only those, rules.MEETINGS_FOR_ISSUER); all when not given (the service refuses)."""
        super().__init__(*args, **kwargs)
        if meetings is not None:
            field = self.fields["meeting_kind"]
            field.choices = [(k, label) for k, label in field.choices if k in meetings]


class RegisterForm(forms.Form):
    index_number = forms.CharField(
        label=_("Index number"),
        required=False,
        help_text=_("UNITCODE/YEAR-SERIAL, e.g. 24K458996/2022-00630"),
    )


class PublishForm(forms.Form):
    published_on = LegalDateField(label=_("Published on"), widget=DATE)
    immediate_reason = forms.CharField(
        label=_("Reason for immediate effect"),
        required=False,
        widget=forms.Textarea,
        help_text=_("Leave empty: the document takes effect 30 days after publication."),
    )


class RenewForm(forms.Form):
    """The validity task (令第218号 第三十七条): renewal is due before the validity period ends.
    The page shows, above the form, the day it is due by and every lawful end of the task, each
    through the service that carries it out (``normdocs/includes/validity_choices.html``):
    renewal here (``normdoc_renew``); letting it lapse (``normdoc_expire``, the daily sweep);
    amending it by a new document (``normdoc_create`` with ``amends``); repeal or declaration of
    invalidity through a cleanup (``cleanup_item_decide``, 谁制定谁清理)."""

    intro_template = "normdocs/includes/validity_choices.html"

    decision_reference = forms.CharField(
        label=_("Decision"),
        max_length=200,
        help_text=_("The issuing body's decision to renew, e.g. the minutes of its meeting."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)


class FilingSubmitForm(forms.Form):
    received_on = LegalDateField(label=_("Received on"), widget=DATE)


class FilingBodyField(forms.ModelChoiceField):
    """The body outside the installation the document is filed with (the step picks the
    document's filing with it)."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=FilingBody.objects.order_by("pk"), label=_("Filing body"), **kwargs
        )


class FilingExternalSubmitForm(forms.Form):
    receiving_body = FilingBodyField()
    submitted_on = LegalDateField(label=_("Submitted on"), widget=DATE)
    reference = forms.CharField(label=_("Filing reference"), max_length=100)
    materials = forms.CharField(label=_("Materials submitted"), widget=forms.Textarea)
    received_on = LegalDateField(label=_("Receipt acknowledged on"), required=False, widget=DATE)


class FilingExternalReceiptForm(forms.Form):
    receiving_body = FilingBodyField()
    received_on = LegalDateField(label=_("Receipt acknowledged on"), widget=DATE)


class FilingExternalOutcomeForm(forms.Form):
    OUTCOMES = [
        ("accepted", _("Accepted")),
        ("returned", _("Returned for completion")),
        ("correction_requested", _("Correction requested")),
        ("revoked", _("Revoked by the filing body")),
        ("changed", _("Changed by the filing body")),
    ]
    receiving_body = FilingBodyField()
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOMES)
    on = LegalDateField(label=_("Outcome on"), widget=DATE)
    reference = forms.CharField(label=_("Outcome reference"), max_length=100, required=False)
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea, required=False)
    correction_due_on = LegalDateField(label=_("Correction due on"), required=False, widget=DATE)


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea, required=False)


class TextForm(forms.Form):
    text = forms.CharField(label=_("Reason"), widget=forms.Textarea)


class CleanupOpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CleanupCampaign.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    keyword = forms.CharField(label=_("Cited law or keyword"), required=False)
    issuer_codes = forms.CharField(label=_("Issuer codes (comma separated)"), required=False)
    published_from = LegalDateField(label=_("Published from"), required=False, widget=DATE)
    published_to = LegalDateField(label=_("Published to"), required=False, widget=DATE)
    documents = forms.CharField(label=_("Document ids (comma separated)"), required=False)

    def scope(self) -> dict:
        data = self.cleaned_data
        scope: dict = {}
        if data["keyword"]:
            scope["keyword"] = data["keyword"].strip()
        if data["issuer_codes"]:
            scope["issuer_codes"] = [
                c.strip() for c in data["issuer_codes"].split(",") if c.strip()
            ]
        if data["published_from"]:
            scope["published_from"] = data["published_from"].isoformat()
        if data["published_to"]:
            scope["published_to"] = data["published_to"].isoformat()
        if data["documents"]:
            try:
                scope["documents"] = [int(x) for x in data["documents"].split(",") if x.strip()]
            except ValueError:
                raise forms.ValidationError(
                    _("Document ids are numbers separated by commas.")
                ) from None
        return scope


class CleanupDecideForm(forms.Form):
    """A verdict on one document of a campaign's scope (国办发〔2018〕37号 五(十八)), the
    document named by its id."""

    document = IdField(
        widget=forms.HiddenInput,
        help_text=_("The id of the document of the campaign's scope to decide."),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CleanupItem.Outcome.choices)
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class CleanupCloseForm(forms.Form):
    published_on = LegalDateField(label=_("Results published on"), widget=DATE)

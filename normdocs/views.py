"""Staff UI: the register, a document's page with the actions open to the reader, cleanups.

Each POST parses one form and calls one service; a refusal comes back as the form's error with
the rule's own words. Documents the reader may not see are a 404, never a 403.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic

from workflows.calendar import CalendarRangeError
from workflows.clocks.selectors import deadlines_for
from workflows.permissions import units_for_role

from . import forms, selectors, services
from .models import CleanupCampaign, CleanupItem, DraftingBody, Filing, LegalityReview, Status
from .permissions import (
    documents_visible_to,
    is_deliberation_recorder_for,
    is_drafter_for,
    is_filing_reviewer_for,
    is_issuer_head_for,
    is_legal_affairs_officer_for,
    is_legality_reviewer_for,
    is_publisher_for,
)
from .rules import RuleRefusal


def _url(request, name: str, *args) -> str:
    return reverse(f"{request.resolver_match.namespace}:{name}", args=args)


class RegisterView(LoginRequiredMixin, generic.ListView):
    """Every document the reader may see; by default the register of documents in force."""

    template_name = "normdocs/register.html"
    context_object_name = "documents"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status", Status.IN_FORCE)
        documents = documents_visible_to(self.request.user).select_related("drafting_body__unit")
        if status != "all":
            documents = documents.filter(status=status)
        query = self.request.GET.get("q", "").strip()
        if query:
            documents = documents.filter(title__contains=query) | documents.filter(
                number__contains=query
            )
        return documents.order_by("-published_on", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = Status.choices
        context["status"] = self.request.GET.get("status", Status.IN_FORCE)
        context["may_draft"] = _drafting_bodies(self.request.user).exists()
        return context


def _drafting_bodies(user):
    return DraftingBody.objects.filter(unit__in=units_for_role(user=user, role="drafter"))


class DocumentCreateView(LoginRequiredMixin, generic.FormView):
    template_name = "normdocs/form.html"
    form_class = forms.DocumentForm

    def get_form_kwargs(self):
        bodies = _drafting_bodies(self.request.user)
        if not bodies.exists():
            raise Http404
        return {**super().get_form_kwargs(), "bodies": bodies}

    def form_valid(self, form):
        try:
            document = services.normdoc_create(by=self.request.user, **form.cleaned_data)
        except RuleRefusal as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        return redirect(_url(self.request, "detail", document.pk))


@dataclass(frozen=True)
class Action:
    label: str
    form: type
    allowed: Callable  # (user, document) -> bool: offered to this reader now
    run: Callable  # (document, user, cleaned_data) -> None: calls one service


def _current_review(document) -> LegalityReview | None:
    return document.reviews.order_by("-id").first()


def _filing(document) -> Filing | None:
    return Filing.objects.filter(document=document).select_related("receiving_unit").first()


def _deadlines(document) -> list:
    """The document's legal clocks and its filing's, earliest due first (waiting ones last)."""
    clocks = list(deadlines_for(document))
    filing = _filing(document)
    if filing is not None:
        clocks += list(deadlines_for(filing))
    return sorted(clocks, key=lambda d: (d.due is None, d.due or d.start, d.pk))


def _filing_in(document, *states) -> bool:
    filing = _filing(document)
    return filing is not None and filing.status in states


def _may_open_consultation(user, document) -> bool:
    from workflows.consultations.selectors import consultation_latest

    return (
        document.status == Status.DRAFT
        and document.touches_public_interest
        and consultation_latest(subject=document) is None
        and is_drafter_for(user=user, body=document.drafting_body)
    )


def _open_consultation(document, user, data) -> None:
    """Public comment on a document touching the public interest (令第218号), through the shared
    consultations app: comments, dispositions and the adoption report live there."""
    from datetime import datetime, time

    from workflows.consultations.services import consultation_open

    closes_at = timezone.make_aware(datetime.combine(data["closes_on"], time(23, 59)))
    consultation_open(
        subject=document,
        by=user,
        title=document.title,
        draft_text=document.text,
        opens_at=timezone.now(),
        closes_at=closes_at,
        short_period_reason=data["short_period_reason"],
    )


ACTIONS: dict[str, Action] = {
    "open_consultation": Action(
        _("Put out for public comment"),
        forms.ConsultationForm,
        _may_open_consultation,
        _open_consultation,
    ),
    "submit_review": Action(
        _("Submit for legality review"),
        forms.EmptyForm,
        lambda u, d: d.status == Status.DRAFT and is_drafter_for(user=u, body=d.drafting_body),
        lambda d, u, data: services.legality_review_submit(document=d, by=u),
    ),
    "conclude_review": Action(
        _("Conclude the legality review"),
        forms.ConcludeReviewForm,
        lambda u, d: (
            d.status == Status.LEGALITY_REVIEW
            and not _current_review(d).outcome
            and is_legality_reviewer_for(user=u, document=d)
        ),
        lambda d, u, data: services.legality_review_conclude(
            review=_current_review(d), by=u, **data
        ),
    ),
    "record_amendments": Action(
        _("Record the amendments made"),
        forms.AmendmentsForm,
        lambda u, d: (
            d.status == Status.LEGALITY_REVIEW
            and _current_review(d).outcome == LegalityReview.Outcome.NEEDS_AMENDMENT
            and not _current_review(d).amendments_recorded_at
            and is_drafter_for(user=u, body=d.drafting_body)
        ),
        lambda d, u, data: services.legality_review_amendments_record(
            review=_current_review(d), by=u, **data
        ),
    ),
    "send_to_deliberation": Action(
        _("Send to deliberation"),
        forms.EmptyForm,
        lambda u, d: (
            d.status == Status.LEGALITY_REVIEW and is_drafter_for(user=u, body=d.drafting_body)
        ),
        lambda d, u, data: services.normdoc_send_to_deliberation(document=d, by=u),
    ),
    "deliberate": Action(
        _("Record the deliberation"),
        forms.DeliberationForm,
        lambda u, d: (
            d.status == Status.DELIBERATION
            and not d.deliberations.filter(adopted=True).exists()
            and is_deliberation_recorder_for(user=u, document=d)
        ),
        lambda d, u, data: services.normdoc_deliberate(document=d, by=u, **data),
    ),
    "register": Action(
        _("Register and number"),
        forms.RegisterForm,
        lambda u, d: d.status == Status.DELIBERATION and is_publisher_for(user=u, document=d),
        lambda d, u, data: services.normdoc_register(document=d, by=u, **data),
    ),
    "publish": Action(
        _("Publish"),
        forms.PublishForm,
        lambda u, d: d.status == Status.REGISTERED and is_publisher_for(user=u, document=d),
        lambda d, u, data: services.normdoc_publish(document=d, by=u, **data),
    ),
    "renew": Action(
        _("Renew the validity period"),
        forms.RenewForm,
        lambda u, d: (
            d.status in (Status.PUBLISHED, Status.IN_FORCE)
            and is_issuer_head_for(user=u, document=d)
        ),
        lambda d, u, data: services.normdoc_renew(document=d, by=u, **data),
    ),
    "filing_submit": Action(
        _("Submit the filing"),
        forms.FilingSubmitForm,
        lambda u, d: (
            _filing_in(d, Filing.Status.DUE, Filing.Status.RETURNED)
            and _filing(d).receiving_unit is not None
            and (is_publisher_for(user=u, document=d) or is_issuer_head_for(user=u, document=d))
        ),
        lambda d, u, data: services.filing_submit(filing=_filing(d), by=u, **data),
    ),
    "filing_accept": Action(
        _("Accept the filing"),
        forms.OpinionForm,
        lambda u, d: (
            _filing_in(d, Filing.Status.RECEIVED)
            and is_filing_reviewer_for(user=u, unit=_filing(d).receiving_unit)
        ),
        lambda d, u, data: services.filing_accept(filing=_filing(d), by=u, **data),
    ),
    "filing_return": Action(
        _("Return for completion"),
        forms.TextForm,
        lambda u, d: (
            _filing_in(d, Filing.Status.RECEIVED)
            and is_filing_reviewer_for(user=u, unit=_filing(d).receiving_unit)
        ),
        lambda d, u, data: services.filing_return(filing=_filing(d), by=u, missing=data["text"]),
    ),
    "filing_correction": Action(
        _("Request correction"),
        forms.TextForm,
        lambda u, d: (
            _filing_in(d, Filing.Status.RECEIVED)
            and is_filing_reviewer_for(user=u, unit=_filing(d).receiving_unit)
        ),
        lambda d, u, data: services.filing_request_correction(
            filing=_filing(d), by=u, problem=data["text"]
        ),
    ),
    "filing_issuer_amend": Action(
        _("Correct by amendment"),
        forms.EmptyForm,
        lambda u, d: (
            _filing_in(d, Filing.Status.CORRECTION_REQUESTED)
            and is_drafter_for(user=u, body=d.drafting_body)
        ),
        lambda d, u, data: services.filing_issuer_amend(filing=_filing(d), by=u),
    ),
    "filing_issuer_revoke": Action(
        _("Revoke the document"),
        forms.TextForm,
        lambda u, d: (
            _filing_in(d, Filing.Status.CORRECTION_REQUESTED)
            and is_issuer_head_for(user=u, document=d)
        ),
        lambda d, u, data: services.filing_issuer_revoke(
            filing=_filing(d), by=u, reason=data["text"]
        ),
    ),
    "filing_body_revoke": Action(
        _("Revoke as the filing body"),
        forms.TextForm,
        lambda u, d: (
            _filing_in(d, Filing.Status.CORRECTION_REQUESTED)
            and is_filing_reviewer_for(user=u, unit=_filing(d).receiving_unit)
        ),
        lambda d, u, data: services.filing_body_revoke(
            filing=_filing(d), by=u, reason=data["text"]
        ),
    ),
}

INITIAL = {
    "publish": lambda: {"published_on": timezone.localdate()},
    "filing_submit": lambda: {"received_on": timezone.localdate()},
    "deliberate": lambda: {"meeting_on": timezone.localdate()},
}


class DocumentDetailView(LoginRequiredMixin, generic.TemplateView):
    template_name = "normdocs/document.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.document = get_object_or_404(
                documents_visible_to(request.user).select_related(
                    "drafting_body__unit", "amends", "register"
                ),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def actions(self) -> list[str]:
        return [
            name
            for name, action in ACTIONS.items()
            if action.allowed(self.request.user, self.document)
        ]

    def build(self, name, data=None):
        form = ACTIONS[name].form(data=data, prefix=name, initial=INITIAL.get(name, dict)())
        form.action, form.label = name, ACTIONS[name].label
        return form

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.document
        context.update(
            document=document,
            reviews=document.reviews.select_related("reviewer", "submitted_by"),
            deliberations=document.deliberations.all(),
            renewals=document.renewals.all(),
            filing=_filing(document),
            deadlines=_deadlines(document),
            cleanup_items=document.cleanup_items.select_related("campaign"),
            amendments=document.amendments.all(),
            forms=[
                bound if bound and bound.action == name else self.build(name)
                for name in self.actions()
            ],
        )
        return context

    def post(self, request, *args, **kwargs):
        name = request.POST.get("action")
        if name not in self.actions():
            raise Http404
        form = self.build(name, data=request.POST)
        if form.is_valid():
            try:
                ACTIONS[name].run(self.document, request.user, form.cleaned_data)
            except (RuleRefusal, ValidationError, CalendarRangeError) as refusal:
                # The refusal's own words name the rule that forbids the step.
                form.add_error(
                    None, refusal.messages if isinstance(refusal, ValidationError) else str(refusal)
                )
            else:
                messages.success(request, ACTIONS[name].label)
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(bound=form))


class CleanupListView(LoginRequiredMixin, generic.ListView):
    template_name = "normdocs/cleanups.html"
    context_object_name = "campaigns"
    paginate_by = 50

    def get_queryset(self):
        return CleanupCampaign.objects.select_related("government").order_by("-opened_on", "-id")

    def governments(self):
        return [
            body.unit
            for body in DraftingBody.objects.filter(
                kind=DraftingBody.Kind.GOVERNMENT
            ).select_related("unit")
            if is_legal_affairs_officer_for(user=self.request.user, government=body.unit)
        ]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        governments = self.governments()
        context["open_form"] = (form or forms.CleanupOpenForm()) if governments else None
        return context

    def post(self, request, *args, **kwargs):
        governments = self.governments()
        if not governments:
            raise Http404
        form = forms.CleanupOpenForm(data=request.POST)
        if form.is_valid():
            try:
                campaign = services.cleanup_open(
                    kind=form.cleaned_data["kind"],
                    government=governments[0],
                    by=request.user,
                    title=form.cleaned_data["title"],
                    scope=form.scope(),
                )
            except (RuleRefusal, ValidationError, CalendarRangeError) as refusal:
                form.add_error(None, str(refusal))
            else:
                return redirect(_url(request, "cleanup", campaign.pk))
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form))


def _result_lists(campaign):
    results = selectors.cleanup_results(campaign=campaign)
    return [(value, label, results[value]) for value, label in CleanupItem.Outcome.choices]


class CleanupDetailView(LoginRequiredMixin, generic.TemplateView):
    template_name = "normdocs/cleanup.html"

    def dispatch(self, request, *args, **kwargs):
        self.campaign = get_object_or_404(CleanupCampaign, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user, campaign = self.request.user, self.campaign
        mine = [
            a.drafting_body_id
            for a in campaign.assignments.select_related("drafting_body__unit")
            if is_drafter_for(user=user, body=a.drafting_body)
        ]
        items = campaign.items.select_related(
            "document", "assignment__drafting_body__unit"
        ).order_by("document__number")
        context.update(
            campaign=campaign,
            results=_result_lists(campaign) if campaign.closed_at else None,
            items=items[:500],
            item_count=campaign.items.count(),
            decidable={i.pk for i in items.filter(assignment__drafting_body_id__in=mine)}
            if not campaign.closed_at
            else set(),
            decide_form=bound
            if isinstance(bound, forms.CleanupDecideForm)
            else forms.CleanupDecideForm(),
            close_form=(
                bound
                if isinstance(bound, forms.CleanupCloseForm)
                else forms.CleanupCloseForm(initial={"published_on": timezone.localdate()})
            )
            if not campaign.closed_at
            and is_legal_affairs_officer_for(user=user, government=campaign.government)
            else None,
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "close":
            form = forms.CleanupCloseForm(data=request.POST)
            call = self.close
        else:
            form = forms.CleanupDecideForm(data=request.POST)
            call = self.decide
        if form.is_valid():
            try:
                call(**form.cleaned_data)
            except (RuleRefusal, ValidationError, CalendarRangeError) as refusal:
                form.add_error(None, str(refusal))
            else:
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(bound=form))

    def close(self, *, published_on):
        services.cleanup_close(
            campaign=self.campaign, by=self.request.user, published_on=published_on
        )

    def decide(self, *, item, outcome, reason):
        item = get_object_or_404(CleanupItem, pk=item, campaign=self.campaign)
        services.cleanup_item_decide(
            item=item, by=self.request.user, outcome=outcome, reason=reason
        )

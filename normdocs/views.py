"""Staff UI: the register, a document's page with the actions open to the reader, cleanups.

Each POST parses one form and calls one service; a refusal comes back as the form's error with
the rule's own words. Documents the reader may not see are a 404, never a 403.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import generic

from workflows.calendar import CalendarRangeError
from workflows.clocks.selectors import deadlines_for
from workflows.permissions import units_for_role

from . import forms, rules, selectors, services, steps
from .models import CleanupCampaign, CleanupItem, DraftingBody, Status
from .permissions import (
    documents_visible_to,
    is_drafter_for,
    is_legal_affairs_officer_for,
)
from .progress import document_progress
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
        # The pages of a filtered list keep its filter ("全部" stays all on page 2).
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
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
            form.add_error(None, refusal.messages)
            return self.form_invalid(form)
        return redirect(_url(self.request, "detail", document.pk))


def _deadlines(document) -> list:
    """The document's legal clocks and its filings', earliest due first (waiting ones last)."""
    clocks = list(deadlines_for(document))
    for filing in steps.filings(document):
        clocks += list(deadlines_for(filing))
    return sorted(clocks, key=lambda d: (d.due is None, d.due or d.start, d.pk))


INITIAL = {
    "publish": lambda _d: {"published_on": timezone.localdate()},
    "filing_submit": lambda _d: {"received_on": timezone.localdate()},
    "filing_external_submit": lambda _d: {"submitted_on": timezone.localdate()},
    "filing_external_receipt": lambda _d: {"received_on": timezone.localdate()},
    "filing_external_outcome": lambda _d: {"on": timezone.localdate()},
    "deliberate": lambda _d: {"meeting_on": timezone.localdate()},
    "submit_review": lambda d: {"legal_basis": d.legal_basis},
    "revise": lambda d: {"text": d.text},
}


# What a step's form needs to know of the document beyond its initial values.
FORM_KWARGS = {
    # Only the meetings that may deliberate it: a government office's document goes to its
    # government's executive or plenary meeting (国办发〔2018〕37号 三(四)), never an office meeting.
    "deliberate": lambda d: {
        "meetings": rules.MEETINGS_FOR_ISSUER.get(
            services.drafting_body_deliberates_as(d.drafting_body), ()
        )
    },
}


class DocumentDetailView(LoginRequiredMixin, generic.TemplateView):
    template_name = "normdocs/document.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.document = get_object_or_404(
                # The filings once for the page: every filing step asks for them (steps.filings).
                documents_visible_to(request.user)
                .select_related("drafting_body__unit", "amends", "register")
                .prefetch_related("filings__receiving_unit", "filings__receiving_body"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def actions(self) -> list[str]:
        """The steps open to the reader now (``normdocs.steps``), one form each."""
        return [step.key for step in steps.steps_open_to(self.request.user, self.document)]

    def build(self, name, data=None):
        step = steps.document_steps()[name]
        form = step.actions[name].form(
            data=data,
            prefix=name,
            initial=INITIAL.get(name, lambda _d: {})(self.document),
            **FORM_KWARGS.get(name, lambda _d: {})(self.document),
        )
        form.action, form.label = name, step.name
        return form

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.document
        deadlines = _deadlines(document)
        context.update(
            document=document,
            # Where it stands and what comes next (issue 18), with its full-process record.
            progress=document_progress(document=document, deadlines=deadlines),
            reviews=document.reviews.select_related("reviewer", "submitted_by", "version"),
            deliberations=document.deliberations.select_related("version"),
            versions=document.versions.select_related("created_by"),
            renewals=document.renewals.all(),
            filings=steps.filings(document),
            deadlines=deadlines,
            cleanup_items=selectors.document_cleanup_entries(document),
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
                step = steps.document_steps()[name]
                step.actions[name].run(self.document, request.user, form.cleaned_data, form)
            except (RuleRefusal, ValidationError, CalendarRangeError) as refusal:
                # The refusal's own words name the rule that forbids the step.
                form.add_error(
                    None, refusal.messages if isinstance(refusal, ValidationError) else str(refusal)
                )
            else:
                messages.success(request, step.name)
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
                form.add_error(
                    None, refusal.messages if isinstance(refusal, ValidationError) else str(refusal)
                )
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
            for a in campaign.assignments.select_related("drafting_body__unit").defer("documents")
            if is_drafter_for(user=user, body=a.drafting_body)
        ]
        # Every document of the scope, fixed at opening, with its verdict or undecided.
        scope = selectors.cleanup_documents(campaign)
        items = selectors.cleanup_entries(campaign, scope.order_by("number", "pk")[:500])
        context.update(
            campaign=campaign,
            results=_result_lists(campaign) if campaign.is_closed else None,
            items=items,
            item_count=scope.count(),
            decidable={i.document_id for i in items if i.assignment.drafting_body_id in mine}
            if not campaign.is_closed
            else set(),
            decide_form=bound
            if isinstance(bound, forms.CleanupDecideForm)
            else forms.CleanupDecideForm(),
            close_form=(
                bound
                if isinstance(bound, forms.CleanupCloseForm)
                else forms.CleanupCloseForm(initial={"published_on": timezone.localdate()})
            )
            if not campaign.is_closed
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
                form.add_error(
                    None, refusal.messages if isinstance(refusal, ValidationError) else str(refusal)
                )
            else:
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(bound=form))

    def close(self, *, published_on):
        services.cleanup_close(
            campaign=self.campaign, by=self.request.user, published_on=published_on
        )

    def decide(self, *, document, outcome, reason):
        if not selectors.cleanup_documents(self.campaign).filter(pk=document).exists():
            raise Http404
        services.cleanup_item_decide(
            campaign=self.campaign,
            document=document,
            by=self.request.user,
            outcome=outcome,
            reason=reason,
        )

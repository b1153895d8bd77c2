"""Proposed items (议题): a drafter or unit head proposes one of their unit; the review office's
legal advisor checks those awaiting the legality check (第二十五条、第二十八条; 议题合法性审核)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import generic

from workflows.models import Unit

from ... import services
from ...forms.meeting import AgendaItemCheckForm
from ...forms.sessions import ItemProposeForm
from ...models import AgendaItem, Outcome
from ...session_selectors import items_visible_to, units_held
from ...steps.base import people_with_role
from .lookups import _item_of_post


class ItemsView(LoginRequiredMixin, generic.TemplateView):
    """Proposed items: a drafter or unit head proposes one of their unit; the review office's
    legal advisor checks those awaiting the legality check (议题合法性审核)."""

    template_name = "decisions/sessions/items.html"
    ACTIONS = ("propose", "check")

    @cached_property
    def proposing_units(self):
        ids = units_held(self.request.user, ("drafter", "unit_head"))
        return Unit.objects.filter(pk__in=ids).order_by("pk")

    @cached_property
    def checking_governments(self) -> set[int]:
        offices = units_held(self.request.user, ("legal_advisor",))
        return set(Unit.objects.filter(review_office_id__in=offices).values_list("pk", flat=True))

    @cached_property
    def proposable_documents(self):
        """The proposing units' normative documents awaiting deliberation whose own legality
        review lets them go to the meeting (``normdocs.rules.deliberation_refusal``, 国办发
        〔2018〕115号 一(三)) and that are not on an agenda already (a deferred one may come
        again)."""
        from normdocs.models import LegalityReview as DocumentReview
        from normdocs.models import NormativeDocument
        from normdocs.models import Status as DocumentStatus
        from normdocs.rules.drafting import deliberation_refusal

        # A deferred item comes again; so does a rejected document once revised and found
        # lawful again (it is back at deliberation): the service allows both (document_on_agenda).
        pending = AgendaItem.objects.filter(document_id=OuterRef("pk")).exclude(
            deliberation__head_decision__in=(Outcome.DEFERRED, Outcome.REJECTED)
        )
        # Each candidate's latest review read in the same statement, not one query each.
        latest = DocumentReview.objects.filter(document_id=OuterRef("pk")).order_by("-id")
        candidates = (
            NormativeDocument.objects.filter(
                status=DocumentStatus.DELIBERATION,
                drafting_body__unit__in=self.proposing_units,
            )
            .exclude(Exists(pending))
            .annotate(
                review_outcome=Subquery(latest.values("outcome")[:1]),
                review_amended_at=Subquery(latest.values("amendments_recorded_at")[:1]),
            )
        )
        ids = [
            pk
            for pk, outcome, amended_at in candidates.values_list(
                "pk", "review_outcome", "review_amended_at"
            )
            if outcome
            and deliberation_refusal(review_outcome=outcome, amendments_recorded=bool(amended_at))
            is None
        ]
        return (
            NormativeDocument.objects.filter(pk__in=ids)
            .select_related("drafting_body__unit")
            .order_by("drafting_body__unit__name", "pk")
        )

    def items(self):
        return (
            items_visible_to(self.request.user)
            .select_related("lead_unit", "presenter", "checked_by", "session__government")
            .order_by("-pk")
        )

    def build(self, action, data=None, item=None):
        if action == "propose":
            presenters = get_user_model().objects.none()
            for unit in self.proposing_units:
                presenters |= people_with_role("unit_head", unit)
            form = ItemProposeForm(
                data=data,
                prefix=action,
                units=self.proposing_units,
                presenters=presenters.distinct(),
                documents=self.proposable_documents,
            )
        else:
            form = AgendaItemCheckForm(data=data, prefix=action)
        form.action = action
        form.item = item
        return form

    def may_check(self, item: AgendaItem) -> bool:
        return (
            item.government_id in self.checking_governments
            # A major decision and a normative document are checked by their own reviews.
            and item.kind == AgendaItem.Kind.OTHER
            and item.session_id is None
            and not item.check_outcome
            and item.proposed_by_id != self.request.user.pk
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = kwargs.get("bound")
        rows = []
        for item in self.items():
            row = {"item": item, "form": None}
            if self.may_check(item):
                if bound is not None and bound.action == "check" and bound.item == item:
                    row["form"] = bound
                else:
                    row["form"] = self.build("check", item=item)
            rows.append(row)
        propose = None
        if self.proposing_units.exists():
            propose = bound if bound is not None and bound.action == "propose" else None
            propose = propose or self.build("propose")
        context.update({"rows": rows, "propose_form": propose})
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in self.ACTIONS:
            return redirect(request.get_full_path())
        item = None
        if action == "propose":
            if not self.proposing_units.exists():
                raise PermissionDenied
        else:
            item = _item_of_post(request, self.items())
        form = self.build(action, data=request.POST, item=item)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    if action == "propose":
                        services.agenda_item_propose(by=request.user, **data)
                    else:
                        services.agenda_item_check(item=item, by=request.user, **data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("decisions:sessions:items")
        return self.render_to_response(self.get_context_data(bound=form))

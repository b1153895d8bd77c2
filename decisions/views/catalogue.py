"""The decision catalogue (决策事项目录, 第三条): compiled, published and adjusted by the
justice bureau for the government."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import generic

from workflows.models import Unit
from workflows.permissions import units_for_role

from .. import forms, services
from ..models import CatalogueItem
from ..selectors import catalogue_visible_to
from ..services.catalogue import COMPILER_ROLES


def compiler_governments(user):
    """The governments for which ``user`` compiles the catalogue."""
    ids = set()
    for role in COMPILER_ROLES:
        ids |= set(units_for_role(user=user, role=role).values_list("pk", flat=True))
    return Unit.objects.filter(pk__in=ids, kind=Unit.Kind.GOVERNMENT)


def units_under(governments):
    return Unit.objects.filter(parent__in=governments) | Unit.objects.filter(pk__in=governments)


class CatalogueListView(LoginRequiredMixin, generic.ListView):
    template_name = "decisions/catalogue_list.html"
    context_object_name = "items"
    paginate_by = 100

    def get_queryset(self):
        qs = catalogue_visible_to(user=self.request.user).select_related("lead_unit")
        year = self.request.GET.get("year", "")
        return qs.filter(year=int(year)) if year.isdigit() else qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        governments = compiler_governments(self.request.user)
        context["may_compile"] = governments.exists()
        context["compiles_for"] = set(governments.values_list("pk", flat=True))
        return context


class CatalogueCreateView(LoginRequiredMixin, generic.FormView):
    template_name = "decisions/page.html"
    form_class = forms.CatalogueItemForm

    @cached_property
    def governments(self):
        return compiler_governments(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.governments.exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "units": units_under(self.governments).distinct()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"].action = "create"
        context["forms"] = [context["form"]]
        context["heading"] = _("New catalogue item")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        unit = data["lead_unit"]
        government = unit if unit.kind == Unit.Kind.GOVERNMENT else unit.parent
        try:
            services.catalogue_item_create(
                by=self.request.user,
                government=government,
                year=data["year"],
                title=data["title"],
                description=data["description"],
                lead_unit=unit,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("decisions:catalogue:index")


class CatalogueItemMixin(LoginRequiredMixin):
    @cached_property
    def item(self) -> CatalogueItem:
        try:
            return catalogue_visible_to(user=self.request.user).get(pk=self.kwargs["pk"])
        except CatalogueItem.DoesNotExist:
            raise Http404 from None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not compiler_governments(request.user).filter(pk=self.item.government_id).exists():
                if self.item.status == CatalogueItem.Status.DRAFT:
                    raise Http404
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CataloguePublishView(CatalogueItemMixin, generic.View):
    def post(self, request, *args, **kwargs):
        try:
            services.catalogue_item_publish(item=self.item, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("decisions:catalogue:index")


class CatalogueConsentView(CatalogueItemMixin, generic.FormView):
    """The same-level Party committee's consent to the year's catalogue, recorded before it is
    published (第三条); it applies to every unpublished item of that year."""

    template_name = "decisions/page.html"

    def get_form_class(self):
        from ..forms.start import PartyConsentForm

        return PartyConsentForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"].action = "consent"
        context["forms"] = [context["form"]]
        context["heading"] = _("Record the Party committee's consent to the %(year)s catalogue") % {
            "year": self.item.year
        }
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.catalogue_party_consent_record(
                by=self.request.user,
                government=self.item.government,
                year=self.item.year,
                **data,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("decisions:catalogue:index")


class CatalogueAdjustView(CatalogueItemMixin, generic.FormView):
    template_name = "decisions/page.html"
    form_class = forms.CatalogueAdjustForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "units": units_under(Unit.objects.filter(pk=self.item.government_id)).distinct(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"].action = "adjust"
        context["forms"] = [context["form"]]
        context["heading"] = _("Adjust the catalogue item")
        context["item"] = self.item
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.catalogue_item_adjust(
                item=self.item,
                by=self.request.user,
                reason=data["reason"],
                title=data["title"] or None,
                lead_unit=data["lead_unit"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("decisions:catalogue:index")

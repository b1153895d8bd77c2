"""The sessions' list, and the meeting secretary's planning of the next numbered session
(第三十条)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import generic

from workflows.permissions import has_role, has_role_in_unit, units_for_role

from ... import services
from ...documents import session_title
from ...forms.meeting import SessionPlanForm
from ...session_selectors import sessions_visible_to
from ...steps.base import people_with_role


class SessionListView(LoginRequiredMixin, generic.ListView):
    """The government's sessions, newest first."""

    template_name = "decisions/sessions/list.html"
    context_object_name = "sessions"
    paginate_by = 50

    def get_queryset(self):
        return (
            sessions_visible_to(self.request.user)
            .select_related("government", "principal")
            .annotate(item_count=Count("items"))
            .order_by("-held_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for session in context["sessions"]:
            session.title = session_title(session)
        context["may_plan"] = has_role(user=self.request.user, role="meeting_secretary")
        return context


class SessionPlanView(LoginRequiredMixin, generic.FormView):
    """The meeting secretary plans the next numbered session (第三十条)."""

    template_name = "decisions/sessions/plan.html"
    form_class = SessionPlanForm

    @cached_property
    def governments(self):
        return units_for_role(user=self.request.user, role="meeting_secretary")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.governments.exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        principals = get_user_model().objects.none()
        for government in self.governments:
            principals |= people_with_role("principal", government)
        return {**super().get_form_kwargs(), "principals": principals.distinct()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"].action = "plan"
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        # The government the secretary serves whose head was chosen.
        government = next(
            (
                g
                for g in self.governments
                if has_role_in_unit(user=data["principal"], role="principal", unit=g)
            ),
            self.governments.first(),
        )
        try:
            session = services.session_plan(
                government=government,
                by=self.request.user,
                kind=data["kind"],
                held_at=data["held_at"],
                principal=data["principal"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("decisions:sessions:detail", pk=session.pk)

"""The task page every step's view is: one form per action, one service call per POST,
the task claimed on the first successful action and finished once the step is done."""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from viewflow.workflow.status import STATUS

from workflows.calendar import CalendarRangeError
from workflows.uploads import upload_files

from ... import forms
from ...models import Decision


class CommentHideForm(django_forms.Form):
    comment = forms.CommentChoiceField(label=_("Comment"), queryset=None)
    reason = django_forms.CharField(label=_("Reason for hiding"), widget=django_forms.Textarea)

    def __init__(self, *args, comments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].queryset = comments


class TaskView(LoginRequiredMixin, TemplateView):
    template_name = "decisions/task.html"
    actions: dict = {}

    @cached_property
    def decision(self) -> Decision:
        return Decision.objects.select_related("lead_unit", "government").get(
            pk=self.request.activation.process.decision_id
        )

    def form_kwargs(self, action: str) -> dict:
        return {}

    def initial(self, action: str) -> dict:
        return {}

    def build(self, action, data=None, files=None):
        form = self.actions[action](
            data=data,
            files=files,
            initial=self.initial(action),
            prefix=action,
            **self.form_kwargs(action),
        )
        form.action = action
        return form

    def available_actions(self) -> list[str]:
        return list(self.actions)

    def shown_actions(self) -> list[str]:
        return self.available_actions()

    def extra_context_data(self) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = kwargs.get("bound")
        shown = self.shown_actions()
        context["forms"] = [
            bound if bound is not None and bound.action == a else self.build(a) for a in shown
        ]
        if bound is not None and bound.action not in shown:
            # A refused action is shown with its error, even when it is not on offer yet.
            context["forms"].append(bound)
        context["decision"] = self.decision
        context["activation"] = self.request.activation
        context["task"] = self.request.activation.task
        context.update(self.extra_context_data())
        return context

    def claim(self, done: bool) -> None:
        """Take the task on the first successful action; finish it when the step is done."""
        activation = self.request.activation
        if activation.task.status == STATUS.NEW:
            activation.assign(self.request.user)
        if done:
            activation.start(self.request)
            activation.execute()

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in self.available_actions():
            return redirect(request.get_full_path())
        form = self.build(action, data=request.POST, files=upload_files(request))
        if form.is_valid():
            try:
                # One action, one transaction: a refusal leaves nothing half-done behind.
                with transaction.atomic():
                    done = getattr(self, f"do_{action}")(form.cleaned_data, form)
            except ValidationError as error:
                form.add_error(None, error)
            except CalendarRangeError as error:
                # A clock of this step would end in a year with no holiday notice yet
                # (domain.md §4): refused, with what the administrator has to do.
                form.add_error(None, str(error))
            else:
                self.claim(done)
                if done:
                    messages.success(request, _("Done. The decision moves on."))
                    return redirect("decisions:register:detail", pk=self.decision.pk)
                return redirect(request.get_full_path())
        return self.render_to_response(self.get_context_data(bound=form))

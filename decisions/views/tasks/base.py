"""The task page every step's view is: the step's forms (``decisions.steps``), and on POST the
one path that completes a task (``workflows.tasking.task_complete``)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from workflows.errors import StaleState
from workflows.steps import Step
from workflows.tasking import StepRefused, task_complete
from workflows.uploads import upload_files

from ...models import Decision


class TaskView(LoginRequiredMixin, TemplateView):
    template_name = "decisions/task.html"
    step: Step
    # How each action of the step reads on its page (``decorate``): ``heading`` and ``hint`` of
    # its section, on a page of several actions; ``submit_label``, its one button; ``confirm``,
    # what the person confirms by ticking the box of a confirmation (``forms.ConfirmForm``).
    action_texts: dict[str, dict] = {}

    @cached_property
    def decision(self) -> Decision:
        return Decision.objects.select_related("lead_unit", "government").get(
            pk=self.request.activation.process.decision_id
        )

    @cached_property
    def work(self):
        return self.step.work(self.decision, self.request.user)

    def initial(self, action: str) -> dict:
        return {}

    def build(self, action, data=None, files=None):
        return self.work.build(action, data=data, files=files, initial=self.initial(action))

    def decorate(self, form):
        """Give ``form`` the words of its action on this page (``action_texts``); the bound
        form of a refusal gets the same, so the page reads the same after an error."""
        texts = self.action_texts.get(form.action, {})
        for attr in ("heading", "hint", "submit_label"):
            if attr in texts:
                setattr(form, attr, texts[attr])
        if "confirm" in texts and "confirm" in form.fields:
            form.fields["confirm"].label = texts["confirm"]
            # A validated form has built its bound fields, each with the label it had then.
            form["confirm"].label = texts["confirm"]
        return form

    def extra_context_data(self) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = kwargs.get("bound")
        shown = self.work.shown_actions()
        context["forms"] = [
            bound if bound is not None and bound.action == a else self.build(a) for a in shown
        ]
        if bound is not None and bound.action not in shown:
            # A refused action is shown with its error, even when it is not on offer yet.
            context["forms"].append(bound)
        context["forms"] = [self.decorate(form) for form in context["forms"]]
        context["decision"] = self.decision
        context["step"] = self.step
        context["activation"] = self.request.activation
        context["task"] = self.request.activation.task
        context.update(self.extra_context_data())
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in self.work.available_actions():
            return redirect(request.get_full_path())
        task = self.request.activation.task
        try:
            done = task_complete(
                task=task,
                user=request.user,
                action=action,
                data=request.POST,
                files=upload_files(request),
            )
        except StepRefused as refused:
            return self.render_to_response(self.get_context_data(bound=refused.form))
        except StaleState:
            raise PermissionDenied from None
        if done.finished:
            messages.success(request, _("Done. The decision moves on."))
            return redirect("decisions:register:detail", pk=self.decision.pk)
        return redirect(request.get_full_path())

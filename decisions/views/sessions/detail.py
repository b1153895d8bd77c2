"""One session's page: its agenda, attendance, each item's deliberation and its papers' links,
and the meeting secretary's forms. A major decision on the agenda is deliberated through its own
``meeting`` task, which the page links to; any other item is deliberated here."""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow.status import STATUS

from workflows.permissions import has_role_in_unit

from ... import forms, rules, services
from ...documents import session_title
from ...flows import DecisionFlow
from ...forms.sessions import AgendaAddDecisionForm, AgendaAddForm, SessionOpenForm
from ...models import AgendaItem, Decision, Meeting, Session, Stage
from ...steps.base import people_with_role
from .lookups import _item_of_post, session_get_for_user


class ConcludeForm(django_forms.Form):
    """Conclude the session: the service refuses while an item is undecided."""


def _meeting_task_url(decision: Decision | None) -> str:
    """The open ``meeting`` task of a major decision, where its deliberation is recorded."""
    if decision is None:
        return ""
    from viewflow.workflow.models import Task

    from ...models import DecisionProcess

    task = (
        Task.objects.filter(
            process_id__in=DecisionProcess.objects.filter(decision=decision).values("pk"),
            flow_task=DecisionFlow.meeting,
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
        )
        .order_by("-pk")
        .first()
    )
    if task is None:
        return ""
    return task.flow_task.reverse("index", args=[task.process_id, task.pk])


class SessionDetailView(LoginRequiredMixin, generic.TemplateView):
    """The session: its agenda, attendance, each item's deliberation, its papers; the
    secretary's forms."""

    template_name = "decisions/sessions/detail.html"
    ACTIONS = ("add", "add_decision", "open", "statement", "decide", "conclude")

    @cached_property
    def session(self) -> Session:
        return session_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @cached_property
    def is_secretary(self) -> bool:
        return has_role_in_unit(
            user=self.request.user, role="meeting_secretary", unit=self.session.government
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.session  # noqa: B018 - 404 first for what the person may not see
        return super().dispatch(request, *args, **kwargs)

    # The forms.

    def members(self):
        return (
            people_with_role("meeting_member", self.session.government)
            .exclude(pk=self.session.principal_id)
            .order_by("pk")
        )

    def attendee_choices(self):
        """People of the units presenting items who may attend without a vote (列席)."""
        member_ids = set(self.members().values_list("pk", flat=True)) | {self.session.principal_id}
        pairs, seen = [], set()
        for item in self.session.items.select_related("lead_unit", "presenter").order_by("order"):
            people = list(people_with_role("unit_head", item.lead_unit).order_by("pk"))
            if item.presenter is not None:
                people.insert(0, item.presenter)
            for person in people:
                if person.pk in member_ids or person.pk in seen:
                    continue
                seen.add(person.pk)
                pairs.append((person, item.lead_unit))
        return pairs

    def proposed_items(self):
        return (
            AgendaItem.objects.filter(government=self.session.government, session=None)
            .exclude(kind=AgendaItem.Kind.MAJOR_DECISION)
            .select_related("lead_unit")
            .order_by("pk")
        )

    def waiting_decisions(self):
        """Decisions of the government waiting for the meeting, reviewed and not on an
        agenda."""
        waiting = Decision.objects.filter(
            government=self.session.government, stage=Stage.MEETING
        ).select_related("lead_unit")
        return Decision.objects.filter(
            pk__in=[
                d.pk
                for d in waiting
                if services.passes_review(d) and services.pending_item_of(d) is None
            ]
        ).select_related("lead_unit")

    def build(self, action, data=None, item=None):
        if action == "add":
            form = AgendaAddForm(data=data, prefix=action, items=self.proposed_items())
        elif action == "add_decision":
            decisions = self.waiting_decisions()
            presenters = get_user_model().objects.none()
            for unit in {d.lead_unit for d in decisions}:
                presenters |= people_with_role("unit_head", unit)
            form = AgendaAddDecisionForm(
                data=data, prefix=action, decisions=decisions, presenters=presenters.distinct()
            )
        elif action == "open":
            form = SessionOpenForm(
                data=data,
                prefix=action,
                members=self.members(),
                attendee_choices=self.attendee_choices(),
            )
        elif action == "statement":
            form = forms.StatementForm(
                data=data, prefix=action, speakers=self.pending_speakers(item.deliberation)
            )
        elif action == "decide":
            form = forms.HeadDecisionForm(data=data, prefix=action)
        else:
            form = ConcludeForm(data=data, prefix=action)
        form.action = action
        form.item = item
        return form

    def pending_speakers(self, meeting: Meeting):
        return (
            get_user_model()
            .objects.filter(
                pk__in=meeting.attendance.filter(present=True, role="member").values("person_id")
            )
            .exclude(pk__in=meeting.statements.values("speaker_id"))
            .order_by("pk")
        )

    def item_rows(self, bound):
        rows = []
        items = self.session.items.select_related(
            "lead_unit", "presenter", "checked_by", "decision", "deliberation"
        ).order_by("order")
        for item in items:
            meeting = getattr(item, "deliberation", None)
            row = {"item": item, "meeting": meeting, "forms": [], "task_url": ""}
            if meeting is not None:
                row["statements"] = list(meeting.statements.select_related("speaker"))
                row["pending"] = (
                    list(self.pending_speakers(meeting))
                    if meeting.status == Meeting.Status.OPEN
                    else []
                )
                # What the members said, for the head deciding (a reason against it, 第三十条).
                row["majority"] = rules.majority_view([st.position for st in row["statements"]])
            if item.kind == AgendaItem.Kind.MAJOR_DECISION:
                row["task_url"] = _meeting_task_url(item.decision) if self.is_secretary else ""
            elif (
                self.is_secretary and meeting is not None and meeting.status == Meeting.Status.OPEN
            ):
                # Members first; the head's form only once every member present has spoken.
                action = "decide" if not row["pending"] else "statement"
                if bound is not None and bound.action == action and bound.item == item:
                    row["forms"].append(bound)
                else:
                    row["forms"].append(self.build(action, item=item))
            rows.append(row)
        return rows

    def session_forms(self, bound):
        if not self.is_secretary:
            return []
        status = self.session.status
        actions = []
        if status != Session.Status.CONCLUDED:
            actions += ["add", "add_decision"]
        if status == Session.Status.PLANNED:
            actions.append("open")
        if status == Session.Status.OPEN:
            actions.append("conclude")
        return [
            bound
            if bound is not None and bound.action == a and bound.item is None
            else self.build(a)
            for a in actions
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = kwargs.get("bound")
        session = self.session
        context.update(
            {
                "session": session,
                "title": session_title(session),
                "is_secretary": self.is_secretary,
                "rows": self.item_rows(bound),
                "forms": self.session_forms(bound),
                "attendance": session.attendance.select_related("person", "unit").order_by("pk"),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.is_secretary:
            raise PermissionDenied
        action = request.POST.get("action")
        if action not in self.ACTIONS:
            return redirect(request.get_full_path())
        item = None
        if action in ("statement", "decide"):
            item = _item_of_post(
                request,
                self.session.items.exclude(kind=AgendaItem.Kind.MAJOR_DECISION).select_related(
                    "deliberation"
                ),
            )
            if getattr(item, "deliberation", None) is None:
                raise Http404
        form = self.build(action, data=request.POST, item=item)
        if form.is_valid():
            try:
                with transaction.atomic():
                    self.run(action, form.cleaned_data, item)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("decisions:sessions:detail", pk=self.session.pk)
        return self.render_to_response(self.get_context_data(bound=form))

    def run(self, action, data, item):
        session, by = self.session, self.request.user
        if action == "add":
            services.agenda_item_add(session=session, item=data["item"], by=by)
        elif action == "add_decision":
            services.session_agenda_add_decision(
                session=session, decision=data["decision"], by=by, presenter=data.get("presenter")
            )
        elif action == "open":
            services.session_open(
                session=session,
                by=by,
                present=data["present"],
                absent=data["absent"],
                attendees=data["attendee_list"],
            )
        elif action == "statement":
            services.meeting_statement_record(
                meeting=item.deliberation,
                by=by,
                speaker=data["speaker"],
                position=data["position"],
                text=data["text"],
            )
        elif action == "decide":
            services.meeting_decide(meeting=item.deliberation, by=by, **data)
        elif action == "conclude":
            services.session_conclude(session=session, by=by)

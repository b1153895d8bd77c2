"""The session pages of the staff site (会议): the government's numbered sessions
(县政府第N次常务会议, 《重大行政决策程序暂行条例》第三十条), their agenda, attendance, the
deliberation of each item, the 会议纪要 and the verbatim 会议记录; and the proposed items (议题)
with their legality check by the review office (第二十五条、第二十八条; the seed's
落实政府常务会议议题合法性审核).

Who sees a session: the people of its government who meet in it (the meeting secretary, the
members, the administrative head), the review office, the people of the units whose items are
on its agenda, the people attending it, and archivists and administrators (read only). Only
the secretary changes it. Whatever a person may not see is a 404; an action a person may not
take on what they see is a 403 (style.md, Security). Every refusal of a service is shown at
its form.

A major decision on the agenda is deliberated through its own ``meeting`` task (the flow moves
on when the head decides); the session page links to that task. Any other item is deliberated
right here.
"""

from urllib.parse import quote

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow.status import STATUS

from workflows.models import Unit
from workflows.permissions import has_role, has_role_in_unit, units_for_role

from .. import forms, rules, services
from ..documents import session_minutes_docx, session_record_docx, session_title
from ..flows import DecisionFlow
from ..forms.meeting import AgendaItemCheckForm, SessionPlanForm
from ..forms.sessions import (
    AgendaAddDecisionForm,
    AgendaAddForm,
    ItemProposeForm,
    SessionOpenForm,
)
from ..models import AgendaItem, Decision, Meeting, Outcome, Session, Stage
from ..session_selectors import items_visible_to, sessions_visible_to, units_held
from ..steps.base import people_with_role

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def session_get_for_user(*, user, pk) -> Session:
    try:
        return (
            sessions_visible_to(user)
            .select_related("government", "principal", "secretary")
            .get(pk=pk)
        )
    except (Session.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _item_of_post(request, queryset) -> AgendaItem:
    try:
        return queryset.get(pk=int(request.POST.get("item", "")))
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


class ConcludeForm(django_forms.Form):
    """Conclude the session: the service refuses while an item is undecided."""


# --- the list and planning ----------------------------------------------------------------------


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


# --- one session --------------------------------------------------------------------------------


def _meeting_task_url(decision: Decision | None) -> str:
    """The open ``meeting`` task of a major decision, where its deliberation is recorded."""
    if decision is None:
        return ""
    from viewflow.workflow.models import Task

    from ..models import DecisionProcess

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


def _paper(request, pk: int, *, make, name: str, stem: str):
    if not request.user.is_authenticated:
        raise Http404
    session = session_get_for_user(user=request.user, pk=pk)
    if session.status != Session.Status.CONCLUDED:
        raise Http404
    response = HttpResponse(make(session), content_type=DOCX)
    # RFC 6266 / RFC 5987: the Chinese name as filename*=UTF-8''…, an ASCII name for the rest.
    chinese = quote(f"{session_title(session)}{name}.docx")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{stem}-{session.pk}.docx\"; filename*=UTF-8''{chinese}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def session_minutes_download(request, pk: int):
    """The 会议纪要 of a concluded session (第三十条), issued by the government office."""
    return _paper(request, pk, make=session_minutes_docx, name="纪要", stem="session-minutes")


def session_record_download(request, pk: int):
    """The verbatim 会议记录 of a concluded session (第三十条: 如实记录)."""
    return _paper(request, pk, make=session_record_docx, name="记录", stem="session-record")


# --- proposed items (议题) ----------------------------------------------------------------------


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

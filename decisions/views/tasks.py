"""One view per human task of DecisionFlow. Each POST parses one form and calls one service;
the task is claimed for the person on their first successful action and finished
(``activation.execute()``) once the service has moved the decision on.

Access is checked before these views run (``decisions.views.guard``): 404 for people who may
not see the decision, 403 for people who see it but were not offered the task.
"""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from viewflow.workflow.status import STATUS

from workflows.calendar import CalendarRangeError
from workflows.consultations.selectors import consultation_latest

from .. import forms, rules, services
from ..models import Decision, ExpertProfile, Meeting


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
        form = self.build(action, data=request.POST, files=request.FILES)
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


class DraftView(TaskView):
    actions = {"draft": forms.DraftForm}

    def initial(self, action):
        d = self.decision
        return {
            "title": d.title,
            "draft_text": d.draft_text,
            "legal_basis": "\n".join(d.legal_basis),
            "options": forms.options_text(d.options),
            **{name: getattr(d, name) for name in services.drafting.FLAG_FIELDS},
        }

    def extra_context_data(self):
        return {"attachments": self.decision.attachments.all()}

    def do_draft(self, data, form):
        upload = data.pop("attachment")
        kind = data.pop("attachment_kind") or "material"
        submit = data.pop("submit")
        if upload is not None:
            services.attachment_add(
                decision=self.decision,
                by=self.request.user,
                name=upload.name,
                data=upload.read(),
                kind=kind,
            )
        services.decision_draft_save(
            decision=self.decision,
            by=self.request.user,
            title=data.pop("title"),
            draft_text=data.pop("draft_text"),
            legal_basis=forms.lines(data.pop("legal_basis")),
            options=forms.option_blocks(data.pop("options")),
            **data,
        )
        if submit:
            services.decision_draft_submit(decision=self.decision, by=self.request.user)
        return submit


class ConsultationOpenView(TaskView):
    actions = {"open": forms.ConsultationOpenForm}

    def initial(self, action):
        from datetime import timedelta

        from django.utils import timezone

        from workflows.consultations.services import minimum_period

        now = timezone.localtime().replace(second=0, microsecond=0)
        return {"opens_at": now, "closes_at": now + timedelta(days=minimum_period()[0])}

    def do_open(self, data, form):
        uploads = data.pop("attachments") or []
        services.decision_consultation_open(
            decision=self.decision,
            by=self.request.user,
            attachments=[(f.name, f.read()) for f in uploads],
            **data,
        )
        return True


class DisposeCommentsView(TaskView):
    actions = {
        "dispose": forms.DispositionForm,
        "hide": CommentHideForm,
        "finish": forms.ConfirmForm,
    }

    @cached_property
    def consultation(self):
        return consultation_latest(subject=self.decision)

    def form_kwargs(self, action):
        if action in ("dispose", "hide"):
            return {"comments": self.consultation.comments.all()}
        return {}

    def extra_context_data(self):
        return {
            "consultation": self.consultation,
            "comments": self.consultation.comments.select_related("disposition"),
        }

    def do_dispose(self, data, form):
        services.decision_comment_dispose(
            comment=data["comment"],
            by=self.request.user,
            outcome=data["outcome"],
            reason=data["reason"],
        )
        return False

    def do_hide(self, data, form):
        services.decision_comment_hide(
            comment=data["comment"], by=self.request.user, reason=data["reason"]
        )
        return False

    def do_finish(self, data, form):
        services.decision_consultation_finish(decision=self.decision, by=self.request.user)
        return True


class ExpertArgumentationView(TaskView):
    """Expert argumentation (第十九条至第二十一条): the drafter chooses experts from the pool,
    the chosen experts give signed opinions on the decision page, the drafter says how each
    was handled (or why an expert withdrew), then finishes."""

    actions = {
        "choose": forms.ExpertChooseForm,
        "withdraw": forms.ExpertWithdrawForm,
        "handle": forms.ExpertHandlingForm,
        "finish": forms.ConfirmForm,
    }

    def _opinions(self):
        return self.decision.expert_opinions.select_related("expert__user")

    def _selections(self):
        return self.decision.expert_selections.select_related("expert__user")

    def form_kwargs(self, action):
        if action == "choose":
            return {
                "pool": ExpertProfile.objects.filter(active=True)
                .exclude(selections__decision=self.decision)
                .select_related("user")
                .order_by("pk")
            }
        if action == "withdraw":
            given = self.decision.expert_opinions.values("expert_id")
            return {
                "selections": self._selections()
                .filter(withdrawn_at=None)
                .exclude(expert_id__in=given)
            }
        if action == "handle":
            return {"opinions": self._opinions()}
        return {}

    def extra_context_data(self):
        given = set(self.decision.expert_opinions.values_list("expert_id", flat=True))
        selections = list(self._selections())
        for selection in selections:
            selection.has_opinion = selection.expert_id in given
        return {
            "opinions": self._opinions(),
            "selections": selections,
            "selections_shown": True,
            "argumentation_missing": services.expert_argumentation_missing(self.decision),
        }

    def do_choose(self, data, form):
        services.experts_choose(
            decision=self.decision, by=self.request.user, experts=list(data["experts"])
        )
        return False

    def do_withdraw(self, data, form):
        services.expert_selection_withdraw(
            selection=data["selection"], by=self.request.user, reason=data["reason"]
        )
        return False

    def do_handle(self, data, form):
        services.expert_opinion_handle(
            opinion=data["opinion"], by=self.request.user, handling=data["handling"]
        )
        return False

    def do_finish(self, data, form):
        missing = services.expert_argumentation_missing(self.decision)
        if "experts_chosen" in missing:
            raise ValidationError(
                _("Choose at least one expert from the pool."), code="experts_chosen"
            )
        if missing:
            raise ValidationError(
                _("Every chosen expert must give a written, signed opinion, or withdraw."),
                code="expert_opinions",
            )
        if self.decision.expert_opinions.filter(handling="").exists():
            raise ValidationError(
                _("Say how every expert opinion was handled."), code="expert_opinions_unhandled"
            )
        return True


class RiskAssessmentView(TaskView):
    actions = {"assess": forms.RiskAssessmentForm}

    def do_assess(self, data, form):
        services.risk_assessment_submit(
            decision=self.decision,
            by=self.request.user,
            dimensions=form.dimensions(),
            contingency_plan=data["contingency_plan"],
            overall_level=data["overall_level"],
            third_party=data["third_party"],
        )
        return True


class LegalitySubmitView(TaskView):
    actions = {"submit": forms.LegalitySubmitForm}

    def do_submit(self, data, form):
        services.legality_review_submit(decision=self.decision, by=self.request.user, **data)
        return True


class LegalityReviewView(TaskView):
    actions = {"review": forms.LegalityReviewForm}

    def extra_context_data(self):
        return {"review": services.latest_review(self.decision)}

    def do_review(self, data, form):
        services.legality_review_complete(
            review=services.latest_review(self.decision), by=self.request.user, **data
        )
        return True


class PackageCheckView(TaskView):
    actions = {"check": forms.ConfirmForm}

    def extra_context_data(self):
        return {
            "missing": rules.package_missing(services.package_facts(self.decision)),
            "package_checked": True,
        }

    def do_check(self, data, form):
        services.decision_package_check(decision=self.decision, by=self.request.user)
        return True


def people_with_role(role: str, unit):
    """Everybody holding ``role`` for ``unit`` (guardian grants on the Unit)."""
    from guardian.shortcuts import get_users_with_perms

    return get_user_model().objects.filter(
        is_active=True,
        pk__in=[
            u.pk
            for u in get_users_with_perms(
                unit, only_with_perms_in=[f"act_as_{role}"], with_group_users=False
            )
        ],
    )


class MeetingView(TaskView):
    """The secretary's meeting page: attendance, statements in speaking order, who has not
    spoken yet, and the head's decision, offered only once every member present has spoken
    (第三十条: the head speaks last)."""

    actions = {
        "open": forms.MeetingOpenForm,
        "statement": forms.StatementForm,
        "decide": forms.HeadDecisionForm,
    }

    @cached_property
    def meeting(self) -> Meeting | None:
        return self.decision.meetings.filter(status=Meeting.Status.OPEN).first()

    def pending_speakers(self):
        meeting = self.meeting
        return (
            get_user_model()
            .objects.filter(
                pk__in=meeting.attendance.filter(present=True, role="member").values("person_id")
            )
            .exclude(pk__in=meeting.statements.values("speaker_id"))
            .order_by("pk")
        )

    def available_actions(self):
        return ["statement", "decide"] if self.meeting else ["open"]

    def shown_actions(self):
        if not self.meeting:
            return ["open"]
        # The head's statement form is withheld while anybody present has not spoken.
        return ["statement"] if self.pending_speakers().exists() else ["decide"]

    def form_kwargs(self, action):
        government = self.decision.government
        if action == "open":
            return {
                "members": people_with_role("meeting_member", government),
                "principals": people_with_role("principal", government),
            }
        if action == "statement":
            return {"speakers": self.pending_speakers()}
        return {}

    def initial(self, action):
        if action == "open":
            from django.utils import timezone

            return {"held_at": timezone.localtime().replace(second=0, microsecond=0)}
        return {}

    def extra_context_data(self):
        meeting = self.meeting
        if meeting is None:
            return {"meeting": None}
        return {
            "meeting": meeting,
            "attendance": meeting.attendance.select_related("person").order_by("role", "pk"),
            "statements": meeting.statements.select_related("speaker"),
            "pending": list(self.pending_speakers()),
        }

    def do_open(self, data, form):
        members = people_with_role("meeting_member", self.decision.government)
        present = list(data["present"])
        services.meeting_open(
            decision=self.decision,
            by=self.request.user,
            kind=data["kind"],
            held_at=data["held_at"],
            principal=data["principal"],
            members=present,
            absent=[m for m in members.exclude(pk=data["principal"].pk) if m not in present],
        )
        return False

    def do_statement(self, data, form):
        services.meeting_statement_record(meeting=self.meeting, by=self.request.user, **data)
        return False

    def do_decide(self, data, form):
        services.meeting_decide(meeting=self.meeting, by=self.request.user, **data)
        return True


class PartyReportView(TaskView):
    actions = {"report": forms.PartyReportForm}

    def do_report(self, data, form):
        services.party_report_record(decision=self.decision, by=self.request.user, **data)
        return True


class PublicationView(TaskView):
    actions = {"publish": forms.PublicationForm}

    def do_publish(self, data, form):
        services.publication_record(decision=self.decision, by=self.request.user, **data)
        return True


class ArchiveView(TaskView):
    actions = {"seal": forms.ConfirmForm}

    def extra_context_data(self):
        return {"checklist": services.archive_checklist(self.decision)}

    def shown_actions(self):
        # Sealing is offered only when the checklist is complete (第三十三条).
        return ["seal"] if services.archive_checklist(self.decision)["complete"] else []

    def do_seal(self, data, form):
        services.decision_seal(decision=self.decision, by=self.request.user)
        return True

"""Drafting to risk assessment: the draft, the public consultation and its comments, expert
argumentation (第十九条–第二十一条) and the risk assessment (第二十二条)."""

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from workflows.consultations.selectors import consultation_latest

from .. import forms, services
from ..models import ExpertProfile
from .base import CommentHideForm, DecisionWork


class DraftWork(DecisionWork):
    actions = {"draft": forms.DraftForm}

    def do_draft(self, data, form):
        upload = data.pop("attachment")
        kind = data.pop("attachment_kind") or "material"
        submit = data.pop("submit")
        if upload is not None:
            services.attachment_add(
                decision=self.decision,
                by=self.user,
                name=upload.name,
                data=upload.read(),
                kind=kind,
            )
        services.decision_draft_save(
            decision=self.decision,
            by=self.user,
            title=data.pop("title"),
            draft_text=data.pop("draft_text"),
            legal_basis=forms.lines(data.pop("legal_basis")),
            options=forms.option_blocks(data.pop("options")),
            **data,
        )
        if submit:
            services.decision_draft_submit(decision=self.decision, by=self.user)
        return submit


class ConsultationOpenWork(DecisionWork):
    actions = {"open": forms.ConsultationOpenForm}

    def do_open(self, data, form):
        uploads = data.pop("attachments") or []
        services.decision_consultation_open(
            decision=self.decision,
            by=self.user,
            attachments=[(f.name, f.read()) for f in uploads],
            **data,
        )
        return True


class DisposeCommentsWork(DecisionWork):
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

    def do_dispose(self, data, form):
        services.decision_comment_dispose(
            comment=data["comment"],
            by=self.user,
            outcome=data["outcome"],
            reason=data["reason"],
        )
        return False

    def do_hide(self, data, form):
        services.decision_comment_hide(comment=data["comment"], by=self.user, reason=data["reason"])
        return False

    def do_finish(self, data, form):
        services.decision_consultation_finish(decision=self.decision, by=self.user)
        return True


class ExpertArgumentationWork(DecisionWork):
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

    def do_choose(self, data, form):
        services.experts_choose(decision=self.decision, by=self.user, experts=list(data["experts"]))
        return False

    def do_withdraw(self, data, form):
        services.expert_selection_withdraw(
            selection=data["selection"], by=self.user, reason=data["reason"]
        )
        return False

    def do_handle(self, data, form):
        services.expert_opinion_handle(
            opinion=data["opinion"], by=self.user, handling=data["handling"]
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


class RiskAssessmentWork(DecisionWork):
    actions = {"assess": forms.RiskAssessmentForm}

    def do_assess(self, data, form):
        services.risk_assessment_submit(
            decision=self.decision,
            by=self.user,
            dimensions=form.dimensions(),
            contingency_plan=data["contingency_plan"],
            overall_level=data["overall_level"],
            third_party=data["third_party"],
        )
        return True

"""Expert argumentation (专家论证, 第十九至二十一条): the pool of experts and their declared
interests, choosing experts for a decision and withdrawing them, their written, signed opinions
and how the lead unit handled each. The risk assessment and the end of both branches are in
``assessment``.

Each act takes ``at``, when it was done, given when it is entered after the fact."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workflows.clocks.messages import recipient_language
from workflows.clocks.services import notification_tell
from workflows.record.services import record_append
from workflows.transactions import service_atomic

from .. import rules
from ..models import Decision, ExpertInterest, ExpertOpinion, ExpertProfile, ExpertSelection, Stage
from ._common import act_on, act_time, lock, require_not_sealed, require_role, require_stage


@service_atomic
def expert_register(*, user, fields: list[str], organisation: str = "", by) -> ExpertProfile:
    """Put a person in the expert pool (专家库, 第二十一条). Idempotent."""
    profile, created = ExpertProfile.objects.get_or_create(
        user=user,
        defaults={"fields": [f.strip() for f in fields if f.strip()], "organisation": organisation},
    )
    if created:
        record_append(
            actor=by,
            action="decision_experts.registered",
            subject=profile,
            payload={"fields": profile.fields},
        )
    return profile


@service_atomic
def expert_interest_declare(
    *, expert: ExpertProfile, description: str, unit=None, decision: Decision | None = None
) -> ExpertInterest:
    """An expert declares an interest (第二十条); it disqualifies them where it applies."""
    if not description.strip():
        raise ValidationError(_("Describe the interest."), code="description_required")
    interest = ExpertInterest.objects.create(
        expert=expert, description=description.strip(), unit=unit, decision=decision
    )
    record_append(
        actor=expert.user,
        action="decision_experts.interest_declared",
        subject=expert,
        payload={
            "description": interest.description,
            "unit": unit.pk if unit else None,
            "decision": decision.pk if decision else None,
        },
    )
    return interest


def _is_conflicted(expert: ExpertProfile, decision: Decision) -> bool:
    interests = list(expert.interests.values_list("decision_id", "unit_id"))
    return rules.has_direct_interest(
        decision_id=decision.pk,
        lead_unit_id=decision.lead_unit_id,
        interest_decision_ids=[d for d, _u in interests if d],
        interest_unit_ids=[u for _d, u in interests if u],
    )


def _expert_name(expert: ExpertProfile) -> str:
    return expert.user.get_full_name() or expert.user.get_username()


def _tell_the_chosen_expert(selection: ExpertSelection) -> None:
    """The expert, usually outside the units, learns in their own language that they were
    chosen and where to give the opinion (the same page their inbox item links to)."""
    expert, decision = selection.expert.user, selection.decision
    with translation.override(recipient_language(expert)):
        notification_tell(
            recipient=expert,
            title=gettext("You are asked for an expert opinion on “%(title)s”")
            % {"title": decision.title},
            body=gettext(
                "%(unit)s chose you from the expert pool to argue a major administrative "
                "decision (Arts. 19–21 of the Interim Regulations). Read the draft and give "
                "your written, signed opinion. If you have a direct interest in the matter, "
                "tell the lead unit: experts must be independent."
            )
            % {"unit": decision.lead_unit},
            url=reverse("decisions:register:opinion", kwargs={"pk": decision.pk}),
        )


def _tell_the_withdrawn_expert(selection: ExpertSelection) -> None:
    """The expert's inbox item goes away with the withdrawal: they are told why, rather than
    find it gone (or find the opinion page refusing them)."""
    expert, decision = selection.expert.user, selection.decision
    with translation.override(recipient_language(expert)):
        notification_tell(
            recipient=expert,
            title=gettext("Your expert opinion on “%(title)s” is no longer asked for")
            % {"title": decision.title},
            body=gettext(
                "%(unit)s withdrew your selection for the expert argumentation, for this "
                "reason: %(reason)s"
            )
            % {"unit": decision.lead_unit, "reason": selection.withdrawn_reason},
            url=reverse("decisions:register:detail", kwargs={"pk": decision.pk}),
        )


@service_atomic
def experts_choose(
    *, decision: Decision, by, experts: list[ExpertProfile], at: datetime | None = None
) -> list[ExpertSelection]:
    """The lead unit's drafter chooses one or more experts from the pool to argue the decision
    (第十九条、第二十一条). An expert with a declared direct interest in the decision or its lead
    unit is refused here, at selection (第二十条), so the refusal is on record before any
    opinion is asked for. Choosing an already chosen expert again changes nothing."""
    decision = lock(decision)
    require_stage(decision, Stage.ASSESSMENT)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    if not decision.expert_argumentation_needed:
        raise ValidationError(
            _("This decision does not call for expert argumentation."),
            code="experts_not_needed",
        )
    experts = list(
        ExpertProfile.objects.select_related("user").filter(pk__in=[e.pk for e in experts or []])
    )
    if not experts:
        raise ValidationError(_("Choose at least one expert."), code="experts_required")
    inactive = [e for e in experts if not e.active]
    if inactive:
        raise ValidationError(
            _("Not in the expert pool: %(names)s."),
            code="expert_not_in_pool",
            params={"names": ", ".join(_expert_name(e) for e in inactive)},
        )
    conflicted = [e for e in experts if _is_conflicted(e, decision)]
    if conflicted:
        raise ValidationError(
            _(
                "%(names)s declared an interest in this matter and cannot be chosen "
                "(experts must be independent, Art. 20)."
            ),
            code="expert_conflict_of_interest",
            params={"names": ", ".join(_expert_name(e) for e in conflicted)},
        )
    selections = []
    for expert in experts:
        selection, created = ExpertSelection.objects.get_or_create(
            decision=decision,
            expert=expert,
            defaults={"chosen_by": by, "chosen_at": act_time(at)},
        )
        selections.append(selection)
        if created:
            record_append(
                actor=by,
                action="decision.expert_chosen",
                subject=decision,
                payload={"selection": selection.pk, "expert": expert.pk, **act_on(act_time(at))},
            )
            _tell_the_chosen_expert(selection)
    return selections


@service_atomic
def expert_selection_withdraw(*, selection: ExpertSelection, by, reason: str) -> ExpertSelection:
    """The lead unit records why a chosen expert will not give an opinion (withdrew, fell ill,
    found a conflict), so the argumentation can finish without it (第十九条)."""
    decision = lock(selection.decision_id)
    require_stage(decision, Stage.ASSESSMENT)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    if not reason.strip():
        raise ValidationError(_("Say why the expert withdrew."), code="withdrawal_reason_required")
    selection = (
        ExpertSelection.objects.select_for_update(of=("self",))
        .select_related("expert__user")
        .get(pk=selection.pk)
    )
    selection.decision = decision
    if decision.expert_opinions.filter(expert_id=selection.expert_id).exists():
        raise ValidationError(
            _("This expert already gave an opinion."), code="expert_already_gave_opinion"
        )
    if selection.withdrawn_at is None:
        selection.withdrawn_reason = reason.strip()
        selection.withdrawn_at = timezone.now()
        selection.withdrawn_by = by
        selection.save(update_fields=["withdrawn_reason", "withdrawn_at", "withdrawn_by"])
        record_append(
            actor=by,
            action="decision.expert_withdrew",
            subject=decision,
            payload={"selection": selection.pk, "reason": selection.withdrawn_reason},
        )
        _tell_the_withdrawn_expert(selection)
    return selection


def expert_argumentation_missing(decision: Decision) -> list[str]:
    """What the expert-argumentation branch still lacks (empty when it may finish)."""
    selections = list(decision.expert_selections.values_list("expert_id", "withdrawn_at"))
    return rules.expert_argumentation_missing(
        chosen_ids=[e for e, _w in selections],
        withdrawn_ids=[e for e, w in selections if w is not None],
        opinion_ids=decision.expert_opinions.filter(signed=True).values_list(
            "expert_id", flat=True
        ),
    )


@service_atomic
def expert_opinion_submit(
    *, decision: Decision, by, text: str, signed: bool, at: datetime | None = None
) -> ExpertOpinion:
    """An expert the lead unit chose from the pool gives a written, signed opinion (第十九条、
    第二十条). An expert who was not chosen, or who has since declared a direct interest in the
    decision or its lead unit, is refused."""
    decision = lock(decision)
    require_stage(decision, Stage.ASSESSMENT)
    require_role(user=by, role="expert", unit=decision.government)
    try:
        expert = ExpertProfile.objects.get(user=by, active=True)
    except ExpertProfile.DoesNotExist:
        raise PermissionDenied("not in the expert pool") from None
    if not decision.expert_selections.filter(expert=expert, withdrawn_at=None).exists():
        raise ValidationError(
            _("Only an expert chosen by the lead unit for this decision may give an opinion."),
            code="expert_not_chosen",
        )
    if _is_conflicted(expert, decision):
        raise ValidationError(
            _("This expert declared an interest in the matter and may not give an opinion on it."),
            code="expert_conflict_of_interest",
        )
    if not text.strip() or not signed:
        raise ValidationError(_("The opinion must be written and signed."), code="opinion_unsigned")
    opinion = ExpertOpinion.objects.create(
        decision=decision,
        expert=expert,
        text=text.strip(),
        signed=True,
        submitted_at=act_time(at),
    )
    record_append(
        actor=by,
        action="decision.expert_opinion_submitted",
        subject=decision,
        payload={"opinion": opinion.pk, "expert": expert.pk, **act_on(opinion.submitted_at)},
    )
    return opinion


@service_atomic
def expert_opinion_handle(
    *, opinion: ExpertOpinion, by, handling: str, at: datetime | None = None
) -> ExpertOpinion:
    """The lead unit says how it handled the opinion (第二十九条(三))."""
    decision = lock(opinion.decision_id)
    require_not_sealed(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    if not handling.strip():
        raise ValidationError(_("Say how the opinion was handled."), code="handling_required")
    opinion = ExpertOpinion.objects.select_for_update().get(pk=opinion.pk)
    opinion.handling = handling.strip()
    opinion.handled_by = by
    opinion.save(update_fields=["handling", "handled_by"])
    record_append(
        actor=by,
        action="decision.expert_opinion_handled",
        subject=decision,
        payload={"opinion": opinion.pk, "handling": opinion.handling, **act_on(act_time(at))},
    )
    return opinion

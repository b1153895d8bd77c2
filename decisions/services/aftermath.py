"""Party report (第三十一条), publication (第三十二条), archiving (第三十三条), execution
(第三十四、三十五条), post-evaluation (第三十六条), adjustment and suspension (第三十七条)."""

import hashlib
import json
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workflows.clocks.messages import recipient_language
from workflows.clocks.services import notification_create
from workflows.consultations.models import Consultation
from workflows.consultations.selectors import consultation_latest
from workflows.record.services import record_append

from .. import rules
from ..models import (
    Adjustment,
    Decision,
    ExecutionReport,
    Meeting,
    Outcome,
    PartyReport,
    PostEvaluation,
    Publication,
    Stage,
)
from ..selectors import pre_decision_assessor_ids
from ._common import lock, missing_error, require_any_role, require_role, require_stage


@transaction.atomic
def party_report_record(
    *, decision: Decision, by, reported_on: date, reference: str, recipient: str
) -> PartyReport:
    """The decision was reported to the Party committee: date and reference, before publication
    (第三十一条)."""
    decision = lock(decision)
    require_role(user=by, role="meeting_secretary", unit=decision.government)
    require_stage(decision, Stage.PARTY_REPORT)
    if not reference.strip() or not recipient.strip():
        raise ValidationError(
            _("Give the reference and to whom it was reported."), code="reference_required"
        )
    report = PartyReport.objects.create(
        decision=decision,
        reported_on=reported_on,
        reference=reference.strip(),
        recipient=recipient.strip(),
        recorded_by=by,
    )
    decision.stage = Stage.PUBLICATION
    decision.save(update_fields=["stage", "updated_at"])
    record_append(
        actor=by,
        action="decision.party_reported",
        subject=decision,
        payload={
            "reported_on": reported_on,
            "reference": report.reference,
            "recipient": report.recipient,
        },
    )
    return report


@transaction.atomic
def publication_record(
    *,
    decision: Decision,
    by,
    published_on: date | None = None,
    channel: str = "",
    url: str = "",
    interpretation: str = "",
) -> Publication:
    """Publish the decision with its interpretation and the adoption report (第三十二条). A
    non-disclosable decision is recorded as not published, with its reason."""
    decision = lock(decision)
    require_role(user=by, role="publisher", unit=decision.government)
    require_stage(decision, Stage.PUBLICATION)
    published = not decision.not_disclosable
    problem = rules.publication_problem(
        has_party_report=hasattr(decision, "party_report"),
        not_disclosable=decision.not_disclosable,
        published=published,
        interpretation=interpretation,
    )
    if problem == "party_report_required":
        raise ValidationError(_("Report to the Party committee first."), code=problem)
    if problem:
        raise ValidationError(_("A published decision carries its interpretation."), code=problem)
    if published and (not published_on or not channel.strip()):
        raise ValidationError(
            _("Give the date and the channel of publication."), code="channel_required"
        )
    consultation = consultation_latest(subject=decision)
    publication = Publication.objects.create(
        decision=decision,
        published=published,
        not_published_reason="" if published else decision.not_disclosable_reason,
        published_on=published_on if published else None,
        channel=channel.strip() if published else "",
        url=url if published else "",
        text=decision.draft_text if published else "",
        interpretation=interpretation.strip() if published else "",
        adoption_report=consultation.adoption_report
        if published and consultation and consultation.status == Consultation.Status.FINISHED
        else "",
        recorded_by=by,
    )
    decision.stage = Stage.ARCHIVING
    decision.save(update_fields=["stage", "updated_at"])
    record_append(
        actor=by,
        action="decision.published" if published else "decision.not_published",
        subject=decision,
        payload={
            "published_on": publication.published_on,
            "channel": publication.channel,
            "url": publication.url,
            "not_published_reason": publication.not_published_reason,
        },
    )
    return publication


def archive_facts(decision: Decision) -> rules.ArchiveFacts:
    consultation = consultation_latest(subject=decision)
    concluded = decision.meetings.filter(status=Meeting.Status.CONCLUDED)
    return rules.ArchiveFacts(
        outcome=decision.outcome,
        draft_versions=decision.versions.count(),
        consultation_required=rules.is_consultation_required(
            not_disclosable=decision.not_disclosable
        ),
        consultation_finished=consultation is not None
        and consultation.status == Consultation.Status.FINISHED,
        not_disclosable_reason=decision.not_disclosable_reason,
        expert_argumentation_needed=decision.expert_argumentation_needed,
        expert_opinions=decision.expert_opinions.count(),
        hearing_needed=decision.hearing_needed,
        hearings_recorded=decision.hearings.filter(record_signed=True).count(),
        risk_assessments=decision.risk_assessments.count(),
        legality_reviews_completed=decision.legality_reviews.filter(status="completed").count(),
        meetings_concluded=concluded.count(),
        # The minutes are generated from the recorded statements; they exist once the head
        # has spoken and decided.
        has_minutes=concluded.exclude(head_statement="").exists(),
        has_party_report=PartyReport.objects.filter(decision=decision).exists(),
        has_publication=Publication.objects.filter(decision=decision).exists(),
    )


def archive_checklist(decision: Decision) -> dict:
    """The completeness checklist shown to the archivist before sealing (第三十三条)."""
    missing = rules.archive_missing(archive_facts(decision))
    return {"complete": not missing, "missing": missing}


def _record_digest(decision: Decision) -> str:
    from django.contrib.contenttypes.models import ContentType

    from workflows.record.models import Event

    # The seal fixes the hashes of every event recorded on the decision up to now.
    hashes = list(
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(Decision), object_id=str(decision.pk)
        )
        .order_by("seq")
        .values_list("hash", flat=True)
    )
    return hashlib.sha256(json.dumps(hashes).encode()).hexdigest()


@transaction.atomic
def decision_seal(*, decision: Decision, by) -> Decision:
    """The archivist seals the complete record (第三十三条). Refused while the checklist shows
    anything missing; after sealing nothing recorded before it can change."""
    decision = lock(decision)
    require_role(user=by, role="archivist", unit=decision.government)
    require_stage(decision, Stage.ARCHIVING)
    checklist = archive_checklist(decision)
    if not checklist["complete"]:
        raise missing_error(
            _("The record is incomplete: %(missing)s."), checklist["missing"], "archive_incomplete"
        )
    decision.sealed_at = timezone.now()
    decision.sealed_by = by
    decision.seal_checklist = checklist
    decision.seal_sha256 = _record_digest(decision)
    decision.stage = Stage.ARCHIVED
    decision.save(
        update_fields=[
            "sealed_at",
            "sealed_by",
            "seal_checklist",
            "seal_sha256",
            "stage",
            "updated_at",
        ]
    )
    record_append(
        actor=by,
        action="decision.sealed",
        subject=decision,
        payload={"checklist": checklist, "record_sha256": decision.seal_sha256},
    )
    return decision


def _require_in_force(decision: Decision) -> None:
    if decision.stage != Stage.ARCHIVED or decision.outcome not in (
        Outcome.ADOPTED,
        Outcome.ADOPTED_WITH_AMENDMENTS,
    ):
        raise ValidationError(
            _("Only an adopted, archived decision is executed."), code="not_in_force"
        )


@transaction.atomic
def execution_report_submit(
    *, decision: Decision, by, executing_unit, period: str, text: str
) -> ExecutionReport:
    """The executing unit reports on execution (第三十四条、第三十五条)."""
    decision = lock(decision)
    require_any_role(user=by, roles=("drafter", "unit_head"), unit=executing_unit)
    _require_in_force(decision)
    if not text.strip() or not period.strip():
        raise ValidationError(_("Give the period and the report."), code="report_required")
    report = ExecutionReport.objects.create(
        decision=decision,
        executing_unit=executing_unit,
        period=period.strip(),
        text=text.strip(),
        submitted_by=by,
    )
    record_append(
        actor=by,
        action="decision.execution_reported",
        subject=decision,
        payload={"report": report.pk, "period": report.period},
    )
    return report


@transaction.atomic
def post_evaluation_start(
    *, decision: Decision, by, trigger: str, evaluator, evaluator_organisation: str = ""
) -> PostEvaluation:
    """Start a post-evaluation on one of its three triggers; the evaluator is not one of those
    who assessed the decision before it was taken (第三十六条)."""
    decision = lock(decision)
    require_role(user=by, role="principal", unit=decision.government)
    _require_in_force(decision)
    if not rules.is_valid_post_evaluation_trigger(trigger):
        raise ValidationError(_("Unknown trigger."), code="invalid_trigger")
    if rules.evaluator_conflict(
        evaluator_id=evaluator.pk, pre_decision_assessor_ids=pre_decision_assessor_ids(decision)
    ):
        raise ValidationError(
            _("The evaluator took part in the assessment before the decision."),
            code="evaluator_not_independent",
        )
    evaluation = PostEvaluation.objects.create(
        decision=decision,
        trigger=trigger,
        evaluator=evaluator,
        evaluator_organisation=evaluator_organisation,
        started_by=by,
    )
    record_append(
        actor=by,
        action="decision.post_evaluation_started",
        subject=decision,
        payload={"evaluation": evaluation.pk, "trigger": trigger, "evaluator": evaluator.pk},
    )
    _tell_the_evaluator(evaluation)
    return evaluation


def _tell_the_evaluator(evaluation: PostEvaluation) -> None:
    """The evaluator, often outside the government, learns of the task in their own language
    (their notifications and e-mail-less bell), with the link to the report page."""
    evaluator, decision = evaluation.evaluator, evaluation.decision
    with translation.override(recipient_language(evaluator)):
        notification_create(
            recipient=evaluator,
            title=gettext("You are asked to evaluate “%(title)s”") % {"title": decision.title},
            body=gettext(
                "Post-evaluation of a major administrative decision (Art. 36 of the Interim "
                "Regulations): assess how it was implemented and what it achieved, then write "
                "the evaluation report."
            ),
            url=reverse(
                "decisions:register:evaluation_report",
                kwargs={"pk": decision.pk, "evaluation_pk": evaluation.pk},
            ),
        )


@transaction.atomic
def post_evaluation_complete(*, evaluation: PostEvaluation, by, report: str) -> PostEvaluation:
    evaluation = PostEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if by.pk != evaluation.evaluator_id:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("only the evaluator reports")
    if evaluation.completed_at:
        raise ValidationError(_("Already completed."), code="completed")
    if not report.strip():
        raise ValidationError(_("Write the report."), code="report_required")
    evaluation.report = report.strip()
    evaluation.completed_at = timezone.now()
    evaluation.save(update_fields=["report", "completed_at"])
    record_append(
        actor=by,
        action="decision.post_evaluation_completed",
        subject=evaluation.decision,
        payload={
            "evaluation": evaluation.pk,
            "sha256": hashlib.sha256(evaluation.report.encode()).hexdigest(),
        },
    )
    return evaluation


@transaction.atomic
def decision_suspend_urgently(*, decision: Decision, by, reason: str) -> Adjustment:
    """In an emergency the head suspends execution at once; it is recorded with its reason
    (第三十七条)."""
    decision = lock(decision)
    require_role(user=by, role="principal", unit=decision.government)
    _require_in_force(decision)
    if decision.suspended_at:
        raise ValidationError(_("Execution is already suspended."), code="already_suspended")
    if not reason.strip():
        raise ValidationError(_("Give the reason."), code="reason_required")
    now = timezone.now()
    decision.suspended_at = now
    decision.save(update_fields=["suspended_at", "updated_at"])
    adjustment = Adjustment.objects.create(
        decision=decision,
        kind=Adjustment.Kind.URGENT_SUSPENSION,
        reason=reason.strip(),
        decided_by=by,
        decided_at=now,
    )
    record_append(
        actor=by,
        action="decision.suspended",
        subject=decision,
        payload={"reason": adjustment.reason},
    )
    return adjustment


@transaction.atomic
def decision_adjust(*, decision: Decision, by, reason: str, drafter) -> Adjustment:
    """A major adjustment re-runs the statutory procedure: a new decision, linked to the old one,
    starts at drafting in the same lead unit (第三十七条)."""
    decision = lock(decision)
    require_role(user=by, role="principal", unit=decision.government)
    _require_in_force(decision)
    if not reason.strip():
        raise ValidationError(_("Give the reason."), code="reason_required")
    require_role(user=drafter, role="drafter", unit=decision.lead_unit)
    new = Decision.objects.create(
        government=decision.government,
        lead_unit=decision.lead_unit,
        catalogue_item=decision.catalogue_item,
        out_of_catalogue_reason=decision.out_of_catalogue_reason or reason.strip(),
        title=decision.title,
        problem=reason.strip(),
        necessity=decision.necessity,
        legal_basis=decision.legal_basis,
        draft_text=decision.draft_text,
        options=decision.options,
        supersedes=decision,
        created_by=drafter,
    )
    adjustment = Adjustment.objects.create(
        decision=decision,
        kind=Adjustment.Kind.ADJUST,
        new_decision=new,
        reason=reason.strip(),
        decided_by=by,
        decided_at=timezone.now(),
    )
    record_append(
        actor=by,
        action="decision.adjustment_started",
        subject=new,
        payload={"adjusts": decision.pk, "reason": adjustment.reason},
    )
    record_append(
        actor=by,
        action="decision.adjusted",
        subject=decision,
        payload={"new_decision": new.pk, "reason": adjustment.reason},
    )
    return adjustment

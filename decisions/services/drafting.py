"""Initiation, drafting, attachments, public consultation and hearing (第十条至第十八条)."""

import hashlib
import json
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workflows.consultations import services as consultation_services
from workflows.consultations.models import Comment, Consultation
from workflows.consultations.selectors import consultation_latest
from workflows.files import upload_store
from workflows.record.services import record_append

from .. import rules
from ..models import Attachment, Decision, DraftVersion, Hearing, Stage
from ._common import lock, missing_error, require_not_sealed, require_role, require_stage

FLAG_FIELDS = (
    "not_disclosable",
    "not_disclosable_reason",
    "hearing_needed",
    "expert_argumentation_needed",
    "affects_market_actors",
    "fair_competition_review",
)


def _government_of(unit):
    # The deciding government is the lead unit's parent (a department or township of the county).
    return unit.parent if unit.parent_id else unit


def _version_hash(*, title: str, text: str, options: list, legal_basis: list) -> str:
    canonical = json.dumps(
        {"title": title, "text": text, "options": options, "legal_basis": legal_basis},
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _clean_list(values) -> list[str]:
    return [str(v).strip() for v in (values or []) if str(v).strip()]


@transaction.atomic
def decision_initiate(
    *,
    by,
    lead_unit,
    title: str,
    problem: str,
    legal_basis: list[str],
    catalogue_item=None,
    out_of_catalogue_reason: str = "",
    necessity: str = "",
) -> Decision:
    """Start a decision from a published catalogue item (第三条) with its proposal (第十条),
    assigned to one lead unit (第十一条). The drafter of the lead unit starts it."""
    require_role(user=by, role="drafter", unit=lead_unit)
    problem_code = rules.catalogue_problem(
        has_item=catalogue_item is not None,
        item_published=catalogue_item is not None and catalogue_item.status != "draft",
        out_of_catalogue_reason=out_of_catalogue_reason,
    )
    if problem_code == "catalogue_item_not_published":
        raise ValidationError(_("The catalogue item is not published yet."), code=problem_code)
    if problem_code:
        raise ValidationError(
            _("A decision outside the catalogue needs the reason for it."), code=problem_code
        )
    if catalogue_item is not None and catalogue_item.lead_unit_id != lead_unit.pk:
        raise ValidationError(
            _("The catalogue names another lead unit for this item."), code="wrong_lead_unit"
        )
    legal_basis = _clean_list(legal_basis)
    missing = rules.initiation_missing(title=title, problem=problem, legal_basis=legal_basis)
    if missing:
        raise missing_error(
            _("The proposal is incomplete: %(missing)s."), missing, "proposal_incomplete"
        )
    decision = Decision.objects.create(
        government=catalogue_item.government if catalogue_item else _government_of(lead_unit),
        lead_unit=lead_unit,
        catalogue_item=catalogue_item,
        out_of_catalogue_reason="" if catalogue_item else out_of_catalogue_reason.strip(),
        title=title.strip(),
        problem=problem.strip(),
        necessity=necessity.strip(),
        legal_basis=legal_basis,
        created_by=by,
    )
    record_append(
        actor=by,
        action="decision.initiated",
        subject=decision,
        payload={
            "title": decision.title,
            "lead_unit": lead_unit.pk,
            "catalogue_item": catalogue_item.pk if catalogue_item else None,
            "out_of_catalogue_reason": decision.out_of_catalogue_reason,
            "legal_basis": legal_basis,
        },
    )
    return decision


@transaction.atomic
def decision_draft_save(
    *,
    decision: Decision,
    by,
    draft_text: str,
    title: str | None = None,
    options: list[dict] | None = None,
    legal_basis: list[str] | None = None,
    **flags,
) -> DraftVersion:
    """Save the draft (第十二条: applicable law listed; 第十三条: options). Every saved version is
    kept with its SHA-256 (第三十三条)."""
    unknown = set(flags) - set(FLAG_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.DRAFTING)
    if title is not None and title.strip():
        decision.title = title.strip()
    decision.draft_text = draft_text
    if options is not None:
        decision.options = [
            {"title": str(o.get("title", "")).strip(), "text": str(o.get("text", "")).strip()}
            for o in options
            if str(o.get("text", "")).strip()
        ]
    if legal_basis is not None:
        decision.legal_basis = _clean_list(legal_basis)
    for name, value in flags.items():
        setattr(decision, name, value.strip() if isinstance(value, str) else bool(value))
    if decision.not_disclosable and not decision.not_disclosable_reason:
        raise ValidationError(
            _("Say why the matter may not be disclosed (state or commercial secret, …)."),
            code="not_disclosable_reason_required",
        )
    if not decision.not_disclosable:
        decision.not_disclosable_reason = ""
    decision.save()
    sha = _version_hash(
        title=decision.title,
        text=decision.draft_text,
        options=decision.options,
        legal_basis=decision.legal_basis,
    )
    number = decision.versions.count() + 1
    version = DraftVersion.objects.create(
        decision=decision,
        number=number,
        title=decision.title,
        text=decision.draft_text,
        options=decision.options,
        legal_basis=decision.legal_basis,
        sha256=sha,
        created_by=by,
    )
    record_append(
        actor=by,
        action="decision.draft_saved",
        subject=decision,
        payload={
            "version": number,
            "sha256": sha,
            **{name: getattr(decision, name) for name in FLAG_FIELDS},
        },
    )
    return version


@transaction.atomic
def attachment_add(
    *, decision: Decision, by, name: str, data: bytes, kind: str = "material"
) -> Attachment:
    """Attach a PDF, DOCX or OFD file. The type is read from the content, never the name, and
    the size is limited (FAZHI_MAX_ATTACHMENT_BYTES)."""
    decision = lock(decision)
    require_not_sealed(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    if kind not in Attachment.Kind.values:
        raise ValidationError(_("Unknown attachment kind."), code="invalid_kind")
    attachment = Attachment(decision=decision, kind=kind, uploaded_by=by)
    upload = upload_store(attachment, name=name, data=data)
    attachment.save()
    record_append(
        actor=by,
        action="decision.attachment_added",
        subject=decision,
        payload={"attachment": attachment.pk, **upload, "kind": kind},
    )
    return attachment


@transaction.atomic
def decision_draft_submit(*, decision: Decision, by) -> Decision:
    """Finish drafting. A matter not disclosable by law skips public comment, with the skip and
    its reason recorded (第十四条); otherwise it goes out for comment."""
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.DRAFTING)
    if not decision.draft_text.strip() or not decision.versions.exists():
        raise ValidationError(_("Save a draft first."), code="no_draft")
    consultation_required = rules.is_consultation_required(not_disclosable=decision.not_disclosable)
    already_consulted = (
        consultation_required
        and Consultation.objects.filter(
            subject_type__model="decision",
            subject_type__app_label="decisions",
            subject_id=decision.pk,
            status=Consultation.Status.FINISHED,
        ).exists()
    )
    # A draft sent back by the risk assessment or the legality review was already consulted on;
    # it goes straight to the assessments again.
    decision.stage = (
        Stage.CONSULTATION if consultation_required and not already_consulted else Stage.ASSESSMENT
    )
    decision.save(update_fields=["stage", "updated_at"])
    payload = {"stage": decision.stage, "version": decision.versions.count()}
    if not consultation_required:
        payload["consultation_skipped_reason"] = decision.not_disclosable_reason
    record_append(actor=by, action="decision.draft_submitted", subject=decision, payload=payload)
    return decision


@transaction.atomic
def decision_consultation_open(
    *,
    decision: Decision,
    by,
    opens_at: datetime,
    closes_at: datetime,
    short_period_reason: str = "",
    attachments: list[tuple[str, bytes]] = (),
) -> Consultation:
    """Put the draft out for public comment, ≥ 30 days or shorter with a published reason
    (第十四条、第十五条), with its attachments as ``(name, content)`` pairs: the public sees the
    draft text and the attachments. One refused file refuses the whole opening."""
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.CONSULTATION)
    latest = consultation_latest(subject=decision)
    if latest is not None and latest.status != Consultation.Status.FINISHED:
        raise ValidationError(_("A consultation is already running."), code="consultation_running")
    consultation = consultation_services.consultation_open(
        subject=decision,
        by=by,
        title=decision.title,
        draft_text=decision.draft_text,
        opens_at=opens_at,
        closes_at=closes_at,
        short_period_reason=short_period_reason,
    )
    for name, data in attachments:
        consultation_services.consultation_attachment_add(
            consultation=consultation, by=by, name=name, data=data
        )
    record_append(
        actor=by,
        action="decision.consultation_opened",
        subject=decision,
        payload={"consultation": consultation.pk},
    )
    return consultation


@transaction.atomic
def decision_consultation_close(*, decision: Decision, at: datetime | None = None) -> bool:
    """The comment period ran out (the flow's timer): the lead unit now handles the comments.
    Harmless when run twice."""
    decision = lock(decision)
    consultation = consultation_latest(subject=decision)
    if consultation is None:
        return False
    closed = consultation_services.consultation_close(consultation=consultation, at=at)
    if decision.stage == Stage.CONSULTATION and consultation.status != Consultation.Status.OPEN:
        decision.stage = Stage.DISPOSITION
        decision.save(update_fields=["stage", "updated_at"])
        record_append(
            actor="system",
            action="decision.consultation_closed",
            subject=decision,
            payload={"consultation": consultation.pk},
        )
    return closed


@transaction.atomic
def decision_comment_dispose(*, comment: Comment, by, outcome: str, reason: str = ""):
    """The lead unit's drafter disposes of a comment on its decision (第十五条)."""
    decision = comment.consultation.subject
    if not isinstance(decision, Decision):
        raise ValidationError(_("This comment is not about a decision."), code="wrong_subject")
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.CONSULTATION, Stage.DISPOSITION)
    return consultation_services.comment_dispose(
        comment=comment, by=by, outcome=outcome, reason=reason
    )


@transaction.atomic
def decision_comment_hide(*, comment: Comment, by, reason: str):
    decision = comment.consultation.subject
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_not_sealed(decision)
    return consultation_services.comment_hide(comment=comment, by=by, reason=reason)


@transaction.atomic
def decision_consultation_finish(*, decision: Decision, by) -> Consultation:
    """Every comment has its disposition: write the adoption report and move on to the
    assessments (第十五条). Refused while a comment lacks a disposition."""
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.DISPOSITION)
    consultation = consultation_latest(subject=decision)
    consultation = consultation_services.consultation_finish(consultation=consultation, by=by)
    decision.stage = Stage.ASSESSMENT
    decision.save(update_fields=["stage", "updated_at"])
    record_append(
        actor=by,
        action="decision.consultation_finished",
        subject=decision,
        payload={"consultation": consultation.pk, "comments": consultation.comments.count()},
    )
    return consultation


@transaction.atomic
def hearing_schedule(
    *,
    decision: Decision,
    by,
    materials_sent_on: date,
    held_on: date,
    participants: str,
    place: str = "",
) -> Hearing:
    """Schedule a hearing: materials reach participants ≥ 7 days before; the participant list
    is published (第十六条、第十七条)."""
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.DRAFTING, Stage.CONSULTATION, Stage.DISPOSITION, Stage.ASSESSMENT)
    if rules.hearing_problem(materials_sent_on=materials_sent_on, held_on=held_on):
        raise ValidationError(
            _("The hearing must be held at least %(days)s days after the materials are sent."),
            code="hearing_notice_too_short",
            params={"days": rules.HEARING_NOTICE_DAYS},
        )
    if not participants.strip():
        raise ValidationError(_("List the participants."), code="participants_required")
    hearing = Hearing.objects.create(
        decision=decision,
        materials_sent_on=materials_sent_on,
        held_on=held_on,
        participants=participants.strip(),
        place=place,
        scheduled_by=by,
    )
    record_append(
        actor=by,
        action="decision.hearing_scheduled",
        subject=decision,
        payload={
            "hearing": hearing.pk,
            "materials_sent_on": materials_sent_on,
            "held_on": held_on,
            "participants": hearing.participants,
        },
    )
    return hearing


@transaction.atomic
def hearing_record(*, hearing: Hearing, by, record: str, signed_by_participants: bool) -> Hearing:
    """The hearing record, signed by the participants (第十七条)."""
    from django.utils import timezone

    decision = lock(hearing.decision_id)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_not_sealed(decision)
    if not record.strip() or not signed_by_participants:
        raise ValidationError(
            _("The hearing record must be written and signed by the participants."),
            code="record_unsigned",
        )
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    hearing.record = record.strip()
    hearing.record_signed = True
    hearing.recorded_at = timezone.now()
    hearing.save(update_fields=["record", "record_signed", "recorded_at"])
    record_append(
        actor=by,
        action="decision.hearing_recorded",
        subject=decision,
        payload={
            "hearing": hearing.pk,
            "sha256": hashlib.sha256(hearing.record.encode()).hexdigest(),
        },
    )
    return hearing

"""Initiation, drafting and attachments (第十条至第十三条); the draft goes out for public
participation from here (``participation``, 第十四条至第十七条)."""

import hashlib
import json
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from workflows.consultations.models import Consultation
from workflows.files import upload_store
from workflows.record.services import record_append
from workflows.transactions import service_atomic

from .. import rules
from ..lifecycle import decision_stage_move
from ..models import Attachment, Decision, DraftVersion, Stage
from ..rules import start as start_rules
from ._common import (
    act_on,
    act_time,
    count_of,
    decision_row,
    lock,
    missing_error,
    require_not_sealed,
    require_role,
    require_stage,
)

FLAG_FIELDS = (
    "not_disclosable",
    "not_disclosable_reason",
    "hearing_needed",
    "expert_argumentation_needed",
    "affects_market_actors",
    "fair_competition_review",
)
# Recorded with the draft, and never erased by a save that leaves them empty: the government's
# decision to start (第十条) and the drafting explanation (第十四条). Required at submission.
RECORD_FIELDS = (
    "start_decided_by",
    "start_decided_on",
    "start_reference",
    "drafting_explanation",
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


def _require_catalogue_item_fits(
    *, catalogue_item, out_of_catalogue_reason: str, lead_unit
) -> None:
    """A decision starts from a published catalogue item naming its lead unit, or outside the
    catalogue with the reason for it (第三条、第十一条)."""
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


@service_atomic
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
    start_decided_by: str = "",
    start_decided_on: date | None = None,
    start_reference: str = "",
    at: datetime | None = None,
) -> Decision:
    """Start a decision from a published catalogue item (第三条) with its proposal (第十条),
    assigned to one lead unit (第十一条). The drafter of the lead unit starts it.

    The government's decision to start it (who decided, when, its reference: 第十条) is given
    here or recorded with the draft (``decision_draft_save``); the draft is not submitted
    without it.

    ``at`` is when it was started, given when it is entered after the fact: the decision's
    ``created_at`` (the annual report counts decisions started by it, domain.md §5)."""
    require_role(user=by, role="drafter", unit=lead_unit)
    started_at = act_time(at)
    _require_catalogue_item_fits(
        catalogue_item=catalogue_item,
        out_of_catalogue_reason=out_of_catalogue_reason,
        lead_unit=lead_unit,
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
        start_decided_by=start_decided_by.strip(),
        start_decided_on=start_decided_on,
        start_reference=start_reference.strip(),
        created_by=by,
    )
    if at is not None:  # created_at is set on insert; a back-entered start keeps its own time
        Decision.objects.filter(pk=decision.pk).update(created_at=started_at)
        decision.created_at = started_at
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
            "start_decided_by": decision.start_decided_by,
            "start_decided_on": decision.start_decided_on,
            "start_reference": decision.start_reference,
            **act_on(started_at),
        },
    )
    return decision


def _draft_fields_set(
    decision: Decision,
    *,
    draft_text: str,
    title: str | None,
    options: list[dict] | None,
    legal_basis: list[str] | None,
    **flags,
) -> None:
    """Set what the drafter gave on ``decision`` (not saved): the text, the title, options with
    a text (第十三条), the applicable law (第十二条) and the flags; a record field given empty
    keeps what was recorded."""
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
        if name in RECORD_FIELDS:
            if isinstance(value, str):
                value = value.strip()
            if value:
                setattr(decision, name, value)
            continue
        setattr(decision, name, value.strip() if isinstance(value, str) else bool(value))


@service_atomic
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
    unknown = set(flags) - set(FLAG_FIELDS) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.DRAFTING)
    _draft_fields_set(
        decision,
        draft_text=draft_text,
        title=title,
        options=options,
        legal_basis=legal_basis,
        **flags,
    )
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
    (versions,) = decision_row("versions", _versions_of, decision)
    number = versions + 1
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
            **{name: getattr(decision, name) for name in (*FLAG_FIELDS, *RECORD_FIELDS)},
        },
    )
    return version


@service_atomic
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


def _require_start_recorded(decision: Decision) -> None:
    """The draft goes on only with the government's decision to start the procedure recorded
    (who decided, when, its reference: 第十条) and with its drafting explanation."""
    missing = start_rules.start_decision_missing(
        decided_by=decision.start_decided_by,
        decided_on=decision.start_decided_on,
        reference=decision.start_reference,
    )
    if missing:
        raise missing_error(
            _(
                "Record the government's decision to start this procedure (who decided, when, "
                "reference): %(missing)s."
            ),
            missing,
            "start_decision_required",
        )
    if start_rules.drafting_explanation_missing(explanation=decision.drafting_explanation):
        raise ValidationError(
            _("The draft needs its drafting explanation."),
            code="drafting_explanation_required",
        )


@service_atomic
def decision_draft_submit(*, decision: Decision, by, at: datetime | None = None) -> Decision:
    """Finish drafting. A matter not disclosable by law skips public comment, with the skip and
    its reason recorded (第十四条); otherwise it goes out for comment. ``at``: when, given
    when it is entered after the fact."""
    decision = lock(decision)
    require_role(user=by, role="drafter", unit=decision.lead_unit)
    require_stage(decision, Stage.DRAFTING)
    # The versions (the check and the record both need their number) and whether a finished
    # consultation exists, in one statement.
    versions, consulted = decision_row("draft_submit_facts", _draft_submit_facts_of, decision)
    if not decision.draft_text.strip() or not versions:
        raise ValidationError(_("Save a draft first."), code="no_draft")
    _require_start_recorded(decision)
    consultation_required = rules.is_consultation_required(not_disclosable=decision.not_disclosable)
    already_consulted = consultation_required and consulted
    # A draft sent back by the risk assessment or the legality review was already consulted on;
    # it goes straight to the assessments again.
    decision_stage_move(
        decision=decision,
        move="send_to_consultation"
        if consultation_required and not already_consulted
        else "skip_consultation",
    )
    payload = {
        "stage": decision.stage,
        "version": versions,
        **act_on(act_time(at)),
    }
    if not consultation_required:
        payload["consultation_skipped_reason"] = decision.not_disclosable_reason
    record_append(actor=by, action="decision.draft_submitted", subject=decision, payload=payload)
    return decision


def _draft_submit_facts_of(pk: int) -> QuerySet:
    """How many versions the draft has and whether a consultation on it finished:
    ``decision_draft_submit``'s one read (``_common.decision_row``)."""
    return Decision.objects.filter(pk=pk).values_list(
        count_of(DraftVersion.objects.filter(decision=OuterRef("pk"))),
        Exists(
            Consultation.objects.filter(
                subject_type=ContentType.objects.get_for_model(Decision),
                subject_id=OuterRef("pk"),
                status=Consultation.Status.FINISHED,
            )
        ),
    )


def _versions_of(pk: int) -> QuerySet:
    """How many draft versions the decision has (``_common.decision_row``)."""
    return Decision.objects.filter(pk=pk).values_list(
        count_of(DraftVersion.objects.filter(decision=OuterRef("pk")))
    )

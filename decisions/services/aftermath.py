"""Party report (第三十一条), publication (第三十二条) and archiving (第三十三条); what follows
the archive (execution, post-evaluation, adjustment) is in ``execution``."""

import hashlib
import json
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.consultations.models import Consultation
from workflows.record.services import record_append
from workflows.transactions import service_atomic

from .. import rules
from ..lifecycle import decision_stage_move
from ..models import (
    Decision,
    DraftVersion,
    ExpertOpinion,
    Hearing,
    LegalityReview,
    Meeting,
    PartyReport,
    Publication,
    RiskAssessment,
    Stage,
)
from ._common import (
    act_on,
    act_time,
    count_of,
    decision_row,
    lock,
    missing_error,
    require_role,
    require_stage,
)
from .amendments import published_version
from .participation import latest_consultation_column


@service_atomic
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
    decision_stage_move(decision=decision, move="report_to_party")
    record_append(
        actor=by,
        action="decision.party_reported",
        subject=decision,
        payload={
            "reported_on": reported_on,
            "reference": report.reference,
            "recipient": report.recipient,
            "on": reported_on,
        },
    )
    return report


def _require_publishable(
    *,
    decision: Decision,
    has_party_report: bool,
    published: bool,
    published_on: date | None,
    channel: str,
    interpretation: str,
) -> None:
    """Reported to the Party committee first (第三十一条); published, with its interpretation,
    its date and its channel (第三十二条)."""
    problem = rules.publication_problem(
        has_party_report=has_party_report,
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


@service_atomic
def publication_record(
    *,
    decision: Decision,
    by,
    published_on: date | None = None,
    channel: str = "",
    url: str = "",
    interpretation: str = "",
) -> Publication:
    """Publish the decision with its interpretation and the adoption report (第三十二条): the
    text of the version adopted, or of the approved amended version when the meeting adopted it
    with amendments, with that version's number and the SHA-256 of the text. A non-disclosable
    decision is recorded as not published, with its reason."""
    decision = lock(decision)
    require_role(user=by, role="publisher", unit=decision.government)
    require_stage(decision, Stage.PUBLICATION)
    published = not decision.not_disclosable
    # Whether the Party committee was told, and the latest consultation's state and adoption
    # report (published with the decision), in one statement.
    has_party_report, consultation_status, adoption_report = decision_row(
        "publication_facts", _publication_facts_of, decision
    )
    _require_publishable(
        decision=decision,
        has_party_report=has_party_report,
        published=published,
        published_on=published_on,
        channel=channel,
        interpretation=interpretation,
    )
    # The text published is the version the meeting adopted, or the approved version carrying
    # the amendments it decided (第三十条、第三十二条); never the unamended draft.
    version = published_version(decision) if published else None
    text = version.text if version else (decision.draft_text if published else "")
    publication = Publication.objects.create(
        decision=decision,
        published=published,
        not_published_reason="" if published else decision.not_disclosable_reason,
        published_on=published_on if published else None,
        channel=channel.strip() if published else "",
        url=url if published else "",
        text=text,
        version=version,
        text_sha256=hashlib.sha256(text.encode()).hexdigest() if published else "",
        interpretation=interpretation.strip() if published else "",
        adoption_report=adoption_report
        if published and consultation_status == Consultation.Status.FINISHED
        else "",
        recorded_by=by,
    )
    decision_stage_move(decision=decision, move="publish")
    record_append(
        actor=by,
        action="decision.published" if published else "decision.not_published",
        subject=decision,
        payload={
            "published_on": publication.published_on,
            "channel": publication.channel,
            "url": publication.url,
            "not_published_reason": publication.not_published_reason,
            "version": version.number if version else None,
            "text_sha256": publication.text_sha256,
            "on": publication.published_on or timezone.localdate(),
        },
    )
    return publication


# What the archive checklist counts, and the state of the latest consultation, in one
# statement rather than one each: the names of ``archive_facts``' columns, in order.
_ARCHIVE_FACTS = (
    "draft_versions",
    "expert_opinions",
    "hearings_recorded",
    "risk_assessments",
    "legality_reviews_completed",
    "meetings_concluded",
    "has_minutes",
    "has_party_report",
    "has_publication",
    "consultation_status",
)


def _archive_facts_of(pk: int) -> QuerySet:
    def of_decision(model) -> QuerySet:
        return model.objects.filter(decision=OuterRef("pk"))

    concluded = of_decision(Meeting).filter(status=Meeting.Status.CONCLUDED)
    facts = {
        "draft_versions": count_of(of_decision(DraftVersion)),
        "expert_opinions": count_of(of_decision(ExpertOpinion)),
        "hearings_recorded": count_of(of_decision(Hearing).filter(record_signed=True)),
        "risk_assessments": count_of(of_decision(RiskAssessment)),
        "legality_reviews_completed": count_of(
            of_decision(LegalityReview).filter(status="completed")
        ),
        "meetings_concluded": count_of(concluded),
        # The minutes are generated from the recorded statements; they exist once the head has
        # spoken and decided.
        "has_minutes": Exists(concluded.exclude(head_statement="")),
        "has_party_report": Exists(of_decision(PartyReport)),
        "has_publication": Exists(of_decision(Publication)),
        "consultation_status": latest_consultation_column("status"),
    }
    if tuple(facts) != _ARCHIVE_FACTS:
        raise RuntimeError("_ARCHIVE_FACTS names archive_facts' columns in their order")
    # expressions: their names would clash with the model's
    return Decision.objects.filter(pk=pk).values_list(*facts.values())


def archive_facts(decision: Decision) -> rules.ArchiveFacts:
    row = decision_row("archive_facts", _archive_facts_of, decision)
    counted = dict(zip(_ARCHIVE_FACTS, row, strict=True))
    consultation_status = counted.pop("consultation_status")
    return rules.ArchiveFacts(
        outcome=decision.outcome,
        consultation_required=rules.is_consultation_required(
            not_disclosable=decision.not_disclosable
        ),
        consultation_finished=consultation_status == Consultation.Status.FINISHED,
        not_disclosable_reason=decision.not_disclosable_reason,
        expert_argumentation_needed=decision.expert_argumentation_needed,
        hearing_needed=decision.hearing_needed,
        **counted,
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


@service_atomic
def decision_seal(*, decision: Decision, by, at: datetime | None = None) -> Decision:
    """The archivist seals the complete record (第三十三条). Refused while the checklist shows
    anything missing; after sealing nothing recorded before it can change. ``at`` is when it
    was sealed, given when the archiving is entered after the fact."""
    decision = lock(decision)
    require_role(user=by, role="archivist", unit=decision.government)
    require_stage(decision, Stage.ARCHIVING)
    checklist = archive_checklist(decision)
    if not checklist["complete"]:
        raise missing_error(
            _("The record is incomplete: %(missing)s."), checklist["missing"], "archive_incomplete"
        )
    decision.sealed_at = act_time(at)
    decision.sealed_by = by
    decision.seal_checklist = checklist
    decision.seal_sha256 = _record_digest(decision)
    decision_stage_move(
        decision=decision,
        move="seal",
        also=("sealed_at", "sealed_by", "seal_checklist", "seal_sha256"),
    )
    record_append(
        actor=by,
        action="decision.sealed",
        subject=decision,
        payload={
            "checklist": checklist,
            "record_sha256": decision.seal_sha256,
            **act_on(decision.sealed_at),
        },
    )
    return decision


def _publication_facts_of(pk: int) -> QuerySet:
    """Whether the Party committee was told, and the latest consultation's state and adoption
    report: ``publication_record``'s one read (``_common.decision_row``)."""
    return Decision.objects.filter(pk=pk).values_list(
        Exists(PartyReport.objects.filter(decision=OuterRef("pk"))),
        latest_consultation_column("status"),
        latest_consultation_column("adoption_report"),
    )

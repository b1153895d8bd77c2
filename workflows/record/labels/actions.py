"""The reader's name of each record action (``decision.initiated``: “Decision started”).

One table per family of codes: the shared machinery's (archive, consultations, deadlines,
tasks), the major decisions' and the normative documents'; ``ACTION_LABELS`` joins them and
``action_label`` is the one lookup.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The shared machinery of workflows/: archive packages, public comment, deadlines, the inbox.
COMMON_ACTIONS = {
    "archive.copy_disposed": _("Archive copy disposed of"),
    "archive.export_failed": _("Archive export failed"),
    "archive.exported": _("Archive package exported"),
    "archive.legal_hold_placed": _("Legal hold placed"),
    "archive.legal_hold_released": _("Legal hold released"),
    "archive.package_downloaded": _("Archive package downloaded"),
    "consultation.attachment_added": _("Consultation attachment added"),
    "consultation.closed": _("Public comment closed"),
    "consultation.comment_disposed": _("Comment disposed of"),
    "consultation.comment_hidden": _("Comment hidden"),
    "consultation.comment_submitted": _("Comment received"),
    "consultation.finished": _("Adoption report published"),
    "consultation.opened": _("Public comment opened"),
    "deadline.computed": _("Deadline computed"),
    "deadline.met": _("Deadline met"),
    "deadline.opened": _("Deadline started"),
    "deadline.overdue": _("Deadline overdue"),
    "deadline.waived": _("Deadline waived"),
    "task.claimed": _("Task claimed"),
    "task.urged": _("Task urged"),
}

# Major administrative decisions: the decision, its catalogue and experts, its meetings.
DECISION_ACTIONS = {
    "agenda_item.checked": _("Agenda item checked by the review office"),
    "agenda_item.proposed": _("Agenda item proposed"),
    "decision.adjusted": _("Decision adjusted"),
    "decision.adjustment_started": _("Decision adjustment started"),
    "decision.amended_version_approved": _("Amended text approved"),
    "decision.amended_version_confirmed": _("Amended text confirmed by the review office"),
    "decision.amended_version_returned": _("Amended text returned"),
    "decision.amended_version_saved": _("Amended text saved"),
    "decision.amendments_incorporated": _("Amendments incorporated"),
    "decision.assessments_completed": _("Assessments completed"),
    "decision.attachment_added": _("Attachment added"),
    "decision.consultation_closed": _("Public comment closed"),
    "decision.consultation_finished": _("Public comment concluded"),
    "decision.consultation_opened": _("Public comment opened"),
    "decision.draft_saved": _("Draft saved"),
    "decision.draft_submitted": _("Draft submitted"),
    "decision.execution_reported": _("Implementation reported"),
    "decision.expert_chosen": _("Expert chosen"),
    "decision.expert_opinion_handled": _("Expert opinion handled"),
    "decision.expert_opinion_submitted": _("Expert opinion submitted"),
    "decision.expert_withdrew": _("Expert withdrew"),
    "decision.hearing_announced": _("Hearing announced"),
    "decision.hearing_recorded": _("Hearing recorded"),
    "decision.hearing_scheduled": _("Hearing scheduled"),
    "decision.initiated": _("Decision started"),
    "decision.legality_opinion_prepared": _("Legality opinion prepared"),
    "decision.legality_opinion_sent_back": _("Legality opinion sent back"),
    "decision.legality_review_returned": _("Returned by the review office"),
    "decision.legality_review_submitted": _("Submitted for legality review"),
    "decision.legality_reviewed": _("Legality opinion issued"),
    "decision.meeting_decided": _("Decided at the meeting"),
    "decision.meeting_opened": _("Meeting opened"),
    "decision.meeting_statement": _("Statement at the meeting"),
    "decision.not_published": _("Not published"),
    "decision.package_checked": _("Submission package checked"),
    "decision.party_reported": _("Reported to the Party committee"),
    "decision.post_evaluation_completed": _("Post-decision evaluation completed"),
    "decision.post_evaluation_started": _("Post-decision evaluation started"),
    "decision.published": _("Decision published"),
    "decision.returned_for_risk": _("Returned for risk assessment"),
    "decision.risk_assessed": _("Risk assessed"),
    "decision.scheduled": _("Put on the agenda"),
    "decision.sealed": _("Archived and sealed"),
    "decision.submitted": _("Submitted"),
    "decision.suspended": _("Decision suspended"),
    "decision_catalogue.item_adjusted": _("Catalogue item adjusted"),
    "decision_catalogue.item_created": _("Catalogue item added"),
    "decision_catalogue.item_published": _("Catalogue item published"),
    "decision_catalogue.party_consent_recorded": _("Party committee consent recorded"),
    "decision_experts.interest_declared": _("Expert declared an interest"),
    "decision_experts.registered": _("Expert registered"),
    "session.concluded": _("Meeting concluded"),
    "session.item_added": _("Item added to the agenda"),
    "session.meeting_decided": _("Decided at the meeting"),
    "session.meeting_statement": _("Statement at the meeting"),
    "session.opened": _("Meeting opened"),
    "session.planned": _("Meeting planned"),
}

# Normative documents: the document, its legality review, filing and clean-up.
NORMDOC_ACTIONS = {
    "normdoc.amended": _("Document amended"),
    "normdoc.cleanup.closed": _("Clean-up closed"),
    "normdoc.cleanup.item_decided": _("Clean-up item decided"),
    "normdoc.cleanup.opened": _("Clean-up opened"),
    "normdoc.created": _("Document created"),
    "normdoc.declared_invalid": _("Document declared invalid"),
    "normdoc.deliberated": _("Document deliberated"),
    "normdoc.drafting_body.registered": _("Drafting body registered"),
    "normdoc.entered_into_force": _("Document entered into force"),
    "normdoc.expired": _("Document expired"),
    "normdoc.filing.accepted": _("Filing accepted"),
    "normdoc.filing.amended_by_issuer": _("Amended by the issuer after filing review"),
    "normdoc.filing.changed_by_filing_body": _("Changed by the filing body"),
    "normdoc.filing.correction_requested": _("Correction requested"),
    "normdoc.filing.due": _("Filing due"),
    "normdoc.filing.received": _("Filing received"),
    "normdoc.filing.returned": _("Filing returned for completion"),
    "normdoc.filing.revoked_by_filing_body": _("Revoked by the filing body"),
    "normdoc.filing.revoked_by_issuer": _("Revoked by the issuer"),
    "normdoc.filing.submitted": _("Submitted for filing"),
    "normdoc.imported": _("Document imported"),
    "normdoc.legality_review.opened": _("Legality review opened"),
    "normdoc.legality_review.concluded": _("Legality review concluded"),
    "normdoc.legality_review.submitted": _("Submitted for legality review"),
    "normdoc.published": _("Document published"),
    "normdoc.registered": _("Document registered"),
    "normdoc.renewed": _("Validity renewed"),
    "normdoc.repealed": _("Document repealed"),
    "normdoc.revoked": _("Document revoked"),
    "normdoc.sent_to_deliberation": _("Sent to deliberation"),
}

ACTION_LABELS = {**COMMON_ACTIONS, **DECISION_ACTIONS, **NORMDOC_ACTIONS}


def action_label(action: str) -> str:
    """The reader's name of an event action; an action without a label yet is named by its
    subject's kind, never shown as its code."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    return gettext("Recorded event")

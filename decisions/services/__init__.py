"""Every write of the decision procedure. Each service runs in one transaction and records
what it changed in the full-process record in that same transaction."""

from .aftermath import (
    archive_checklist,
    decision_seal,
    party_report_record,
    publication_record,
)
from .agenda import (
    agenda_item_add,
    agenda_item_check,
    agenda_item_propose,
    item_check_passes,
    pending_item_of,
    session_agenda_add_decision,
)
from .amendments import (
    amended_version_approve,
    amended_version_confirm,
    amended_version_submit,
    pending_amended_version,
    published_version,
)
from .assessment import (
    decision_assessments_complete,
    latest_risk_assessment,
    risk_assessment_submit,
)
from .catalogue import (
    catalogue_item_adjust,
    catalogue_item_create,
    catalogue_item_publish,
    catalogue_party_consent_record,
)
from .drafting import (
    attachment_add,
    decision_draft_save,
    decision_draft_submit,
    decision_initiate,
)
from .execution import (
    decision_adjust,
    decision_suspend_urgently,
    execution_report_submit,
    post_evaluation_complete,
    post_evaluation_start,
)
from .experts import (
    expert_argumentation_missing,
    expert_interest_declare,
    expert_opinion_handle,
    expert_opinion_submit,
    expert_register,
    expert_selection_withdraw,
    experts_choose,
)
from .meeting import meeting_decide, meeting_statement_record
from .package import decision_package_check, package_facts
from .participation import (
    decision_comment_dispose,
    decision_comment_hide,
    decision_consultation_close,
    decision_consultation_finish,
    decision_consultation_open,
    hearing_announce,
    hearing_record,
    hearing_schedule,
    latest_consultation,
)
from .review import latest_review, passes_review, was_returned
from .review_opinion import (
    legality_opinion_send_back,
    legality_review_approve,
    legality_review_complete,
)
from .review_submission import legality_review_return, legality_review_submit
from .session import session_conclude, session_open, session_plan, sessions_to_schedule
from .start import decision_adjust_start, decision_start

__all__ = [
    "amended_version_approve",
    "amended_version_confirm",
    "amended_version_submit",
    "pending_amended_version",
    "published_version",
    "agenda_item_add",
    "agenda_item_check",
    "agenda_item_propose",
    "item_check_passes",
    "pending_item_of",
    "session_agenda_add_decision",
    "session_conclude",
    "session_open",
    "session_plan",
    "sessions_to_schedule",
    "archive_checklist",
    "attachment_add",
    "catalogue_item_adjust",
    "catalogue_item_create",
    "catalogue_item_publish",
    "catalogue_party_consent_record",
    "decision_adjust",
    "decision_adjust_start",
    "decision_assessments_complete",
    "decision_comment_dispose",
    "decision_comment_hide",
    "decision_consultation_close",
    "decision_consultation_finish",
    "decision_consultation_open",
    "decision_draft_save",
    "decision_draft_submit",
    "decision_initiate",
    "decision_package_check",
    "decision_seal",
    "decision_start",
    "decision_suspend_urgently",
    "execution_report_submit",
    "expert_argumentation_missing",
    "expert_interest_declare",
    "expert_opinion_handle",
    "expert_opinion_submit",
    "expert_register",
    "expert_selection_withdraw",
    "experts_choose",
    "hearing_announce",
    "hearing_record",
    "hearing_schedule",
    "latest_consultation",
    "latest_review",
    "latest_risk_assessment",
    "legality_opinion_send_back",
    "legality_review_approve",
    "legality_review_complete",
    "legality_review_return",
    "legality_review_submit",
    "meeting_decide",
    "meeting_statement_record",
    "package_facts",
    "party_report_record",
    "passes_review",
    "post_evaluation_complete",
    "post_evaluation_start",
    "publication_record",
    "risk_assessment_submit",
    "was_returned",
]

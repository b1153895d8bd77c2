"""Every write of the decision procedure. Each service runs in one transaction and records
what it changed in the full-process record in that same transaction."""

from .aftermath import (
    archive_checklist,
    decision_seal,
    party_report_record,
    publication_record,
)
from .assessment import (
    decision_assessments_complete,
    expert_argumentation_missing,
    expert_interest_declare,
    expert_opinion_handle,
    expert_opinion_submit,
    expert_register,
    expert_selection_withdraw,
    experts_choose,
    latest_risk_assessment,
    risk_assessment_submit,
)
from .catalogue import catalogue_item_adjust, catalogue_item_create, catalogue_item_publish
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
from .meeting import (
    decision_package_check,
    meeting_decide,
    meeting_open,
    meeting_statement_record,
    package_facts,
)
from .participation import (
    decision_comment_dispose,
    decision_comment_hide,
    decision_consultation_close,
    decision_consultation_finish,
    decision_consultation_open,
    hearing_record,
    hearing_schedule,
)
from .review import latest_review, legality_review_complete, legality_review_submit, passes_review
from .start import decision_adjust_start, decision_start

__all__ = [
    "archive_checklist",
    "attachment_add",
    "catalogue_item_adjust",
    "catalogue_item_create",
    "catalogue_item_publish",
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
    "hearing_record",
    "hearing_schedule",
    "latest_review",
    "latest_risk_assessment",
    "legality_review_complete",
    "legality_review_submit",
    "meeting_decide",
    "meeting_open",
    "meeting_statement_record",
    "package_facts",
    "party_report_record",
    "passes_review",
    "post_evaluation_complete",
    "post_evaluation_start",
    "publication_record",
    "risk_assessment_submit",
]

"""Every write to normative documents, each inside a transaction with its record event."""

from .bodies import drafting_body_deliberates_as, drafting_body_register
from .cleanup import (
    cleanup_close,
    cleanup_item_decide,
    cleanup_open,
    cleanup_open_regular_if_due,
    cleanup_scope_documents,
    cleanup_undecided_count,
)
from .filing_external import (
    filing_external_outcome,
    filing_external_receipt,
    filing_external_submit,
)
from .filing_review import (
    filing_accept,
    filing_body_revoke,
    filing_issuer_amend,
    filing_issuer_revoke,
    filing_request_correction,
    filing_return,
    filing_submit,
)
from .imports import normdoc_import_published, normdoc_register_import, register_rows_read
from .lifecycle import (
    normdoc_create,
    normdoc_deliberate,
    normdoc_register,
    normdoc_revise,
    normdoc_send_to_deliberation,
)
from .numbering import number_allocate
from .review import (
    legality_review_amendments_record,
    legality_review_conclude,
    legality_review_submit,
)
from .validity import (
    normdoc_declare_invalid,
    normdoc_enter_into_force,
    normdoc_expire,
    normdoc_publish,
    normdoc_renew,
    normdoc_repeal,
    normdoc_revoke,
    validity_sweep,
)

__all__ = [
    "cleanup_close",
    "cleanup_item_decide",
    "cleanup_open",
    "cleanup_open_regular_if_due",
    "cleanup_scope_documents",
    "cleanup_undecided_count",
    "drafting_body_deliberates_as",
    "drafting_body_register",
    "filing_accept",
    "filing_body_revoke",
    "filing_external_outcome",
    "filing_external_receipt",
    "filing_external_submit",
    "filing_issuer_amend",
    "filing_issuer_revoke",
    "filing_request_correction",
    "filing_return",
    "filing_submit",
    "legality_review_amendments_record",
    "legality_review_conclude",
    "legality_review_submit",
    "normdoc_create",
    "normdoc_declare_invalid",
    "normdoc_deliberate",
    "normdoc_enter_into_force",
    "normdoc_expire",
    "normdoc_import_published",
    "normdoc_register_import",
    "normdoc_publish",
    "normdoc_register",
    "normdoc_renew",
    "normdoc_revise",
    "normdoc_repeal",
    "normdoc_revoke",
    "normdoc_send_to_deliberation",
    "number_allocate",
    "register_rows_read",
    "validity_sweep",
]

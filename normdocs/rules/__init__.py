"""Pure legal rules for administrative normative documents (行政规范性文件).

No ORM, no clock: every function takes what it needs and returns a value or a refusal (a
``RuleRefusal``, returned unraised, or None when all is well; the services raise it).
Sources: 国办发〔2018〕37号 (drafting and supervision), 国办发〔2018〕115号 (legality review),
《新疆维吾尔自治区行政规范性文件管理办法》 (自治区人民政府令第218号), GB/T 9704-2012 (document numbers).

refusals.py    RuleRefusal, the one way a rule says no
lifecycles.py  the lifecycle tables of a document, its filing and a cleanup, and their refusals
drafting.py    drafting bodies, legality review, collective deliberation
numbers.py     document numbers (发文字号) and index numbers (索引号)
validity.py    publication, validity and expiry, the filing government, the biennial cleanup
"""

from .drafting import (
    BODY_KINDS_ALLOWED,
    BODY_KINDS_REFUSED,
    CONTENT_LIMITS,
    DRAFTING_BODY_SOURCE,
    MEETINGS_FOR_ISSUER,
    REVIEW_METHODS_REFUSED,
    REVIEW_SUBSTITUTE_SOURCE,
    content_checklist_refusal,
    deliberation_refusal,
    drafting_body_refusal,
    meeting_refusal,
    review_bounds_refusal,
    review_materials_refusal,
    review_method_refusal,
    review_needed_by_refusal,
    revision_refusal,
)
from .lifecycles import (
    CLEANUP_CAMPAIGN_LIFECYCLE,
    CLEANUP_ITEM_LIFECYCLE,
    FILING_LIFECYCLE,
    LIFECYCLE,
    cleanup_transition_refusal,
    filing_transition_refusal,
    transition_refusal,
)
from .numbers import (
    CLOSE_BRACKETS,
    MAX_YEAR,
    MIN_YEAR,
    OPEN_BRACKETS,
    DocumentNumber,
    IndexNumber,
    format_document_number,
    parse_document_number,
    parse_index_number,
)
from .refusals import (
    MalformedDocumentNumber,
    MalformedIndexNumber,
    RuleRefusal,
)
from .validity import (
    CLEANUP_OUTCOMES,
    PROVISIONAL_MARKERS,
    add_months,
    add_years,
    cleanup_outcome_refusal,
    effective_date,
    expiry_reminder_dates,
    filing_receiving_unit,
    is_expired,
    is_provisional,
    next_regular_cleanup_on,
    validity_end,
)

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "BODY_KINDS_ALLOWED",
    "BODY_KINDS_REFUSED",
    "CLEANUP_CAMPAIGN_LIFECYCLE",
    "CLEANUP_ITEM_LIFECYCLE",
    "CLEANUP_OUTCOMES",
    "CLOSE_BRACKETS",
    "DRAFTING_BODY_SOURCE",
    "DocumentNumber",
    "FILING_LIFECYCLE",
    "IndexNumber",
    "LIFECYCLE",
    "MEETINGS_FOR_ISSUER",
    "MalformedDocumentNumber",
    "MalformedIndexNumber",
    "OPEN_BRACKETS",
    "PROVISIONAL_MARKERS",
    "REVIEW_METHODS_REFUSED",
    "REVIEW_SUBSTITUTE_SOURCE",
    "RuleRefusal",
    "add_months",
    "add_years",
    "cleanup_outcome_refusal",
    "cleanup_transition_refusal",
    "deliberation_refusal",
    "drafting_body_refusal",
    "effective_date",
    "expiry_reminder_dates",
    "filing_receiving_unit",
    "filing_transition_refusal",
    "format_document_number",
    "is_expired",
    "is_provisional",
    "meeting_refusal",
    "next_regular_cleanup_on",
    "parse_document_number",
    "parse_index_number",
    "review_bounds_refusal",
    "CONTENT_LIMITS",
    "content_checklist_refusal",
    "review_materials_refusal",
    "review_needed_by_refusal",
    "revision_refusal",
    "review_method_refusal",
    "transition_refusal",
    "validity_end",
]

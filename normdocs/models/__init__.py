"""Administrative normative documents (行政规范性文件): drafting bodies, the document and its
lifecycle, legality review, the issuer's register (三统一), filing and cleanup campaigns.

Each status is a viewflow.fsm field whose transitions are generated from a table in
``normdocs.rules`` (``LIFECYCLE``, ``FILING_LIFECYCLE``, ``CLEANUP_CAMPAIGN_LIFECYCLE``,
``CLEANUP_ITEM_LIFECYCLE``): the table that names the rule is the table that drives the machine,
and its transitions are the only writers of status. Status only changes through normdocs.services.

documents.py  drafting bodies, the register, the document, its review, deliberation, renewals
filing.py     filing with the receiving government (备案)
versions.py   the versions of the text (征求意见稿 → 送审稿 → 修改稿 → 印发稿)
cleanup.py    cleanup campaigns, each body's share and one item per document (清理)
"""

from .cleanup import CleanupAssignment, CleanupCampaign, CleanupItem, ScopeSize
from .documents import (
    ENDED_STATES,
    Deliberation,
    DraftingBody,
    IssuerRegister,
    LegalityReview,
    NormativeDocument,
    Renewal,
    Status,
)
from .filing import Filing, FilingBody
from .versions import DocumentVersion, text_sha256

__all__ = [
    "ENDED_STATES",
    "CleanupAssignment",
    "CleanupCampaign",
    "CleanupItem",
    "Deliberation",
    "DocumentVersion",
    "DraftingBody",
    "Filing",
    "FilingBody",
    "IssuerRegister",
    "LegalityReview",
    "NormativeDocument",
    "Renewal",
    "ScopeSize",
    "Status",
    "text_sha256",
]

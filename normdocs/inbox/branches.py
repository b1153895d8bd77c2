"""The branches of the normative-document inbox query: one ORM queryset per step, each giving
the same columns (``columns.COLUMNS``), with the step's due date read from its running clock and
the roles that may act on it (see the package's docstring for the table). Each family of steps
builds its own branches (``documents``, ``filings``, ``cleanup``); this module puts them in the
order of the table, titles them and says which roles each reads."""

from django.utils.translation import gettext_lazy as _

from ..steps import document_steps, name_of_inbox_kind, roles_of_inbox_kind
from .cleanup import _cleanup_branches
from .documents import _document_branches, _review_branches
from .filings import _filing_branches

# Each entry is titled by the name of the step it stands for (``normdocs.steps``), except
# those that stand for several steps or say more than the step's name.
TITLES = {
    kind: name_of_inbox_kind(kind)
    for kind in (
        "legality_review",
        "amendments",
        "send_to_deliberation",
        "deliberation",
        "register",
        "publish",
        "filing_submit",
    )
} | {
    "renewal": _("Decide whether to renew before the validity period ends"),
    "filing_review": _("Review the filing"),
    "filing_outcome": _("Record the filing body's receipt and outcome"),
    "filing_correction": _("Correct the document: amend or revoke it"),
    "cleanup": _("Review your documents in the cleanup"),
    "cleanup_close": _("Close the cleanup and publish its results"),
}


def branch_roles(kind: str) -> tuple[str, ...]:
    """The roles whose unit grants a branch reads (``columns._units``): a person holding none of them
    finds nothing in it, so the inbox leaves it out of the query (issue 22: planning all the
    branches cost ten times more than running them)."""
    if kind == "deliberation":
        return tuple(
            role for offer in document_steps()["deliberate"].offered_to for role in offer.roles
        )
    if kind == "cleanup":
        return ("drafter", "unit_head")
    if kind == "cleanup_close":
        return ("legal_advisor",)
    return roles_of_inbox_kind(kind)


def branch_kind(branch) -> str:
    """The kind a branch of ``_branches`` lists (its ``i_kind`` column)."""
    return branch.query.annotations["i_kind"].value


def _branches() -> list:
    """Every branch of the union, in the order of the package's table: the legality review and
    what follows it, the document's own steps, filing, and the cleanup."""
    return [
        *_review_branches(),
        *_document_branches(),
        *_filing_branches(),
        *_cleanup_branches(),
    ]

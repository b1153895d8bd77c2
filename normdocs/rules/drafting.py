"""Who may issue a normative document (制定主体, 国办发〔2018〕37号 二(一)), its legality review
(合法性审核, 国办发〔2018〕115号) and its collective deliberation (集体审议, 37号 三(四))."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from .lifecycles import LIFECYCLE
from .refusals import RuleRefusal

# --- drafting bodies (制定主体) -------------------------------------------------------------------

BODY_KINDS_ALLOWED = ("government", "department", "township", "authorised_organisation")
BODY_KINDS_REFUSED = {
    "temporary": _("Temporary body"),
    "coordination": _("Coordination body"),
    "internal_division": _("Internal division"),
}
DRAFTING_BODY_SOURCE = (
    "国办发〔2018〕37号 二(一)：议事协调机构、部门内设机构和临时性机构不得制发行政规范性文件"
)


def drafting_body_refusal(kind: str) -> RuleRefusal | None:
    """Why a body of ``kind`` may not be put on the drafting-body list, or None.

    国办发〔2018〕37号 二(一) (严格制发权限): temporary bodies, coordination bodies and a department's
    internal divisions may not issue normative documents.
    """
    if kind in BODY_KINDS_REFUSED:
        return RuleRefusal(
            _("A body of the kind “%(kind)s” may not issue normative documents: %(source)s"),
            code="body_may_not_issue",
            params={"kind": BODY_KINDS_REFUSED[kind], "source": DRAFTING_BODY_SOURCE},
        )
    if kind not in BODY_KINDS_ALLOWED:
        return RuleRefusal(
            _("Unknown drafting-body kind “%(kind)s”."),
            code="unknown_body_kind",
            params={"kind": kind},
        )
    return None


# --- legality review (合法性审核, 国办发〔2018〕115号) -------------------------------------------------

REVIEW_METHODS_REFUSED = {
    "comment_collection": _("Comment collection"),
    "countersigning": _("Countersigning"),
    "attending_deliberation": _("Attending deliberation"),
}
REVIEW_SUBSTITUTE_SOURCE = (
    "国办发〔2018〕115号 二(四)：不得以征求意见、会签、参加审议等方式代替合法性审核"
)


def review_method_refusal(method: str) -> RuleRefusal | None:
    """Comment collection, countersigning or attending deliberation cannot stand in for review.

    国办发〔2018〕115号 二(四).
    """
    if method in REVIEW_METHODS_REFUSED:
        return RuleRefusal(
            _("%(method)s cannot replace legality review: %(source)s"),
            code="review_method_not_allowed",
            params={"method": REVIEW_METHODS_REFUSED[method], "source": REVIEW_SUBSTITUTE_SOURCE},
        )
    if method != "written_review":
        return RuleRefusal(
            _("Unknown review method “%(method)s”."),
            code="unknown_review_method",
            params={"method": method},
        )
    return None


def review_bounds_refusal(*, min_days: int, max_days: int) -> RuleRefusal | None:
    """A jurisdiction may tune the period, but not outside 5–15 working days (115号 三(二))."""
    if not 5 <= min_days <= max_days <= 15:
        return RuleRefusal(
            _(
                "The legality-review period must lie within 5 to 15 working days (set to "
                "%(min_days)s–%(max_days)s): 国办发〔2018〕115号 三(二)"
            ),
            code="review_period_out_of_bounds",
            params={"min_days": min_days, "max_days": max_days},
        )
    return None


def review_conclusion_refusal(*, today: date, earliest: date) -> RuleRefusal | None:
    """A conclusion before the minimum review period has run is refused (115号 三(二)).

    The minimum exists so that the reviewing body actually examines the draft.
    """
    if today < earliest:
        return RuleRefusal(
            _(
                "The review may not conclude before %(earliest)s: "
                "国办发〔2018〕115号 三(二)：审核时间一般不少于5个工作日"
            ),
            code="review_too_early",
            params={"earliest": earliest.isoformat()},
        )
    return None


def deliberation_refusal(
    *, review_outcome: str | None, amendments_recorded: bool
) -> RuleRefusal | None:
    """Only a draft reviewed as lawful (or amended as the review asked) goes to deliberation.

    国办发〔2018〕115号 一(三): 未经合法性审核或者经审核不合法的，不得提交集体审议.
    """
    if review_outcome is None:
        return RuleRefusal(
            _("The draft has no legality-review conclusion: %(rule)s"),
            code="legality_review_required",
            params={"rule": LIFECYCLE["deliberation"][1]},
        )
    if review_outcome == "unlawful":
        return RuleRefusal(
            _("The draft was reviewed as unlawful: %(rule)s"),
            code="reviewed_unlawful",
            params={"rule": LIFECYCLE["deliberation"][1]},
        )
    if review_outcome == "needs_amendment" and not amendments_recorded:
        return RuleRefusal(
            _(
                "The review asked for amendments and none are recorded yet: "
                "国办发〔2018〕115号 三(四)：根据审核意见修改后方可提交审议"
            ),
            code="amendments_not_recorded",
        )
    return None


MEETINGS_FOR_ISSUER = {
    "government": ("executive_meeting", "plenary_meeting"),
    "department": ("office_meeting",),
    "township": ("office_meeting",),
    "authorised_organisation": ("office_meeting",),
}


def meeting_refusal(*, issuer_kind: str, meeting_kind: str) -> RuleRefusal | None:
    """Government documents go to the executive or plenary meeting, others to an office meeting.

    国办发〔2018〕37号 三(四)：集体审议.
    """
    if meeting_kind not in MEETINGS_FOR_ISSUER.get(issuer_kind, ()):
        return RuleRefusal(
            _(
                "This meeting may not deliberate the document: a government's documents go to "
                "its executive or plenary meeting, a department's or township's to its office "
                "meeting (国办发〔2018〕37号 三(四))."
            ),
            code="wrong_meeting",
        )
    return None

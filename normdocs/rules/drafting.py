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


# The materials a submission carries (国办发〔2018〕115号 二(三)), named as the drafter reads them.
REVIEW_MATERIALS_SOURCE = (
    "国办发〔2018〕115号 二(三)：报送草案、起草说明、制定依据及征求意见和采纳情况等材料，"
    "材料不齐全的退回"
)
MATERIAL_NAMES = {
    "text": "草案文本",
    "drafting_explanation": "起草说明",
    "legal_basis": "制定依据",
    "comment_account": "征求意见及采纳情况",
}


def review_materials_refusal(
    *,
    text: str,
    drafting_explanation: str,
    legal_basis: str,
    touches_public_interest: bool,
    comment_account: str,
) -> RuleRefusal | None:
    """A submission for legality review without all its materials is returned, naming every
    missing one at once: the draft, the drafting explanation (起草说明), the legal basis
    (制定依据) and, for a document touching the public interest, the account of public comment
    and its adoption (征求意见及采纳情况). 国办发〔2018〕115号 二(三).
    """
    given = {
        "text": text,
        "drafting_explanation": drafting_explanation,
        "legal_basis": legal_basis,
        "comment_account": comment_account if touches_public_interest else "—",
    }
    missing = [MATERIAL_NAMES[key] for key, value in given.items() if not (value or "").strip()]
    if not missing:
        return None
    return RuleRefusal(
        _("The submission lacks: %(missing)s. %(source)s"),
        code="review_materials_missing",
        params={"missing": "、".join(missing), "source": REVIEW_MATERIALS_SOURCE},
    )


REVIEW_TIME_SOURCE = "国办发〔2018〕115号 三(二)：审核时间一般不少于5个工作日，最长不超过15个工作日"


def review_needed_by_refusal(
    *, submitted_on: date, needed_by: date, minimum_day: date, reason: str
) -> RuleRefusal | None:
    """The drafter must leave the reviewer at least the minimum working days (一般不少于5个工作日):
    an opinion needed by an earlier day than ``minimum_day`` (the minimum-th working day after
    submission, computed on the holiday calendar) is accepted only with a recorded reason.
    国办发〔2018〕115号 三(二). The minimum binds the drafter, not the reviewer, who may conclude
    any time within the maximum.
    """
    if needed_by < submitted_on:
        return RuleRefusal(
            _("The opinion cannot be needed before the submission (%(submitted_on)s)."),
            code="needed_by_before_submission",
            params={"submitted_on": submitted_on.isoformat()},
        )
    if needed_by < minimum_day and not reason.strip():
        return RuleRefusal(
            _(
                "Leave the reviewer until %(minimum_day)s at least, or record why the review "
                "is urgent: %(source)s"
            ),
            code="review_time_too_short",
            params={"minimum_day": minimum_day.isoformat(), "source": REVIEW_TIME_SOURCE},
        )
    return None


# --- content limits the review checks (the checklist of the opinion) ---------------------------

CONTENT_LIMITS_SOURCE = (
    "国办发〔2018〕37号 二(一) 严禁越权发文；国办发〔2018〕115号 二(三) 审核内容"
)
# Fixed keys, in the order the opinion prints them.
CONTENT_LIMITS = {
    "no_licence": _("Creates no administrative licence"),
    "no_penalty": _("Creates no administrative penalty"),
    "no_coercive_measure": _("Creates no administrative coercive measure"),
    "no_levy_or_fee": _("Creates no levy or fee"),
    "no_reduced_rights": _(
        "Reduces no rights and adds no duties of citizens or organisations without a legal basis"
    ),
    "no_enlarged_powers": _("Does not enlarge the issuer's powers or reduce its duties"),
    "no_anti_competitive": _("Contains no measure excluding or restricting fair competition"),
}


def content_checklist_refusal(*, outcome: str, checklist: dict) -> RuleRefusal | None:
    """The opinion answers every content limit (complies, or a problem with a note); a draft
    with any problem cannot be concluded lawful. 国办发〔2018〕37号 二(一)；115号 审核内容.

    ``checklist`` maps each key of ``CONTENT_LIMITS`` to ``{"ok": bool, "note": str}``.
    """
    unanswered = [
        str(label)
        for key, label in CONTENT_LIMITS.items()
        if not isinstance(checklist.get(key), dict) or "ok" not in checklist[key]
    ]
    if unanswered:
        return RuleRefusal(
            _("Answer every item of the content-limit checklist: %(items)s"),
            code="checklist_incomplete",
            params={"items": "；".join(unanswered)},
        )
    problems = [key for key in CONTENT_LIMITS if not checklist[key]["ok"]]
    unexplained = [
        str(CONTENT_LIMITS[key])
        for key in problems
        if not str(checklist[key].get("note", "")).strip()
    ]
    if unexplained:
        return RuleRefusal(
            _("Describe the problem found for: %(items)s"),
            code="checklist_problem_unexplained",
            params={"items": "；".join(unexplained)},
        )
    if outcome == "lawful" and problems:
        return RuleRefusal(
            _(
                "A draft with a content-limit problem cannot be concluded lawful (%(items)s): "
                "%(source)s"
            ),
            code="lawful_with_content_problem",
            params={
                "items": "；".join(str(CONTENT_LIMITS[key]) for key in problems),
                "source": CONTENT_LIMITS_SOURCE,
            },
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


REVISION_SOURCE = (
    "国办发〔2018〕115号 三(四)：起草单位根据审核意见修改；审核不合法或集体审议未通过的，"
    "退回起草单位修改后重新报送"
)


def revision_refusal(
    *, status: str, returned: bool, review_outcome: str | None
) -> RuleRefusal | None:
    """The drafter revises the text (a 修改稿) after the review found it needs amendment, or once
    the draft came back — reviewed unlawful or rejected at deliberation (``returned``: a draft
    that was reviewed before). 国办发〔2018〕115号 三(四).
    """
    if status == "legality_review" and review_outcome == "needs_amendment":
        return None
    if status == "draft" and returned:
        return None
    return RuleRefusal(
        _(
            "The text is revised only after the review asked for amendments or found the draft "
            "unlawful, or the deliberation rejected it: %(source)s"
        ),
        code="revision_not_allowed",
        params={"source": REVISION_SOURCE},
    )


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

"""The lifecycles of a normative document, its filing and a cleanup: target state -> (states it
may be reached from, the rule that says so). The viewflow.fsm machines in normdocs.models are built
from these tables, so the refusal message and the machine cannot drift apart.

Sources: 国办发〔2018〕37号, 国办发〔2018〕115号, 自治区人民政府令第218号.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from .refusals import RuleRefusal

# --- lifecycle --------------------------------------------------------------------------------

# target state -> (states it may be reached from, the rule that says so). The document's FSM in
# normdocs.models is built from this table, so the refusal and the machine cannot drift apart.
LIFECYCLE: dict[str, tuple[tuple[str, ...], str]] = {
    "legality_review": (
        ("draft",),
        "国办发〔2018〕115号 二(一)：起草完成的草案送合法性审核",
    ),
    "deliberation": (
        ("legality_review",),
        "国办发〔2018〕115号 一(三)：未经合法性审核或者经审核不合法的，不得提交集体审议",
    ),
    "draft": (
        ("legality_review", "deliberation"),
        "国办发〔2018〕115号 三(四)：审核认为需要修改或不合法、审议未通过的，退回起草单位修改",
    ),
    "registered": (
        ("deliberation",),
        "国办发〔2018〕37号 三(五)：经集体审议决定后，统一登记、统一编号",
    ),
    "published": (
        ("registered",),
        "国办发〔2018〕37号 三(五)：统一登记、统一编号、统一印发；未经公布的不得作为管理依据",
    ),
    "in_force": (
        ("published",),
        "自治区人民政府令第218号：自公布之日起30日后施行，公布即施行须说明理由",
    ),
    "amended": (
        ("in_force", "published"),
        "国办发〔2018〕37号 五(十八)：修改后的文件公布后，原文件不再适用",
    ),
    "repealed": (
        ("in_force", "published"),
        "国办发〔2018〕37号 五(十八)：废止须有制定机关决定或清理结果",
    ),
    "expired": (
        ("in_force",),
        "自治区人民政府令第218号：有效期届满未经评估延续的，自动失效",
    ),
    "declared_invalid": (
        ("in_force", "published"),
        "国办发〔2018〕37号 五(十八)：宣布失效须有清理结果",
    ),
    # 撤销: the issuer revokes it on correction, or the filing body revokes it (issue 17).
    "revoked": (
        ("in_force", "published"),
        "国办发〔2018〕37号 五(十八) / 自治区人民政府令第218号：制定机关自行纠正予以撤销，"
        "或者制定机关逾期不纠正的，由备案审查机关依法撤销",
    ),
}


def transition_refusal(
    *, source: str, target: str, labels: Mapping[str, str] | None = None
) -> RuleRefusal | None:
    """Why a document in ``source`` may not move to ``target``, naming the rule, or None.

    ``labels`` names the states for the reader (the model's status labels); without it the
    refusal names them by their values.
    """
    labels = labels or {}
    if target not in LIFECYCLE:
        return RuleRefusal(
            _("Unknown state “%(state)s”."), code="unknown_state", params={"state": target}
        )
    sources, rule = LIFECYCLE[target]
    if source in sources:
        return None
    return RuleRefusal(
        _("A document that is “%(source)s” cannot become “%(target)s”: %(rule)s"),
        code="wrong_state",
        params={
            "source": labels.get(source, source),
            "target": labels.get(target, target),
            "rule": rule,
        },
    )


# The filing (备案) and the cleanup (清理) follow the same pattern: target state -> (states it may
# be reached from, the rule that says so); the FSMs of Filing, CleanupCampaign and CleanupItem in
# normdocs.models are built from these tables and are the only writers of their status.
FILING_LIFECYCLE: dict[str, tuple[tuple[str, ...], str]] = {
    # A body outside the installation: submitted (报送) first, its receipt recorded when it
    # acknowledges it; a filing in the installation is received when submitted.
    "submitted": (
        ("due", "returned"),
        "自治区人民政府令第218号：自公布之日起30日内报送备案（有件必备），补正后重新报送",
    ),
    "received": (
        ("due", "returned", "submitted"),
        "自治区人民政府令第218号：自公布之日起30日内报送备案（有件必备），补正后重新报送",
    ),
    "returned": (
        ("received",),
        "自治区人民政府令第218号：备案材料不齐全的，通知制定机关补正",
    ),
    "accepted": (
        ("received",),
        "自治区人民政府令第218号：自收到之日起30日内完成审查（有备必审）",
    ),
    "correction_requested": (
        ("received",),
        "自治区人民政府令第218号：审查发现问题的，通知制定机关限期自行纠正（有错必纠）",
    ),
    "amended_by_issuer": (
        ("correction_requested",),
        "自治区人民政府令第218号：制定机关在期限内自行修改",
    ),
    "revoked_by_issuer": (
        ("correction_requested",),
        "国办发〔2018〕37号 五(十八) / 自治区人民政府令第218号：制定机关自行废止",
    ),
    # In and outside the installation alike: correction is asked for first.
    "revoked_by_filing_body": (
        ("correction_requested",),
        "自治区人民政府令第218号：制定机关逾期不纠正的，由备案机关依法撤销",
    ),
    "changed_by_filing_body": (
        ("received", "correction_requested"),
        "自治区人民政府令第218号：备案审查机关依法予以改变或者撤销",
    ),
}
CLEANUP_CAMPAIGN_LIFECYCLE: dict[str, tuple[tuple[str, ...], str]] = {
    "closed": (
        ("open",),
        "国办发〔2018〕37号 五(十八)：清理结果向社会公布，结束一次清理",
    ),
}
CLEANUP_ITEM_LIFECYCLE: dict[str, tuple[tuple[str, ...], str]] = {
    # Revisable while the campaign is open: the verdict counts when the lists are published.
    "decided": (
        ("undecided", "decided"),
        "国办发〔2018〕37号 五(十八)：谁制定谁清理，逐件提出继续有效、修改、废止或宣布失效的意见",
    ),
}


def filing_transition_refusal(
    *, source: str, target: str, labels: Mapping[str, str] | None = None
) -> RuleRefusal | None:
    """Why a filing in ``source`` may not move to ``target``, naming the rule, or None.

    自治区人民政府令第218号 (备案审查程序: 有件必备、有备必审、有错必纠).
    """
    labels = labels or {}
    sources, rule = FILING_LIFECYCLE[target]
    if source in sources:
        return None
    return RuleRefusal(
        _("A filing that is “%(source)s” cannot become “%(target)s”: %(rule)s"),
        code="wrong_filing_state",
        params={
            "source": labels.get(source, source),
            "target": labels.get(target, target),
            "rule": rule,
        },
    )


def cleanup_transition_refusal(*, kind: str, source: str, target: str) -> RuleRefusal | None:
    """Why a cleanup campaign (``kind="campaign"``) or item (``kind="item"``) in ``source`` may
    not move to ``target``, or None. 国办发〔2018〕37号 五(十八): a published cleanup is final.
    """
    table = CLEANUP_CAMPAIGN_LIFECYCLE if kind == "campaign" else CLEANUP_ITEM_LIFECYCLE
    sources, rule = table[target]
    if source in sources:
        return None
    return RuleRefusal(
        _("The campaign is already closed: %(rule)s"),
        code="campaign_closed",
        params={"rule": rule},
    )

"""Cleanup campaigns (清理, 国办发〔2018〕37号 五(十八)): regular, special and dynamic."""

import logging
from datetime import date

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from workflows.calendar import CalendarRangeError
from workflows.clocks.selectors import calendar_for, rule_for
from workflows.models import Unit
from workflows.permissions import has_role_in_unit

from .. import rules
from ..conf import setting
from ..models import (
    CleanupAssignment,
    CleanupCampaign,
    CleanupItem,
    DraftingBody,
    NormativeDocument,
    ScopeSize,
)
from ..permissions import is_drafter_for, is_legal_affairs_officer_for
from ..rules import RuleRefusal
from ..selectors import share_holding
from . import deadlines
from ._common import act_time, fsm_move, record, refuse, today
from .cleanup_scope import SCOPE_KEYS, assignments_insert, cleanup_scope_documents

logger = logging.getLogger(__name__)


@transaction.atomic
def cleanup_open(
    *,
    kind: str,
    government: Unit,
    by,
    title: str,
    scope: dict | None = None,
    on: date | None = None,
    ordered_by: str = "",
) -> CleanupCampaign:
    """Open a campaign over the in-force documents in scope, each assigned to its drafting body
    (谁制定谁清理; the lead body for joint documents), with a due date and a clocks deadline per
    body (国办发〔2018〕37号 五(十八)). The scope is fixed now: each body's share keeps the ids
    of its documents; a document entering force later is not in this campaign.

    Built for tens of thousands of documents: a fixed number of statements however many
    documents and drafting bodies are in scope (the shares with their snapshots in one
    INSERT … SELECT, one row per body; the clocks and their record events in one go each).
    No row is written per document until its verdict is entered.
    """
    scope = dict(scope or {})
    _refuse_opening(kind=kind, government=government, by=by, scope=scope)
    on = on or today()
    rule = rule_for(deadlines.CLEANUP_ITEM)
    due_on = _items_due_on(rule, on)
    campaign = CleanupCampaign.objects.create(
        kind=kind,
        title=title,
        government=government,
        scope=scope,
        opened_on=on,
        ordered_by=ordered_by.strip(),
        opened_by=None if by == "system" else by,
        due_on=due_on,
    )
    items, digest, body_ids = _shares_open(campaign, on=on, due_on=due_on)
    record(
        actor=by,
        action="cleanup.opened",
        subject=campaign,
        payload={
            "kind": kind,
            "title": title,
            "ordered_by": ordered_by.strip(),
            "scope": scope,
            "due_on": due_on,
            "legal_source": rule.legal_source,
            # The documents in scope are the assignments' snapshots; the record keeps their
            # number and a digest of their ids, so that the list can be checked against it.
            "items": items,
            "documents_sha256": digest,
            "drafting_bodies": body_ids,
        },
        on=on,
    )
    return campaign


def _refuse_opening(*, kind: str, government: Unit, by, scope: dict) -> None:
    """A known kind; a regular cleanup opened by the scheduler or a legal-affairs officer of the
    government, a special or dynamic one by such an officer only, and over a scope."""
    if kind not in CleanupCampaign.Kind.values:
        raise RuleRefusal(
            _("Unknown cleanup kind “%(kind)s”."),
            code="unknown_cleanup_kind",
            params={"kind": kind},
        )
    if kind == CleanupCampaign.Kind.REGULAR:
        if not (by == "system" or is_legal_affairs_officer_for(user=by, government=government)):
            raise RuleRefusal(
                _("A regular cleanup is opened by the scheduler or a legal-affairs officer."),
                code="not_legal_affairs_officer",
            )
    else:
        if not (by != "system" and is_legal_affairs_officer_for(user=by, government=government)):
            raise RuleRefusal(
                _(
                    "Only a legal-affairs officer of the government opens a special or dynamic "
                    "cleanup."
                ),
                code="not_legal_affairs_officer",
            )
        if not any(scope.get(key) for key in SCOPE_KEYS):
            raise RuleRefusal(
                _(
                    "A special or dynamic cleanup needs a scope (issuer, dates, cited law or "
                    "keyword, or a list)."
                ),
                code="scope_required",
            )


def _items_due_on(rule, on: date) -> date | None:
    """The day the bodies' verdicts are due, or None while it falls in a year whose holiday
    notice is unknown."""
    try:
        return rule.due(on, calendar=calendar_for())
    except CalendarRangeError:
        # The items' clocks wait for the holiday notice (workflows.clocks) and fill this in
        # when it is entered (``deadlines.copy_computed_due``): the cleanup is not held up.
        return None


def _shares_open(
    campaign: CleanupCampaign, *, on: date, due_on: date | None
) -> tuple[int, str, list[int]]:
    """Each drafting body's share of the documents in scope, with its clock, in a fixed number
    of statements. Returns the number of documents, the digest of their ids and the bodies."""
    in_scope = cleanup_scope_documents(government=campaign.government, scope=campaign.scope)
    assignments, items, digest = assignments_insert(
        campaign=campaign, documents=in_scope, due_on=due_on
    )
    body_ids = [a.drafting_body_id for a in assignments]
    bodies = DraftingBody.objects.select_related("unit").in_bulk(body_ids)
    for assignment in assignments:
        assignment.drafting_body = bodies[assignment.drafting_body_id]
    deadlines.open_clocks(
        rule_key=deadlines.CLEANUP_ITEM,
        start=on,
        subjects=[(a, a.drafting_body.unit) for a in assignments],
        responsible_role="drafter",  # cleanup_item_decide: the body's drafters
    )
    return items, digest, body_ids


def cleanup_open_regular_if_due(*, on: date | None = None) -> list[CleanupCampaign]:
    """Open the regular cleanup of each government whose interval has run (default 2 years).

    Anchored on the government's last regular campaign. Harmless when run twice: the government
    row is locked while deciding, and the database refuses a second regular campaign that day.
    """
    on = on or today()
    opened = []
    governments = Unit.objects.filter(drafting_body__kind=DraftingBody.Kind.GOVERNMENT).values_list(
        "pk", flat=True
    )
    for government_id in governments:
        with transaction.atomic():
            government = Unit.objects.select_for_update().get(pk=government_id)
            last = (
                CleanupCampaign.objects.filter(
                    government=government, kind=CleanupCampaign.Kind.REGULAR
                )
                .order_by("-opened_on")
                .values_list("opened_on", flat=True)
                .first()
            )
            due = rules.next_regular_cleanup_on(
                last_opened_on=last, interval_years=setting("CLEANUP_INTERVAL_YEARS"), today=on
            )
            if on < due:
                continue
            opened.append(
                cleanup_open(
                    kind=CleanupCampaign.Kind.REGULAR,
                    government=government,
                    by="system",
                    title=f"{government.name} {on.year}年度行政规范性文件常态化清理",
                    on=on,
                )
            )
    return opened


def _cleanup_refusal(kind: str):
    """The refusal of a campaign's or an item's transition to its next state."""
    target = "closed" if kind == "campaign" else "decided"
    return lambda source: rules.cleanup_transition_refusal(kind=kind, source=source, target=target)


@transaction.atomic
def cleanup_item_decide(
    *,
    by,
    outcome: str,
    reason: str,
    item: CleanupItem | None = None,
    campaign: CleanupCampaign | None = None,
    document: NormativeDocument | int | None = None,
    on: date | None = None,
) -> CleanupItem:
    """The drafting body's verdict on one of its documents, with its reason (国办发〔2018〕37号
    五(十八): 谁制定谁清理, each document of the scope continued, amended, repealed or declared
    invalid). The document is named by ``campaign`` and ``document`` (or by ``item``, an entry
    of ``selectors.cleanup_entries``); the verdict row is written on the first verdict and
    revised by the next ones while the campaign is open."""
    assignment, item = _verdict_row(item=item, campaign=campaign, document=document)
    # Refused once the campaign is closed (its published lists are final).
    fsm_move(item, CleanupItem.Status.DECIDED, wrong_state=_cleanup_refusal("item"))
    _refuse_unless_own(by, assignment.drafting_body)
    refuse(rules.cleanup_outcome_refusal(outcome=outcome, reason=reason))
    item.outcome, item.reason = outcome, reason.strip()
    on = on or today()
    if on < item.campaign.opened_on:
        raise RuleRefusal(
            _("A document cannot be decided before the cleanup opened."),
            code="before_cleanup_opened",
        )
    item.decided_by, item.decided_at = by, act_time(on)
    item.save()
    if assignment.verdicts.count() >= len(assignment.documents):
        deadlines.meet(assignment, deadlines.CLEANUP_ITEM, at=item.decided_at)
    record(
        actor=by,
        action="cleanup.item_decided",
        subject=item.campaign,
        payload={
            "item": item.pk,
            "document": item.document_id,
            "outcome": outcome,
            "reason": item.reason,
        },
        on=on,
    )
    return item


def _verdict_row(
    *,
    item: CleanupItem | None,
    campaign: CleanupCampaign | None,
    document: NormativeDocument | int | None,
) -> tuple[CleanupAssignment, CleanupItem]:
    """The body's share holding the document, locked, and the document's verdict row (unsaved
    before its first verdict). Refused for a document outside the campaign's scope."""
    if item is not None:
        campaign_id, document_id = item.campaign_id, item.document_id
    else:
        campaign_id, document_id = campaign.pk, getattr(document, "pk", document)
    # The body's share is locked: its verdicts are entered one at a time, so the last one
    # sees every other and meets the share's clock.
    assignment = share_holding(campaign=campaign_id, document=document_id, lock=True)
    if assignment is None:
        raise RuleRefusal(
            _("This document is not in the scope of the cleanup."), code="not_in_cleanup_scope"
        )
    item = CleanupItem.objects.filter(
        campaign_id=campaign_id, document_id=document_id
    ).first() or CleanupItem(assignment=assignment, document_id=document_id)
    item.campaign, item.assignment = assignment.campaign, assignment
    return assignment, item


def _refuse_unless_own(by, body: DraftingBody) -> None:
    """谁制定谁清理: only the body's drafters or its unit's head decide its documents."""
    if not (
        is_drafter_for(user=by, body=body)
        or has_role_in_unit(user=by, role="unit_head", unit=body.unit)
    ):
        raise RuleRefusal(
            _("Only %(body)s reviews its own documents (谁制定谁清理)."),
            code="not_own_document",
            params={"body": body},
        )


def cleanup_undecided_count(campaign: CleanupCampaign) -> int:
    """How many documents of the campaign's scope have no verdict yet."""
    in_scope = campaign.assignments.aggregate(n=Sum(ScopeSize()))["n"] or 0
    return in_scope - campaign.verdicts.count()


@transaction.atomic
def cleanup_close(
    *,
    campaign: CleanupCampaign,
    by,
    published_on: date | None = None,
    published_where: str = "",
) -> CleanupCampaign:
    """Close a campaign whose every item has an outcome, apply them and publish the lists.

    Repealed and invalid documents leave the in-force register from the publication date; an
    amend opens a new drafting cycle linked to the old document, which stays in force until the
    amendment takes effect.
    """
    campaign = CleanupCampaign.objects.select_for_update().get(pk=campaign.pk)
    fsm_move(campaign, CleanupCampaign.Status.CLOSED, wrong_state=_cleanup_refusal("campaign"))
    if not is_legal_affairs_officer_for(user=by, government=campaign.government):
        raise RuleRefusal(
            _("Only a legal-affairs officer of the government closes a cleanup."),
            code="not_legal_affairs_officer",
        )
    undecided = cleanup_undecided_count(campaign)
    if undecided:
        raise RuleRefusal(
            _("%(count)s document(s) have no cleanup outcome yet."),
            code="undecided_documents",
            params={"count": undecided},
        )
    published_on = published_on or today()
    counts = _verdicts_apply(campaign, by=by, published_on=published_on)
    # Closed when the lists were published (entered after the fact, that is the day given).
    campaign.closed_at = act_time(published_on)
    campaign.results_published_on = published_on
    campaign.results_published_where = published_where.strip()
    campaign.save(
        update_fields=["status", "closed_at", "results_published_on", "results_published_where"]
    )
    record(
        actor=by,
        action="cleanup.closed",
        subject=campaign,
        payload={
            "results_published_on": published_on,
            "results_published_where": campaign.results_published_where,
            "counts": counts,
        },
        on=published_on,
    )
    return campaign


def _verdicts_apply(campaign: CleanupCampaign, *, by, published_on: date) -> dict[str, int]:
    """Apply each verdict: a repealed or invalid document ends on the publication date, an
    amended one gets its successor draft; a continued one stays as it is. Returns how many
    documents had each outcome."""
    from .lifecycle import normdoc_create
    from .validity import normdoc_declare_invalid, normdoc_repeal

    counts = {outcome: 0 for outcome in rules.CLEANUP_OUTCOMES}
    for item in campaign.verdicts.select_related("document__drafting_body", "decided_by").order_by(
        "pk"
    ):
        counts[item.outcome] += 1
        reason = f"{campaign.title}: {item.reason}"
        if item.outcome == CleanupItem.Outcome.REPEAL:
            normdoc_repeal(document=item.document, by=by, on=published_on, reason=reason)
        elif item.outcome == CleanupItem.Outcome.DECLARE_INVALID:
            normdoc_declare_invalid(document=item.document, by=by, on=published_on, reason=reason)
        elif item.outcome == CleanupItem.Outcome.AMEND:
            old = item.document
            item.successor = normdoc_create(
                by=item.decided_by,
                drafting_body=old.drafting_body,
                title=old.title,
                issuer_code=old.issuer_code,
                doc_type=old.doc_type,
                text=old.text,
                legal_basis=old.legal_basis,
                cited_laws=old.cited_laws,
                touches_public_interest=old.touches_public_interest,
                amends=old,
            )
            item.save(update_fields=["successor"])
    return counts

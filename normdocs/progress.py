"""Where a normative document stands in its procedure (issue 18): its timeline as a stepper —
drafting, legality review, collective deliberation, registration and numbering, publication,
entry into force, filing — each finished stage with when and by whom (the full-process record),
the current one with its open steps (``normdocs.steps``: the work and to whom it is offered),
its running clocks with their due dates and legal sources, and the stages still to come.

Sources: 国办发〔2018〕37号, 国办发〔2018〕115号, 自治区人民政府令第218号. The state is the document's
``status`` (its one lifecycle) and its filings; nothing here writes or duplicates it.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import pgettext_lazy

from workflows.progress import (
    CURRENT,
    DONE,
    NEXT,
    Holder,
    Progress,
    StageShown,
    clocks_shown,
    offer_label,
    person_name,
    record_url,
)
from workflows.record.selectors import events_for

from . import steps
from .clockrules import EXPIRY_FIRST, EXPIRY_LAST
from .models import ENDED_STATES, Filing, Status
from .rules import LIFECYCLE, deliberation_refusal

# The stages of the timeline in the order of the procedure: key, name, the steps whose work
# it is (``normdocs.steps``), the recorded action that finishes it.
STAGES: list[tuple[str, object, tuple[str, ...], str]] = [
    (
        "draft",
        pgettext_lazy("normative document stage", "Drafting"),
        ("open_consultation", "revise", "record_amendments", "submit_review"),
        "normdoc.legality_review.submitted",
    ),
    (
        "legality_review",
        pgettext_lazy("normative document stage", "Legality review"),
        ("conclude_review", "record_amendments", "send_to_deliberation"),
        "normdoc.sent_to_deliberation",
    ),
    (
        "deliberation",
        pgettext_lazy("normative document stage", "Collective deliberation"),
        ("deliberate",),
        "normdoc.deliberated",
    ),
    (
        "registered",
        pgettext_lazy("normative document stage", "Registration and numbering"),
        ("register",),
        "normdoc.registered",
    ),
    (
        "published",
        pgettext_lazy("normative document stage", "Publication"),
        ("publish",),
        "normdoc.published",
    ),
    (
        "in_force",
        pgettext_lazy("normative document stage", "Entry into force"),
        (),
        "normdoc.entered_into_force",
    ),
    (
        "filing",
        pgettext_lazy("normative document stage", "Filing"),
        (
            "filing_submit",
            "filing_accept",
            "filing_return",
            "filing_correction",
            "filing_issuer_amend",
            "filing_issuer_revoke",
            "filing_body_revoke",
            "filing_external_submit",
            "filing_external_receipt",
            "filing_external_outcome",
        ),
        "normdoc.filing.accepted",
    ),
]
KEYS = [key for key, *_rest in STAGES]

# The rule under which the document reaches each stage's state (rules.LIFECYCLE).
SOURCES = {
    "draft": steps.document_steps()["submit_review"].source,
    "legality_review": steps.document_steps()["conclude_review"].source,
    "deliberation": steps.document_steps()["deliberate"].source,
    "registered": steps.document_steps()["register"].source,
    "published": steps.document_steps()["publish"].source,
    "in_force": LIFECYCLE["in_force"][1],
    "filing": steps.document_steps()["filing_submit"].source,
}

FILING_OPEN = (
    Filing.Status.DUE,
    Filing.Status.SUBMITTED,
    Filing.Status.RECEIVED,
    Filing.Status.RETURNED,
    Filing.Status.CORRECTION_REQUESTED,
)


def _current(document) -> str | None:
    """The stage of the lifecycle the document is at (its ``status``); an adopted draft not yet
    numbered waits for its registration (国办发〔2018〕37号 三(五))."""
    status = document.status
    if status == Status.DELIBERATION and document.deliberations.filter(adopted=True).exists():
        return "registered"
    if status == Status.REGISTERED:
        return "published"
    if status == Status.PUBLISHED:
        return "in_force"
    if status in (Status.DRAFT, Status.LEGALITY_REVIEW, Status.DELIBERATION):
        return str(status)
    return None  # in force or ended: every stage of the lifecycle is behind it


def _filing_state(filings) -> str:
    if any(f.status in FILING_OPEN for f in filings):
        return CURRENT
    if filings:
        return DONE
    return NEXT


def _done(events) -> dict[str, tuple[object, str]]:
    """(when, by whom) each stage was last finished, from the record: the date of the act
    (``payload["on"]``, an act entered after the fact keeps its real date) or the time it was
    recorded."""
    finishing = {action: key for key, _n, _s, action in STAGES}
    done: dict[str, tuple[object, str]] = {}
    for event in events:
        key = finishing.get(event.action)
        if key is None:
            continue
        on = event.payload.get("on") if isinstance(event.payload, dict) else None
        try:
            when = date.fromisoformat(on) if on else event.at
        except (TypeError, ValueError):
            when = event.at
        by = person_name(event.actor_user) if event.actor_user_id else ""
        done[key] = (when, by)
    return done


def _may_go_to_deliberation(document) -> bool:
    """The review concluded as the rule requires (国办发〔2018〕115号 一(三)): sending to
    deliberation is open from the start of the review, but nobody's work before that."""
    review = steps.current_review(document)
    return (
        deliberation_refusal(
            review_outcome=(review.outcome or None) if review else None,
            amendments_recorded=bool(review and review.amendments_recorded_at),
        )
        is None
    )


# Steps open on the document's state whose work waits for something else first.
READY = {"send_to_deliberation": _may_go_to_deliberation}


def _holders(document, stage_steps) -> list[Holder]:
    """The steps of the stage open now (``Step.applies``), each with the (role, unit) pairs it
    is offered to."""
    declared = steps.document_steps()
    shown = []
    for key in stage_steps:
        step = declared[key]
        if not step.is_open(document) or not READY.get(key, bool)(document):
            continue
        shown.append(
            Holder(
                work=step.name,
                offered_to=[offer_label(role, unit) for role, unit in step.offered_units(document)],
            )
        )
    return shown


def document_progress(*, document, deadlines) -> Progress:
    """The timeline of ``document``; ``deadlines``: its clocks and its filings' (the page
    reads them once for both)."""
    events = list(
        events_for(document)
        .filter(action__in=[action for *_rest, action in STAGES])
        .select_related("actor_user")
    )
    done = _done(events)
    current = _current(document)
    ended = document.status in ENDED_STATES
    lifecycle_keys = KEYS[:-1]
    position = lifecycle_keys.index(current) if current else len(lifecycle_keys)
    filings = steps.filings(document)
    clocks = clocks_shown(deadlines)
    filing_rules = {clock.rule_key for step in _filing_steps() for clock in step.clocks}
    # The renewal clocks run from publication to the reminder dates before expiry: they are the
    # validity's, not a stage's of the procedure.
    renewal_rules = {EXPIRY_FIRST, EXPIRY_LAST}
    stages = []
    for i, (key, name, stage_steps, _action) in enumerate(STAGES):
        if key == "filing":
            state = _filing_state(filings)
        else:
            state = DONE if i < position else CURRENT if i == position else NEXT
        shown = StageShown(key=key, name=name, state=state, source=SOURCES[key])
        if state == DONE and key in done:
            shown.done_at, shown.done_by = done[key]
        if key == "in_force" and state == DONE and "in_force" not in done:
            shown.done_at = document.effective_on
        if state == CURRENT:
            shown.holders = _holders(document, stage_steps)
            if key == "filing":
                shown.clocks = [c for c in clocks if c.deadline.rule_key in filing_rules]
                shown.note = "、".join(
                    f"{f.receiver.name}：{f.get_status_display()}" for f in filings
                )
            else:
                if key == "in_force" and document.effective_on:
                    shown.note = pgettext_lazy(
                        "normative document stage", "Takes effect on %(date)s"
                    ) % {"date": document.effective_on.isoformat()}
                shown.clocks = [
                    c for c in clocks if c.deadline.rule_key not in filing_rules | renewal_rules
                ]
        stages.append(shown)
    if ended:
        stages.append(
            StageShown(
                key="ended",
                name=document.get_status_display(),
                state=DONE,
                done_at=document.ended_on,
                note=document.end_reason,
                source=LIFECYCLE[str(document.status)][1],
            )
        )
    return Progress(stages=stages, record_url=record_url(document))


def _filing_steps():
    declared = steps.document_steps()
    return [declared[key] for key in STAGES[-1][2]]


__all__ = ["document_progress", "STAGES"]

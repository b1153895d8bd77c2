"""A normative document from draft to publication (国办发〔2018〕37号, 115号)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..models import (
    Deliberation,
    DocumentVersion,
    DraftingBody,
    NormativeDocument,
    Status,
)
from ..permissions import (
    is_deliberation_recorder_for,
    is_drafter_for,
    is_publisher_for,
)
from ..rules import RuleRefusal
from ._common import act_time, fsm_move, record, refuse, today
from .bodies import drafting_body_deliberates_as
from .numbering import number_allocate
from .versions import version_current, version_payload, version_write


def move(document: NormativeDocument, target: str) -> str:
    """Run the FSM transition to ``target``; a refusal names the rule that forbids it.

    Returns the state it came from. The caller saves and records.
    """

    def conditions_unmet(_source: str) -> RuleRefusal:
        """A bare condition is answered with the rule of the target state."""
        return RuleRefusal(
            _("The document does not yet meet the conditions to become “%(target)s”: %(rule)s"),
            code="conditions_unmet",
            params={"target": Status(target).label, "rule": rules.LIFECYCLE[target][1]},
        )

    return fsm_move(
        document,
        target,
        wrong_state=lambda _source: _wrong_state(document, target),
        unmet=conditions_unmet,
    )


def _wrong_state(document: NormativeDocument, target: str) -> RuleRefusal:
    """The rule that keeps ``document`` from moving to ``target`` from where it is."""
    return rules.transition_refusal(
        source=str(document.status), target=Status(target).value, labels=dict(Status.choices)
    ) or RuleRefusal(
        _("This step is not possible while the document is “%(state)s”."),
        code="wrong_state",
        params={"state": Status(document.status).label},
    )


def _locked(document: NormativeDocument) -> NormativeDocument:
    """Re-read the row under a lock: two people acting at once serialise on the document."""
    return (
        NormativeDocument.objects.select_for_update(of=("self",))
        .select_related("drafting_body__unit")
        .get(pk=document.pk)
    )


def _save_status(document: NormativeDocument, *fields: str) -> None:
    document.save(update_fields=["status", *fields])


@transaction.atomic
def normdoc_create(
    *,
    by,
    drafting_body: DraftingBody,
    title: str,
    issuer_code: str | None = None,
    doc_type: str = "规",
    text: str = "",
    legal_basis: str = "",
    cited_laws: str = "",
    touches_public_interest: bool = False,
    co_drafting_bodies: tuple[DraftingBody, ...] = (),
    amends: NormativeDocument | None = None,
) -> NormativeDocument:
    """Start a draft. Only a drafter of a body on the drafting-body list may (国办发〔2018〕37号 二(一))."""
    _refuse_drafter(by, drafting_body)
    if not title.strip():
        raise RuleRefusal(_("A document needs a title."), code="title_required")
    code = _issuer_code(drafting_body, issuer_code)
    if len(doc_type) != 1:
        raise RuleRefusal(
            _("The document type is one character, e.g. 规 or 发."), code="doc_type_invalid"
        )
    document = NormativeDocument.objects.create(
        title=title.strip(),
        drafting_body=drafting_body,
        issuer_code=code,
        doc_type=doc_type,
        legal_basis=legal_basis,
        cited_laws=cited_laws,
        touches_public_interest=touches_public_interest,
        amends=amends,
        created_by=by,
    )
    if co_drafting_bodies:
        document.co_drafting_bodies.set(co_drafting_bodies)
    version = _first_version(document, by=by, text=text)
    record(
        actor=by,
        action="created",
        subject=document,
        payload={
            "title": document.title,
            "drafting_body": str(drafting_body),
            "issuer_code": code,
            "doc_type": doc_type,
            "amends": amends.pk if amends else None,
            "co_drafting_bodies": [str(b) for b in co_drafting_bodies],
            "version": version_payload(version),
        },
    )
    return document


def _refuse_drafter(by, drafting_body: DraftingBody) -> None:
    """A body on the drafting-body list (国办发〔2018〕37号 二(一)), and one of its drafters."""
    if not DraftingBody.objects.filter(pk=drafting_body.pk).exists():
        raise RuleRefusal(
            _("Only a body on the drafting-body list may issue normative documents: %(source)s"),
            code="not_a_drafting_body",
            params={"source": rules.DRAFTING_BODY_SOURCE},
        )
    if not is_drafter_for(user=by, body=drafting_body):
        raise RuleRefusal(
            _("Only a drafter of %(body)s may start its documents."),
            code="not_drafter",
            params={"body": drafting_body},
        )


def _issuer_code(drafting_body: DraftingBody, issuer_code: str | None) -> str:
    """``issuer_code`` if it is one of the body's codes, else refused; the body's first code
    when none is given."""
    code = issuer_code or drafting_body.issuer_codes[0]
    if code not in drafting_body.issuer_codes:
        raise RuleRefusal(
            _("%(code)s is not an issuer code of %(body)s (%(codes)s)."),
            code="not_an_issuer_code",
            params={
                "code": code,
                "body": drafting_body,
                "codes": ", ".join(drafting_body.issuer_codes),
            },
        )
    return code


def _first_version(document: NormativeDocument, *, by, text: str) -> DocumentVersion | None:
    """The first version: the draft to be put out for comment, or the one to be reviewed (none
    while there is no text yet)."""
    if not text.strip():
        return None
    return version_write(
        document=document,
        kind=(
            DocumentVersion.Kind.FOR_COMMENT
            if document.touches_public_interest
            else DocumentVersion.Kind.FOR_REVIEW
        ),
        by=by,
        text=text,
    )


@transaction.atomic
def normdoc_send_to_deliberation(*, document: NormativeDocument, by) -> NormativeDocument:
    """Only a draft reviewed lawful (or amended as asked) goes to deliberation (115号 一(三))."""
    document = _locked(document)
    if not is_drafter_for(user=by, body=document.drafting_body):
        raise RuleRefusal(
            _("Only a drafter of the drafting body sends its draft to deliberation."),
            code="not_drafter",
        )
    source = move(document, Status.DELIBERATION)
    _save_status(document)
    record(actor=by, action="sent_to_deliberation", subject=document, payload={"from": source})
    return document


@transaction.atomic
def normdoc_deliberate(
    *,
    document: NormativeDocument,
    by,
    meeting_kind: str,
    meeting_on: date,
    adopted: bool,
    note: str = "",
) -> Deliberation:
    """Record the collective deliberation (国办发〔2018〕37号 三(四)); a rejected draft goes back."""
    document = _locked(document)
    if document.status != Status.DELIBERATION:
        raise _wrong_state(document, Status.REGISTERED)
    if not is_deliberation_recorder_for(user=by, document=document):
        raise RuleRefusal(
            _("Only the meeting secretary or head of the issuing body records its deliberation."),
            code="not_deliberation_recorder",
        )
    refuse(
        rules.meeting_refusal(
            issuer_kind=drafting_body_deliberates_as(document.drafting_body),
            meeting_kind=meeting_kind,
        )
    )
    version = version_current(document)
    deliberation = Deliberation.objects.create(
        document=document,
        version=version,
        meeting_kind=meeting_kind,
        meeting_on=meeting_on,
        adopted=adopted,
        note=note,
        recorded_by=by,
    )
    if not adopted:
        move(document, Status.DRAFT)
        _save_status(document)
    record(
        actor=by,
        action="deliberated",
        subject=document,
        payload={
            "meeting_kind": meeting_kind,
            "meeting_on": meeting_on,
            "adopted": adopted,
            "note": note,
            "version": version_payload(version),
        },
        on=meeting_on,
    )
    return deliberation


@transaction.atomic
def normdoc_register(
    *,
    document: NormativeDocument,
    by,
    index_number: str = "",
    year: int | None = None,
    on: date | None = None,
) -> NormativeDocument:
    """Register and number an adopted document in its issuer's register (三统一, 37号 三(五)).

    The number is 〔year〕 of registration; the serial comes from the locked register row.
    """
    document = _locked(document)
    if not is_publisher_for(user=by, document=document):
        raise RuleRefusal(
            _("Only the issuing body's publisher registers and numbers its documents."),
            code="not_publisher",
        )
    index = _free_index_number(index_number)
    source = move(document, Status.REGISTERED)
    register, serial = number_allocate(
        issuer_code=document.issuer_code,
        doc_type=document.doc_type,
        year=year or (on or today()).year,
    )
    document.register = register
    document.serial = serial
    document.number = rules.format_document_number(
        document.issuer_code, document.doc_type, register.year, serial
    )
    document.index_number = index
    document.registered_at = act_time(on)
    _save_status(document, "register", "serial", "number", "index_number", "registered_at")
    issued = _as_issued_version(document, by=by)
    record(
        actor=by,
        action="registered",
        subject=document,
        payload={
            "from": source,
            "number": document.number,
            "index_number": index,
            "version": version_payload(issued),
        },
        on=on,
    )
    return document


def _free_index_number(index_number: str) -> str | None:
    """The index number as parsed (None when none is given), refused when another document has
    it already."""
    index = rules.parse_index_number(index_number).text if index_number else None
    if index is not None and NormativeDocument.objects.filter(index_number=index).exists():
        raise RuleRefusal(
            _("The index number %(index)s is already given to another document."),
            code="index_number_taken",
            params={"index": index},
        )
    return index


def _as_issued_version(document: NormativeDocument, *, by) -> DocumentVersion:
    """The text as issued (印发稿): the text the deliberation adopted, under its number."""
    adopted = document.deliberations.filter(adopted=True).order_by("-id").first()
    return version_write(
        document=document,
        kind=DocumentVersion.Kind.AS_ISSUED,
        by=by,
        text=adopted.version.text if adopted and adopted.version else document.text,
        note=document.number,
    )


@transaction.atomic
def normdoc_revise(
    *, document: NormativeDocument, by, text: str, note: str = ""
) -> DocumentVersion:
    """The drafter revises the text (修改稿) after the review asked for amendments or found the
    draft unlawful, or the deliberation rejected it (国办发〔2018〕115号 三(四)). A draft still
    under a review that asked for amendments goes back to drafting: the revised text is
    submitted for review again, and that review names the new version.
    """
    document = _locked(document)
    if not is_drafter_for(user=by, body=document.drafting_body):
        raise RuleRefusal(
            _("Only a drafter of the drafting body revises its text."), code="not_drafter"
        )
    review = document.reviews.order_by("-id").first()
    refuse(
        rules.revision_refusal(
            status=str(document.status),
            returned=review is not None,
            review_outcome=review.outcome or None if review else None,
        )
    )
    if not text.strip():
        raise RuleRefusal(_("The revised text cannot be empty."), code="text_required")
    source = str(document.status)
    if document.status == Status.LEGALITY_REVIEW:
        move(document, Status.DRAFT)
        _save_status(document)
    version = version_write(
        document=document, kind=DocumentVersion.Kind.REVISED, by=by, text=text, note=note.strip()
    )
    record(
        actor=by,
        action="revised",
        subject=document,
        payload={"from": source, "version": version_payload(version), "note": note.strip()},
    )
    return version

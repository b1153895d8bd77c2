"""The steps of a normative document, each declared once (workflows.steps).

The document's page offers a step's form to the people it is offered to while the document is
in the step's state; the REST API exposes each step as ``POST /api/v1/normdocs/{id}/<key>/``;
the inbox lists the step for the same people (``normdocs.inbox``); the clocks it opens and meets
are named here. Sources: 国办发〔2018〕37号, 国办发〔2018〕115号, 《新疆维吾尔自治区行政规范性文件
管理办法》 (自治区人民政府令第218号).
"""

from django.utils.translation import gettext_lazy as _

from workflows.steps import Action, Clock, Offer, Step, register_steps, steps_of

from .. import clockrules, forms, services
from ..models import Filing, Status
from .base import (
    _amendments_owed,
    _deliberation_open,
    _filing_in,
    _filing_where,
    _issuer_filing,
    _may_open_consultation,
    _may_revise,
    _open_consultation,
    _review_open,
    current_review,
    external_filing,
    filing,
    filings,
    government_meeting_unit,
    issuing_unit,
    receiving_unit,
)

__all__ = [
    "PROCESS",
    "STEPS",
    "current_review",
    "document_steps",
    "external_filing",
    "filing",
    "filings",
    "government_meeting_unit",
    "issuing_unit",
    "name_of_inbox_kind",
    "receiving_unit",
    "roles_of_inbox_kind",
    "steps_open_to",
]

PROCESS = "normdoc"


def _one(key, name, roles, unit, form, run, *, applies, source, clocks=(), inbox_kind="", also=()):
    """A step of one action, named like the step (every document step is one form);
    ``run(document, user, cleaned_data)`` calls its service; ``also``: offers over other units."""
    return Step(
        process=PROCESS,
        key=key,
        name=name,
        offered_to=(Offer(tuple(roles), unit), *also),
        actions={key: Action(form=form, run=lambda d, u, data, _form: run(d, u, data))},
        applies=applies,
        source=source,
        clocks=tuple(clocks),
        inbox_kind=inbox_kind,
    )


_FILING_SOURCE = "国办发〔2018〕37号 四(十五)；自治区人民政府令第218号 第三十一条至第三十五条"
_REVIEW_SOURCE = "国办发〔2018〕115号 二(一)至二(四)；自治区人民政府令第218号 第十八条至第二十二条"

STEPS = [
    _one(
        "open_consultation",
        _("Put out for public comment"),
        ["drafter"],
        issuing_unit,
        forms.ConsultationForm,
        _open_consultation,
        applies=_may_open_consultation,
        source="国办发〔2018〕37号 二(三)；自治区人民政府令第218号 第十四条",
    ),
    _one(
        "submit_review",
        _("Submit for legality review"),
        ["drafter"],
        issuing_unit,
        forms.SubmitReviewForm,
        lambda d, u, data: services.legality_review_submit(document=d, by=u, **data),
        applies=lambda d: d.status == Status.DRAFT,
        source=_REVIEW_SOURCE,
        clocks=[Clock(clockrules.LEGALITY_REVIEW)],
    ),
    _one(
        "revise",
        _("Revise the text"),
        ["drafter"],
        issuing_unit,
        forms.RevisionForm,
        lambda d, u, data: services.normdoc_revise(document=d, by=u, **data),
        applies=_may_revise,
        source="国办发〔2018〕115号 三(四)",
    ),
    _one(
        "conclude_review",
        _("Conclude the legality review"),
        # 国办发〔2018〕115号 二(二): the legal_advisor role granted for the issuing unit — the
        # 司法局's advisors for the county government, a department's legal unit for its own.
        ["legal_advisor"],
        issuing_unit,
        forms.ConcludeReviewForm,
        lambda d, u, data: services.legality_review_conclude(
            review=current_review(d), by=u, **data
        ),
        applies=_review_open,
        source=_REVIEW_SOURCE,
        clocks=[Clock(clockrules.LEGALITY_REVIEW, meets=True)],
        inbox_kind="legality_review",
    ),
    _one(
        "record_amendments",
        _("Record the amendments made"),
        ["drafter"],
        issuing_unit,
        forms.AmendmentsForm,
        lambda d, u, data: services.legality_review_amendments_record(
            review=current_review(d), by=u, **data
        ),
        applies=_amendments_owed,
        source=_REVIEW_SOURCE,
        inbox_kind="amendments",
    ),
    _one(
        "send_to_deliberation",
        _("Send to deliberation"),
        ["drafter"],
        issuing_unit,
        forms.EmptyForm,
        lambda d, u, data: services.normdoc_send_to_deliberation(document=d, by=u),
        applies=lambda d: d.status == Status.LEGALITY_REVIEW,
        source="国办发〔2018〕37号 二(五)",
        inbox_kind="send_to_deliberation",
    ),
    _one(
        "deliberate",
        _("Record the deliberation"),
        ["meeting_secretary", "unit_head"],
        issuing_unit,
        forms.DeliberationForm,
        lambda d, u, data: services.normdoc_deliberate(document=d, by=u, **data),
        applies=_deliberation_open,
        source="国办发〔2018〕37号 二(五)；自治区人民政府令第218号 第二十三条",
        inbox_kind="deliberation",
        # The government office's documents: also its government's meeting secretary, who
        # records the executive or plenary meeting (permissions.is_deliberation_recorder_for).
        also=(Offer(("meeting_secretary",), government_meeting_unit),),
    ),
    _one(
        "register",
        _("Register and number"),
        ["publisher"],
        issuing_unit,
        forms.RegisterForm,
        lambda d, u, data: services.normdoc_register(document=d, by=u, **data),
        applies=lambda d: d.status == Status.DELIBERATION,
        source="国办发〔2018〕37号 二(六) 统一登记、统一编号、统一印发",
        inbox_kind="register",
    ),
    _one(
        "publish",
        _("Publish"),
        ["publisher"],
        issuing_unit,
        forms.PublishForm,
        lambda d, u, data: services.normdoc_publish(document=d, by=u, **data),
        applies=lambda d: d.status == Status.REGISTERED,
        source="国办发〔2018〕37号 二(七)；自治区人民政府令第218号 第二十六条",
        clocks=[Clock(clockrules.FILING), Clock(clockrules.EXPIRY_FIRST)],
        inbox_kind="publish",
    ),
    _one(
        "renew",
        _("Renew the validity period"),
        ["unit_head", "principal"],
        issuing_unit,
        forms.RenewForm,
        lambda d, u, data: services.normdoc_renew(document=d, by=u, **data),
        applies=lambda d: d.status in (Status.PUBLISHED, Status.IN_FORCE),
        source="自治区人民政府令第218号 第三十七条",
        clocks=[
            Clock(clockrules.EXPIRY_FIRST, meets=True),
            Clock(clockrules.EXPIRY_LAST, meets=True),
        ],
        inbox_kind="renewal",
    ),
    _one(
        "filing_submit",
        _("Submit the filing"),
        ["publisher", "unit_head", "principal"],
        issuing_unit,
        forms.FilingSubmitForm,
        lambda d, u, data: services.filing_submit(filing=filing(d), by=u, **data),
        applies=lambda d: _filing_in(d, Filing.Status.DUE, Filing.Status.RETURNED),
        source=_FILING_SOURCE,
        clocks=[Clock(clockrules.FILING, meets=True), Clock(clockrules.FILING_REVIEW)],
        inbox_kind="filing_submit",
    ),
    _one(
        "filing_accept",
        _("Accept the filing"),
        ["filing_reviewer"],
        receiving_unit,
        forms.OpinionForm,
        lambda d, u, data: services.filing_accept(filing=filing(d), by=u, **data),
        applies=lambda d: _filing_in(d, Filing.Status.RECEIVED),
        source=_FILING_SOURCE,
        clocks=[Clock(clockrules.FILING_REVIEW, meets=True)],
        inbox_kind="filing_review",
    ),
    _one(
        "filing_return",
        _("Return for completion"),
        ["filing_reviewer"],
        receiving_unit,
        forms.TextForm,
        lambda d, u, data: services.filing_return(filing=filing(d), by=u, missing=data["text"]),
        applies=lambda d: _filing_in(d, Filing.Status.RECEIVED),
        source=_FILING_SOURCE,
        inbox_kind="filing_review",
    ),
    _one(
        "filing_correction",
        _("Request correction"),
        ["filing_reviewer"],
        receiving_unit,
        forms.TextForm,
        lambda d, u, data: services.filing_request_correction(
            filing=filing(d), by=u, problem=data["text"]
        ),
        applies=lambda d: _filing_in(d, Filing.Status.RECEIVED),
        source=_FILING_SOURCE,
        clocks=[
            Clock(clockrules.FILING_REVIEW, meets=True),
            Clock(clockrules.FILING_CORRECTION),
        ],
        inbox_kind="filing_review",
    ),
    _one(
        "filing_issuer_amend",
        _("Correct by amendment"),
        ["drafter"],
        issuing_unit,
        forms.EmptyForm,
        lambda d, u, data: services.filing_issuer_amend(filing=_issuer_filing(d), by=u),
        applies=lambda d: _issuer_filing(d) is not None,
        source=_FILING_SOURCE,
        clocks=[Clock(clockrules.FILING_CORRECTION, meets=True)],
        inbox_kind="filing_correction",
    ),
    _one(
        "filing_issuer_revoke",
        _("Revoke the document"),
        ["unit_head", "principal"],
        issuing_unit,
        forms.TextForm,
        lambda d, u, data: services.filing_issuer_revoke(
            filing=_issuer_filing(d), by=u, reason=data["text"]
        ),
        applies=lambda d: _issuer_filing(d) is not None,
        source=_FILING_SOURCE,
        clocks=[Clock(clockrules.FILING_CORRECTION, meets=True)],
        inbox_kind="filing_correction",
    ),
    _one(
        "filing_body_revoke",
        _("Revoke as the filing body"),
        ["filing_reviewer"],
        receiving_unit,
        forms.TextForm,
        lambda d, u, data: services.filing_body_revoke(filing=filing(d), by=u, reason=data["text"]),
        applies=lambda d: _filing_in(d, Filing.Status.CORRECTION_REQUESTED),
        source=_FILING_SOURCE,
        clocks=[Clock(clockrules.FILING_CORRECTION, meets=True)],
    ),
    # After the review in the installation, whose steps meet its clocks first (the clocks
    # backfill reads the roles of the first step meeting each). A body outside the installation (the prefecture government, the county people's congress
    # standing committee): the issuer's clerk records the submission, the receipt and the
    # outcome it sends back; the review clock reminds the clerk to chase an overdue outcome.
    _one(
        "filing_external_submit",
        _("Record the submission to the filing body"),
        ["publisher", "unit_head", "principal"],
        issuing_unit,
        forms.FilingExternalSubmitForm,
        lambda d, u, data: services.filing_external_submit(
            filing=external_filing(d, data.pop("receiving_body")), by=u, **data
        ),
        applies=lambda d: (
            _filing_where(d, Filing.Status.DUE, Filing.Status.RETURNED, external=True) is not None
        ),
        source=_FILING_SOURCE,
        clocks=[Clock(clockrules.FILING, meets=True), Clock(clockrules.FILING_REVIEW)],
        inbox_kind="filing_submit",
    ),
    _one(
        "filing_external_receipt",
        _("Record the receipt by the filing body"),
        ["publisher", "unit_head", "principal"],
        issuing_unit,
        forms.FilingExternalReceiptForm,
        lambda d, u, data: services.filing_external_receipt(
            filing=external_filing(d, data.pop("receiving_body")), by=u, **data
        ),
        applies=lambda d: _filing_where(d, Filing.Status.SUBMITTED, external=True) is not None,
        source=_FILING_SOURCE,
        clocks=[Clock(clockrules.FILING_REVIEW)],
        inbox_kind="filing_outcome",
    ),
    _one(
        "filing_external_outcome",
        _("Record the filing body's outcome"),
        ["publisher", "unit_head", "principal"],
        issuing_unit,
        forms.FilingExternalOutcomeForm,
        lambda d, u, data: services.filing_external_outcome(
            filing=external_filing(d, data.pop("receiving_body")), by=u, **data
        ),
        applies=lambda d: (
            _filing_where(
                d, Filing.Status.RECEIVED, Filing.Status.CORRECTION_REQUESTED, external=True
            )
            is not None
        ),
        source=_FILING_SOURCE,
        clocks=[
            Clock(clockrules.FILING_REVIEW, meets=True),
            Clock(clockrules.FILING_CORRECTION),
        ],
        inbox_kind="filing_outcome",
    ),
]

register_steps(PROCESS, STEPS)


def document_steps():
    """Every step of a document, by key, in the order of the procedure."""
    return steps_of(PROCESS)


def steps_open_to(user, document) -> list:
    """The steps ``user`` may take on ``document`` now, in the order of the procedure."""
    return [step for step in STEPS if step.allows(user, document)]


def roles_of_inbox_kind(kind: str) -> tuple[str, ...]:
    """The roles of every step the inbox lists under ``kind``: the inbox offers an entry to
    exactly the people the steps are offered to."""
    roles = []
    for declared in STEPS:
        if declared.inbox_kind == kind:
            roles += [role for role in declared.roles if role not in roles]
    return tuple(roles)


def name_of_inbox_kind(kind: str):
    """The inbox entry's title: the name of its (first) step."""
    return next(declared.name for declared in STEPS if declared.inbox_kind == kind)

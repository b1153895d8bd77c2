"""Documents issued before this system: entered into the register from their published text."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.permissions import has_role_in_unit

from .. import rules
from ..conf import setting
from ..models import DraftingBody, NormativeDocument, Status
from ..rules import RuleRefusal
from ._common import record, today
from .numbering import number_reserve_imported


@transaction.atomic
def normdoc_import_published(
    *,
    by,
    drafting_body: DraftingBody,
    title: str,
    number: str,
    published_on: date,
    index_number: str = "",
    effective_on: date | None = None,
    text: str = "",
    legal_basis: str = "",
    cited_laws: str = "",
) -> NormativeDocument:
    """Enter a document published before this system, as it was issued.

    The number is read in any of the usual spellings ([2022], (2022), bracket-less) and stored
    in the canonical GB/T 9704-2012 form; the issuer's register moves past it so the number is
    never given again. Its validity is counted from publication like any other (令第218号).
    """
    if not (
        has_role_in_unit(user=by, role="publisher", unit=drafting_body.unit)
        or has_role_in_unit(user=by, role="administrator", unit=drafting_body.unit)
    ):
        raise RuleRefusal(
            _("Only the issuing body's publisher or an administrator imports its documents."),
            code="not_publisher",
        )
    parsed = rules.parse_document_number(number)
    if parsed.issuer_code not in drafting_body.issuer_codes:
        raise RuleRefusal(
            _("%(code)s is not an issuer code of %(body)s."),
            code="not_an_issuer_code",
            params={"code": parsed.issuer_code, "body": drafting_body},
        )
    canonical = str(parsed)
    if NormativeDocument.objects.filter(number=canonical).exists():
        raise RuleRefusal(
            _("%(number)s is already in the register."),
            code="number_taken",
            params={"number": canonical},
        )
    index = rules.parse_index_number(index_number).text if index_number else None
    register = number_reserve_imported(
        issuer_code=parsed.issuer_code,
        doc_type=parsed.doc_type,
        year=parsed.year,
        serial=parsed.serial,
    )
    effective_on = effective_on or rules.effective_date(
        published_on=published_on, after_days=setting("EFFECTIVE_AFTER_DAYS"), immediate=False
    )
    valid_until = rules.validity_end(
        published_on=published_on,
        title=title,
        years=setting("VALIDITY_YEARS"),
        provisional_years=setting("PROVISIONAL_VALIDITY_YEARS"),
    )
    document = NormativeDocument.objects.create(
        title=title,
        drafting_body=drafting_body,
        issuer_code=parsed.issuer_code,
        doc_type=parsed.doc_type,
        status=Status.IN_FORCE if effective_on <= today() else Status.PUBLISHED,
        text=text,
        legal_basis=legal_basis,
        cited_laws=cited_laws,
        created_by=by,
        register=register,
        serial=parsed.serial,
        number=canonical,
        registered_at=timezone.now(),
        index_number=index,
        published_on=published_on,
        effective_on=effective_on,
        valid_until=valid_until,
    )
    record(
        actor=by,
        action="imported",
        subject=document,
        payload={
            "number_as_given": number,
            "number": canonical,
            "index_number": index,
            "published_on": published_on,
            "effective_on": effective_on,
            "valid_until": valid_until,
            "status": document.status,
        },
    )
    return document

"""The drafting-body register (制定主体清单)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workflows.models import Unit
from workflows.offices import general_office_of

from .. import rules
from ..models import DraftingBody
from ..rules import RuleRefusal
from ._common import act_time, record, refuse


@transaction.atomic
def drafting_body_register(
    *,
    unit: Unit,
    kind: str,
    legal_basis: str,
    issuer_codes: list[str],
    by,
    on: date | None = None,
) -> DraftingBody:
    """Put ``unit`` on the published list of bodies that may issue normative documents.

    国办发〔2018〕37号 二(一): temporary bodies, coordination bodies and internal divisions are
    refused; every entry states the legal basis of its power and the issuer codes it numbers under.
    """
    refuse(rules.drafting_body_refusal(kind))
    if not legal_basis.strip():
        raise RuleRefusal(
            _("A drafting body needs the legal basis of its power to issue."),
            code="legal_basis_required",
        )
    codes = [code.strip() for code in issuer_codes if code and code.strip()]
    if not codes:
        raise RuleRefusal(
            _("A drafting body needs at least one issuer code (e.g. 恰政)."),
            code="issuer_code_required",
        )
    if DraftingBody.objects.filter(unit=unit).exists():
        raise RuleRefusal(
            _("%(unit)s is already on the drafting-body list."),
            code="already_on_the_list",
            params={"unit": unit},
        )
    body = DraftingBody.objects.create(
        unit=unit,
        kind=kind,
        legal_basis=legal_basis.strip(),
        issuer_codes=codes,
        registered_at=act_time(on),
        registered_by=by if not isinstance(by, str) else None,
    )
    record(
        actor=by,
        action="drafting_body.registered",
        subject=body,
        payload={
            "unit": unit.name,
            "kind": kind,
            "issuer_codes": codes,
            "legal_basis": body.legal_basis,
        },
        on=on,
    )
    return body


def drafting_body_is_government_office(body: DraftingBody) -> bool:
    """Whether ``body`` is the government office (政府办公室) of its government, as the
    government names it (``Unit.general_office``, ``workflows.offices.general_office_of``);
    never guessed from the name. A government that has not named its office has none."""
    try:
        return general_office_of(body.unit).pk == body.unit_id
    except ValidationError:
        return False


def drafting_body_deliberates_as(body: DraftingBody) -> str:
    """The kind of issuer whose meeting deliberates ``body``'s documents: the government
    office's documents are the government's (国办发〔2018〕37号 三(四)：以政府或政府办公室名义
    制发的行政规范性文件由政府常务会议或全体会议审议), so they go to the executive or plenary
    meeting, not to an office meeting; every other body is what it is registered as."""
    if body.kind != DraftingBody.Kind.GOVERNMENT and drafting_body_is_government_office(body):
        return DraftingBody.Kind.GOVERNMENT
    return body.kind


def government_office_unit_ids() -> list[int]:
    """The units every government of the installation has named its government office
    (``general_office_of``): their documents are issued in the government's name."""
    return list(
        Unit.objects.filter(kind=Unit.Kind.GOVERNMENT, general_office__isnull=False).values_list(
            "general_office_id", flat=True
        )
    )


def drafting_body_meeting_unit(body: DraftingBody) -> Unit:
    """The unit whose meeting deliberates ``body``'s documents: the government that named
    ``body`` its government office (its executive or plenary meeting, 国办发〔2018〕37号 三(四)),
    else the body's own unit."""
    if body.kind != DraftingBody.Kind.GOVERNMENT and drafting_body_is_government_office(body):
        return Unit.objects.filter(general_office=body.unit_id).first() or body.unit
    return body.unit

"""The drafting-body register (制定主体清单)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from workflows.models import Unit

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

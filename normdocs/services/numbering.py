"""One register per issuer (三统一): numbers without gaps or duplicates."""

from django.db import transaction

from ..models import IssuerRegister


def number_allocate(*, issuer_code: str, doc_type: str, year: int) -> tuple[IssuerRegister, int]:
    """The next serial of the issuer's register for ``doc_type`` and ``year``.

    国办发〔2018〕37号 三(五)：统一登记、统一编号. The register row is created if missing (a concurrent
    creator loses quietly: ON CONFLICT DO NOTHING) and then locked with SELECT … FOR UPDATE, so
    concurrent registrations queue on it and each takes exactly the next number. Must run inside
    the caller's transaction, so a rolled-back registration gives its number back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_allocate must run inside the registering transaction")
    IssuerRegister.objects.bulk_create(
        [IssuerRegister(issuer_code=issuer_code, doc_type=doc_type, year=year)],
        ignore_conflicts=True,
    )
    register = IssuerRegister.objects.select_for_update().get(
        issuer_code=issuer_code, doc_type=doc_type, year=year
    )
    register.last_serial += 1
    register.save(update_fields=["last_serial"])
    return register, register.last_serial


def number_reserve_imported(
    *, issuer_code: str, doc_type: str, year: int, serial: int
) -> IssuerRegister:
    """Move the register past a number issued before this system, so it is never given twice."""
    IssuerRegister.objects.bulk_create(
        [IssuerRegister(issuer_code=issuer_code, doc_type=doc_type, year=year)],
        ignore_conflicts=True,
    )
    register = IssuerRegister.objects.select_for_update().get(
        issuer_code=issuer_code, doc_type=doc_type, year=year
    )
    if register.last_serial < serial:
        register.last_serial = serial
        register.save(update_fields=["last_serial"])
    return register

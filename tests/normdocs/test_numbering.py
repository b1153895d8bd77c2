"""三统一: one register per issuer, numbers with no gaps and no duplicates under concurrency."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from normdocs import services
from normdocs.models import IssuerRegister, NormativeDocument
from normdocs.rules import RuleRefusal, parse_document_number


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_consecutive_numbers_without_gaps_or_duplicates(
    bureau_body, drafter, officials, drive
):
    assert connection.vendor == "postgresql"
    threads_count = 10
    documents = [
        services.normdoc_create(by=drafter, drafting_body=bureau_body, title=f"文件{i}")
        for i in range(threads_count)
    ]
    for document in documents:
        drive(document, "deliberation", drafter=drafter)
        services.normdoc_deliberate(
            document=document,
            by=officials["secretary"],
            meeting_kind="office_meeting",
            meeting_on=date.today(),
            adopted=True,
        )
    # The register row exists already, as it does after a year's first document: the threads
    # meet on the row lock, not on the insert of a new row.
    IssuerRegister.objects.create(issuer_code="恰司", doc_type="规", year=2024)
    barrier = threading.Barrier(threads_count)
    errors = []

    def register(document):
        try:
            barrier.wait()
            services.normdoc_register(document=document, by=officials["publisher"], year=2024)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(d,)) for d in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = list(
        NormativeDocument.objects.filter(register__year=2024).values_list("number", flat=True)
    )
    assert sorted(parse_document_number(n).serial for n in numbers) == list(
        range(1, threads_count + 1)
    )
    assert (
        IssuerRegister.objects.get(issuer_code="恰司", doc_type="规", year=2024).last_serial
        == threads_count
    )


@pytest.mark.django_db
def test_each_issuer_type_and_year_has_its_own_register(county_body, bureau_body):
    with transaction.atomic():
        assert services.number_allocate(issuer_code="恰政", doc_type="规", year=2022)[1] == 1
        assert services.number_allocate(issuer_code="恰政", doc_type="规", year=2022)[1] == 2
        assert services.number_allocate(issuer_code="恰政", doc_type="发", year=2022)[1] == 1
        assert services.number_allocate(issuer_code="恰政", doc_type="规", year=2023)[1] == 1
        assert services.number_allocate(issuer_code="恰司", doc_type="规", year=2022)[1] == 1


@pytest.mark.django_db
def test_a_rolled_back_registration_gives_its_number_back(bureau_body):
    try:
        with transaction.atomic():
            services.number_allocate(issuer_code="恰司", doc_type="规", year=2022)
            raise RuntimeError("the registration failed after numbering")
    except RuntimeError:
        pass
    with transaction.atomic():
        assert services.number_allocate(issuer_code="恰司", doc_type="规", year=2022)[1] == 1


@pytest.mark.django_db
def test_importing_an_old_number_stores_the_canonical_form_and_moves_the_register_past_it(
    county_body, officials, drafter, county_drafter, drive
):
    old = services.normdoc_import_published(
        by=officials["publisher"],
        drafting_body=county_body,
        title="乌恰县城乡居民最低生活保障实施办法",
        number="恰政规[2020]2号",
        published_on=date(2020, 4, 1),
        index_number="24K458996/2020-00012",
    )
    assert old.number == "恰政规〔2020〕2号"
    assert old.status == "in_force"
    assert old.valid_until == date(2025, 3, 31)
    with pytest.raises(RuleRefusal) as info:
        services.normdoc_import_published(
            by=officials["publisher"],
            drafting_body=county_body,
            title="重复",
            number="恰政规（2020）2号",
            published_on=date(2020, 4, 1),
        )
    assert info.value.code == "number_taken"
    document = services.normdoc_create(by=county_drafter, drafting_body=county_body, title="新规定")
    drive(document, "registered", drafter=county_drafter, year=2020)
    assert document.number == "恰政规〔2020〕3号"


@pytest.mark.django_db
def test_importing_a_malformed_number_is_refused_with_the_reason(county_body, officials):
    with pytest.raises(RuleRefusal, match="号"):
        services.normdoc_import_published(
            by=officials["publisher"],
            drafting_body=county_body,
            title="x",
            number="恰政规〔2020〕2",
            published_on=date(2020, 4, 1),
        )


@pytest.mark.django_db
def test_importing_refuses_a_number_under_another_issuers_code(county_body, officials):
    with pytest.raises(RuleRefusal) as info:
        services.normdoc_import_published(
            by=officials["publisher"],
            drafting_body=county_body,
            title="x",
            number="恰司规〔2020〕2号",
            published_on=date(2020, 4, 1),
        )
    assert info.value.code == "not_an_issuer_code"

"""Publication, effective date, validity period, renewal and expiry (令第218号)."""

from datetime import date, timedelta

import pytest

from normdocs import services
from normdocs.models import Filing, NormativeDocument, Status
from normdocs.rules import RuleRefusal
from workflows.clocks.models import Deadline
from workflows.record.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(bureau_body, drafter):
    return services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局人民调解工作规定"
    )


def _import(
    county_body,
    officials,
    *,
    title="乌恰县城乡居民最低生活保障实施办法",
    number="恰政规〔2021〕7号",
    published_on,
):
    return services.normdoc_import_published(
        by=officials["publisher"],
        drafting_body=county_body,
        title=title,
        number=number,
        published_on=published_on,
    )


def test_a_published_document_takes_effect_thirty_days_later_and_is_valid_five_years(
    draft, drafter, drive
):
    today = date.today()
    drive(draft, "published", drafter=drafter, published_on=today)
    assert draft.status == Status.PUBLISHED
    assert draft.effective_on == today + timedelta(days=30)
    assert draft.valid_until == today.replace(year=today.year + 5) - timedelta(days=1)


def test_a_provisional_document_is_valid_two_years(bureau_body, drafter, drive):
    document = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县法律援助暂行办法"
    )
    drive(document, "published", drafter=drafter, published_on=date(2026, 3, 2))
    assert document.valid_until == date(2028, 3, 1)


def test_immediate_effect_puts_the_document_in_force_on_publication_with_the_reason_recorded(
    draft, drafter, drive
):
    drive(draft, "published", drafter=drafter, immediate_reason="防汛抢险，情况紧急")
    assert draft.status == Status.IN_FORCE
    assert draft.effective_on == draft.published_on
    event = Event.objects.get(action="normdoc.published", object_id=str(draft.pk))
    assert event.payload["immediate_effect_reason"] == "防汛抢险，情况紧急"


def test_publication_opens_the_filing_clock_to_the_issuer_with_the_county_as_receiver(
    draft, drafter, drive, county, justice_bureau
):
    drive(draft, "published", drafter=drafter)
    filing = Filing.objects.get(document=draft)
    assert filing.receiving_unit == county
    deadline = Deadline.objects.get(rule_key="normdocs.filing", object_id=str(filing.pk))
    assert deadline.responsible_unit == justice_bureau
    assert deadline.due == filing.due_on >= draft.published_on + timedelta(days=30)


def test_the_sweep_brings_a_document_into_force_on_its_effective_date_once(draft, drafter, drive):
    drive(draft, "published", drafter=drafter)
    assert (
        services.validity_sweep(on=draft.effective_on - timedelta(days=1))["entered_into_force"]
        == 0
    )
    assert services.validity_sweep(on=draft.effective_on)["entered_into_force"] == 1
    assert services.validity_sweep(on=draft.effective_on)["entered_into_force"] == 0
    assert NormativeDocument.objects.get(pk=draft.pk).status == Status.IN_FORCE


def test_the_sweep_expires_a_document_after_its_validity_period_without_renewal(
    county_body, officials
):
    document = _import(county_body, officials, published_on=date(2021, 11, 1))
    assert document.valid_until == date(2026, 10, 31)
    assert services.validity_sweep(on=date(2026, 10, 31))["expired"] == 0
    assert services.validity_sweep(on=date(2026, 11, 1))["expired"] == 1
    assert services.validity_sweep(on=date(2026, 11, 1))["expired"] == 0
    document.refresh_from_db()
    assert (document.status, document.ended_on) == (Status.EXPIRED, date(2026, 11, 1))


def test_the_sweep_opens_reminders_six_and_one_months_before_expiry_to_the_drafting_body(
    county_body, officials, county
):
    document = _import(
        county_body, officials, published_on=date(2021, 12, 20)
    )  # valid until 2026-12-19
    assert services.validity_sweep(on=date(2026, 6, 18))["expiry_reminders_opened"] == 0
    assert services.validity_sweep(on=date(2026, 6, 19))["expiry_reminders_opened"] == 1
    assert services.validity_sweep(on=date(2026, 11, 19))["expiry_reminders_opened"] == 1
    assert services.validity_sweep(on=date(2026, 11, 20))["expiry_reminders_opened"] == 0
    notices = Deadline.objects.filter(
        object_id=str(document.pk), rule_key__startswith="normdocs.expiry"
    )
    assert {(d.rule_key, d.due) for d in notices} == {
        # 2026-06-19 is the Dragon Boat Festival: the notice falls due the next working day.
        ("normdocs.expiry_first_notice", date(2026, 6, 22)),
        ("normdocs.expiry_last_notice", date(2026, 11, 19)),
    }
    assert {d.responsible_unit for d in notices} == {county}


def test_a_renewal_decided_before_expiry_keeps_the_document_in_force(county_body, officials):
    document = _import(county_body, officials, published_on=date(2021, 12, 20))
    services.validity_sweep(on=date(2026, 11, 19))
    renewal = services.normdoc_renew(
        document=document,
        by=officials["head"],
        decision_reference="县政府第12次常务会议纪要",
        reason="评估后仍需适用",
        on=date(2026, 11, 20),
    )
    assert renewal.new_valid_until == date(2031, 12, 19)
    assert services.validity_sweep(on=date(2026, 12, 21))["expired"] == 0
    assert NormativeDocument.objects.get(pk=document.pk).status == Status.IN_FORCE
    assert not Deadline.objects.filter(
        object_id=str(document.pk),
        rule_key__startswith="normdocs.expiry",
        status__in=Deadline.RUNNING,
    ).exists()


def test_a_renewal_after_the_validity_period_ended_is_refused(county_body, officials):
    document = _import(county_body, officials, published_on=date(2021, 6, 1))
    with pytest.raises(RuleRefusal) as info:
        services.normdoc_renew(
            document=document,
            by=officials["head"],
            decision_reference="x",
            reason="y",
            on=date(2026, 6, 1),
        )
    assert info.value.code == "validity_ended"


def test_a_renewal_is_refused_when_decided_by_someone_other_than_the_issuers_head(
    county_body, officials, county_drafter
):
    document = _import(county_body, officials, published_on=date(2021, 12, 20))
    with pytest.raises(RuleRefusal) as info:
        services.normdoc_renew(
            document=document, by=county_drafter, decision_reference="x", reason="y"
        )
    assert info.value.code == "not_issuer_head"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_expire_documents_task_expires_lapsed_documents_on_a_real_worker(
    celery_worker_process, county_body, officials
):
    from normdocs.tasks import expire_documents

    document = _import(
        county_body, officials, published_on=date(2020, 1, 10)
    )  # valid until 2025-01-09
    assert document.status == Status.IN_FORCE
    first = expire_documents.delay().get(timeout=60)
    second = expire_documents.delay().get(timeout=60)
    assert (first["expired"], second["expired"]) == (1, 0)
    assert NormativeDocument.objects.get(pk=document.pk).status == Status.EXPIRED

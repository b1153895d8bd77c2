"""Illegal transitions of a filing and of a cleanup are refused by their lifecycle (issue 15).

Filing: 自治区人民政府令第218号 (有件必备、有备必审、有错必纠); cleanup: 国办发〔2018〕37号 五(十八).
The refusal is a ``RuleRefusal`` with a stable code whose zh_Hans message names the rule, and the
row keeps its status.
"""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation
from viewflow.fsm import TransitionNotAllowed

from normdocs import rules, selectors, services
from normdocs.models import CleanupCampaign, CleanupItem, Filing
from normdocs.rules import RuleRefusal

pytestmark = pytest.mark.django_db


def zh(refusal) -> str:
    with translation.override("zh-hans"):
        return " ".join(refusal.messages)


@pytest.fixture
def filing(bureau_body, drafter, drive):
    document = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局公证服务办法"
    )
    drive(document, "published", drafter=drafter, immediate_reason="群众办事急需")
    return Filing.objects.get(document=document)


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("due", "received", True),
        ("returned", "received", True),
        ("due", "accepted", False),
        ("accepted", "returned", False),
        ("received", "revoked_by_filing_body", False),
        ("correction_requested", "revoked_by_filing_body", True),
        ("revoked_by_issuer", "received", False),
    ],
)
def test_the_filing_machine_moves_exactly_as_its_table_says(source, target, allowed):
    assert (source in rules.FILING_LIFECYCLE[target][0]) is allowed
    filing = Filing(status=source)
    if allowed:
        getattr(filing, f"to_{target}")()
        assert filing.status == target
    else:
        with pytest.raises(TransitionNotAllowed):
            getattr(filing, f"to_{target}")()
        assert filing.status == source


def test_an_accepted_filing_is_refused_a_return_naming_the_rule_in_chinese(filing, officials):
    services.filing_submit(filing=filing, by=officials["publisher"], received_on=date(2026, 11, 26))
    services.filing_accept(filing=filing, by=officials["filing_reviewer"], on=date(2026, 11, 30))
    with pytest.raises(RuleRefusal) as info:
        services.filing_return(
            filing=filing, by=officials["filing_reviewer"], missing="起草说明", on=date(2026, 12, 1)
        )
    assert info.value.code == "wrong_filing_state"
    assert "备案当前为“准予备案”，不能转为“退回补正”" in zh(info.value)
    assert "自治区人民政府令第218号" in zh(info.value)
    assert Filing.objects.get(pk=filing.pk).status == Filing.Status.ACCEPTED


def test_a_filing_body_cannot_revoke_before_it_asked_for_correction(filing, officials):
    services.filing_submit(filing=filing, by=officials["publisher"], received_on=date(2026, 11, 26))
    with pytest.raises(RuleRefusal) as info:
        services.filing_body_revoke(
            filing=filing, by=officials["filing_reviewer"], reason="违法", on=date(2026, 12, 1)
        )
    assert info.value.code == "wrong_filing_state"
    assert "逾期不纠正" in zh(info.value)
    assert Filing.objects.get(pk=filing.pk).status == Filing.Status.RECEIVED
    assert filing.document.status != "declared_invalid"


@pytest.fixture
def campaign(county_body, officials, county):
    services.normdoc_import_published(
        by=officials["publisher"],
        drafting_body=county_body,
        title="乌恰县城市管理办法",
        number="恰政规〔2022〕1号",
        published_on=date(2022, 5, 10),
    )
    return services.cleanup_open(
        kind="regular",
        government=county,
        by="system",
        title="2026年常态化清理",
        on=date(2026, 3, 2),
    )


def test_a_cleanup_opens_with_every_item_undecided_and_deciding_moves_only_that_item(
    campaign, county_drafter
):
    assert campaign.status == CleanupCampaign.Status.OPEN
    (item,) = selectors.cleanup_entries(campaign)
    assert item.pk is None and item.status == CleanupItem.Status.UNDECIDED
    services.cleanup_item_decide(
        item=item, by=county_drafter, outcome="continue", reason="仍适用", on=date(2026, 3, 9)
    )
    assert (
        CleanupItem.objects.get(campaign=campaign, document=item.document_id).status
        == CleanupItem.Status.DECIDED
    )
    # A verdict may be revised while the campaign is open.
    services.cleanup_item_decide(
        item=item, by=county_drafter, outcome="repeal", reason="已不适用", on=date(2026, 3, 10)
    )
    assert CleanupItem.objects.get(campaign=campaign, document=item.document_id).outcome == "repeal"


def test_a_closed_cleanup_is_refused_a_second_close_and_any_new_verdict(
    campaign, county_drafter, officials
):
    (item,) = selectors.cleanup_entries(campaign)
    services.cleanup_item_decide(
        item=item, by=county_drafter, outcome="continue", reason="仍适用", on=date(2026, 3, 9)
    )
    services.cleanup_close(
        campaign=campaign, by=officials["advisor"], published_on=date(2026, 4, 1)
    )
    assert CleanupCampaign.objects.get(pk=campaign.pk).status == CleanupCampaign.Status.CLOSED

    with pytest.raises(RuleRefusal) as info:
        services.cleanup_close(campaign=campaign, by=officials["advisor"])
    assert info.value.code == "campaign_closed" and "国办发〔2018〕37号 五(十八)" in zh(info.value)
    with pytest.raises(RuleRefusal) as info:
        services.cleanup_item_decide(item=item, by=county_drafter, outcome="repeal", reason="改判")
    assert info.value.code == "campaign_closed" and "清理工作已经结束" in zh(info.value)
    assert (
        CleanupItem.objects.get(campaign=campaign, document=item.document_id).outcome == "continue"
    )


def test_the_database_refuses_an_item_of_another_campaign_than_its_assignment(
    campaign, county, officials, county_drafter
):
    """One composite foreign key checks an item's assignment and campaign together (0005)."""
    other = services.cleanup_open(
        kind="special",
        government=county,
        by=officials["advisor"],
        title="专项清理",
        scope={"keyword": "城市管理"},
        on=date(2026, 3, 3),
    )
    item = services.cleanup_item_decide(
        item=selectors.cleanup_entries(campaign)[0],
        by=county_drafter,
        outcome="continue",
        reason="仍适用",
        on=date(2026, 3, 9),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CleanupItem.objects.filter(pk=item.pk).update(assignment=other.assignments.get())
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

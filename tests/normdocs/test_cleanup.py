"""Cleanup campaigns (清理, 国办发〔2018〕37号 五(十八))."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from normdocs import selectors, services
from normdocs.models import CleanupCampaign, CleanupItem, NormativeDocument, Status
from normdocs.rules import RuleRefusal
from workflows.clocks.models import Deadline

pytestmark = pytest.mark.django_db
OPENED = date(2026, 3, 2)


@pytest.fixture
def in_force(county_body, bureau_body, officials):
    """Five documents in force: three of the county, two of 司法局 (one citing the penalty law)."""

    def make(body, title, number, cited=""):
        return services.normdoc_import_published(
            by=officials["publisher"],
            drafting_body=body,
            title=title,
            number=number,
            published_on=date(2022, 5, 10),
            cited_laws=cited,
        )

    return [
        make(
            county_body, "乌恰县城市管理办法", "恰政规〔2022〕1号", "《中华人民共和国行政处罚法》"
        ),
        make(county_body, "乌恰县计划生育奖励办法", "恰政规〔2022〕2号"),
        make(county_body, "乌恰县外商投资促进办法", "恰政规〔2022〕3号"),
        make(
            bureau_body,
            "乌恰县司法局行政处罚裁量基准",
            "恰司规〔2022〕1号",
            "《中华人民共和国行政处罚法》",
        ),
        make(bureau_body, "乌恰县司法局法律援助办法", "恰司规〔2022〕2号"),
    ]


@pytest.fixture
def officer(officials):
    return officials["advisor"]  # a legal advisor for the county: a legal-affairs officer


def _open(officer, county, **kwargs):
    return services.cleanup_open(
        kind=kwargs.pop("kind", "special"),
        government=county,
        by=officer,
        title=kwargs.pop("title", "涉及行政处罚法的规范性文件专项清理"),
        on=OPENED,
        **kwargs,
    )


def test_a_special_cleanup_is_refused_without_a_scope(in_force, officer, county):
    with pytest.raises(RuleRefusal) as info:
        _open(officer, county, scope={})
    assert info.value.code == "scope_required"


def test_a_special_cleanup_is_refused_when_opened_by_a_drafter(in_force, county_drafter, county):
    with pytest.raises(RuleRefusal) as info:
        _open(county_drafter, county, scope={"keyword": "行政处罚法"})
    assert info.value.code == "not_legal_affairs_officer"


def test_a_special_cleanup_by_cited_law_has_one_item_per_matching_document_assigned_to_its_drafting_body(
    in_force, officer, county, county_body, bureau_body, justice_bureau
):
    campaign = _open(officer, county, scope={"keyword": "行政处罚法"})
    items = {
        item.document_id: item.assignment.drafting_body
        for item in campaign.items.select_related("assignment")
    }
    assert items == {in_force[0].pk: county_body, in_force[3].pk: bureau_body}
    clocks = Deadline.objects.filter(rule_key="normdocs.cleanup_review")
    assert {d.responsible_unit for d in clocks} == {county, justice_bureau}
    assert all(d.due == campaign.due_on for d in clocks)


def test_scope_by_issuer_dates_and_explicit_list(in_force, officer, county, bureau_body):
    assert _open(officer, county, scope={"drafting_bodies": [bureau_body.pk]}).items.count() == 2
    assert _open(officer, county, scope={"published_from": "2023-01-01"}).items.count() == 0
    assert (
        _open(officer, county, scope={"documents": [in_force[1].pk, in_force[2].pk]}).items.count()
        == 2
    )


def test_a_joint_document_is_reviewed_by_its_lead_body(
    in_force, officer, county, county_body, bureau_body
):
    in_force[0].co_drafting_bodies.add(bureau_body)
    campaign = _open(officer, county, scope={"documents": [in_force[0].pk]})
    assert campaign.items.get().assignment.drafting_body == county_body


def test_only_the_drafting_body_decides_its_items_and_every_outcome_needs_a_reason(
    in_force, officer, county, drafter, county_drafter
):
    campaign = _open(officer, county, scope={"documents": [in_force[0].pk]})
    item = campaign.items.get()
    with pytest.raises(RuleRefusal, match="谁制定谁清理"):
        services.cleanup_item_decide(item=item, by=drafter, outcome="continue", reason="仍适用")
    with pytest.raises(RuleRefusal) as info:
        services.cleanup_item_decide(item=item, by=county_drafter, outcome="repeal", reason="")
    assert info.value.code == "cleanup_reason_required"
    services.cleanup_item_decide(item=item, by=county_drafter, outcome="continue", reason="仍适用")
    assert Deadline.objects.get(rule_key="normdocs.cleanup_review").status == "met"


def test_a_campaign_is_refused_closing_while_an_item_has_no_outcome(
    in_force, officer, county, county_drafter
):
    campaign = _open(officer, county, scope={"drafting_bodies": [in_force[0].drafting_body_id]})
    services.cleanup_item_decide(
        item=campaign.items.first(), by=county_drafter, outcome="continue", reason="仍适用"
    )
    with pytest.raises(RuleRefusal) as info:
        services.cleanup_close(campaign=campaign, by=officer)
    assert info.value.code == "undecided_documents"


def test_closing_applies_the_outcomes_and_publishes_the_lists(
    in_force, officer, county, county_drafter, drafter
):
    campaign = _open(officer, county, kind="regular", title="2026年常态化清理", scope={})
    outcomes = {
        in_force[0].pk: ("amend", "与新修订的行政处罚法不一致"),
        in_force[1].pk: ("repeal", "上位政策已调整"),
        in_force[2].pk: ("declare_invalid", "外商投资法施行后已不适用"),
        in_force[3].pk: ("continue", "符合上位法"),
        in_force[4].pk: ("continue", "仍需适用"),
    }
    for item in campaign.items.select_related("assignment__drafting_body"):
        by = county_drafter if item.assignment.drafting_body.unit == county else drafter
        services.cleanup_item_decide(
            item=item,
            by=by,
            outcome=outcomes[item.document_id][0],
            reason=outcomes[item.document_id][1],
        )
    services.cleanup_close(campaign=campaign, by=officer, published_on=date(2026, 5, 1))

    status = dict(NormativeDocument.objects.filter(pk__in=outcomes).values_list("pk", "status"))
    assert status[in_force[1].pk] == Status.REPEALED
    assert status[in_force[2].pk] == Status.DECLARED_INVALID
    assert status[in_force[0].pk] == Status.IN_FORCE  # until its amendment takes effect
    assert NormativeDocument.objects.get(pk=in_force[1].pk).ended_on == date(2026, 5, 1)
    successor = CleanupItem.objects.get(document=in_force[0]).successor
    assert successor.amends == in_force[0] and successor.status == Status.DRAFT

    results = selectors.cleanup_results(campaign=CleanupCampaign.objects.get(pk=campaign.pk))
    assert {k: len(v) for k, v in results.items()} == {
        "continue": 2,
        "amend": 1,
        "repeal": 1,
        "declare_invalid": 1,
    }
    in_force_now = set(selectors.documents_in_force().values_list("pk", flat=True))
    assert in_force[1].pk not in in_force_now and in_force[2].pk not in in_force_now
    assert {in_force[0].pk, in_force[3].pk, in_force[4].pk} <= in_force_now


def test_the_regular_cleanup_opens_two_years_after_the_last_one_and_only_once(
    in_force, officer, county
):
    services.cleanup_open(
        kind="regular", government=county, by="system", title="2021年清理", on=date(2021, 6, 1)
    )
    assert services.cleanup_open_regular_if_due(on=date(2023, 5, 31)) == []
    opened = services.cleanup_open_regular_if_due(on=date(2023, 6, 1))
    assert [c.opened_on for c in opened] == [date(2023, 6, 1)]
    assert opened[0].items.count() == 5
    assert services.cleanup_open_regular_if_due(on=date(2023, 6, 1)) == []
    assert services.cleanup_open_regular_if_due(on=date(2024, 1, 2)) == []
    assert len(services.cleanup_open_regular_if_due(on=date(2025, 6, 2))) == 1


def test_opening_a_campaign_costs_the_same_queries_for_many_documents_as_for_few(
    county_body, officials, officer, county
):
    from normdocs.models import NormativeDocument as Doc

    def bulk(count, start):
        Doc.objects.bulk_create(
            [
                Doc(
                    title=f"文件{i}",
                    drafting_body=county_body,
                    issuer_code="恰政",
                    status=Status.IN_FORCE,
                    number=f"恰政规〔2019〕{i}号",
                    published_on=date(2019, 1, 1),
                )
                for i in range(start, start + count)
            ]
        )

    bulk(5, 1)
    _open(officer, county, kind="special", scope={"keyword": "无"}, title="warm the caches")
    with CaptureQueriesContext(connection) as few:
        _open(officer, county, kind="regular", scope={}, title="少")
    bulk(400, 100)
    with CaptureQueriesContext(connection) as many:
        _open(officer, county, kind="dynamic", scope={"published_from": "2018-01-01"}, title="多")
    assert len(many) == len(few)


def test_the_regular_cleanup_opens_on_time_and_its_clocks_wait_for_an_unknown_holiday_notice(
    in_force, county
):
    services.cleanup_open(
        kind="regular", government=county, by="system", title="2021年清理", on=date(2021, 6, 1)
    )
    # No State Council holiday notice exists for 2100: the clocks wait, the cleanup does not.
    (campaign,) = services.cleanup_open_regular_if_due(on=date(2099, 12, 1))
    assert campaign.due_on is None
    clocks = Deadline.objects.filter(rule_key="normdocs.cleanup_review", awaiting_year=2100)
    assert clocks.count() == campaign.assignments.count() > 0
    assert CleanupCampaign.objects.filter(kind="regular").count() == 2

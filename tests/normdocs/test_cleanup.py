"""Cleanup campaigns (清理, 国办发〔2018〕37号 五(十八))."""

import hashlib
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from normdocs import selectors, services
from normdocs.models import CleanupCampaign, CleanupItem, NormativeDocument, Status
from normdocs.rules import RuleRefusal
from workflows.clocks.models import Deadline
from workflows.record.models import Event

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


def _scope_size(campaign):
    return selectors.cleanup_documents(campaign).count()


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
        for item in selectors.cleanup_entries(campaign)
    }
    assert items == {in_force[0].pk: county_body, in_force[3].pk: bureau_body}
    clocks = Deadline.objects.filter(rule_key="normdocs.cleanup_review")
    assert {d.responsible_unit for d in clocks} == {county, justice_bureau}
    assert all(d.due == campaign.due_on for d in clocks)


def test_scope_by_issuer_dates_and_explicit_list(in_force, officer, county, bureau_body):
    assert _scope_size(_open(officer, county, scope={"drafting_bodies": [bureau_body.pk]})) == 2
    assert _scope_size(_open(officer, county, scope={"published_from": "2023-01-01"})) == 0
    explicit = _open(officer, county, scope={"documents": [in_force[1].pk, in_force[2].pk]})
    assert _scope_size(explicit) == 2


def test_a_joint_document_is_reviewed_by_its_lead_body(
    in_force, officer, county, county_body, bureau_body
):
    in_force[0].co_drafting_bodies.add(bureau_body)
    campaign = _open(officer, county, scope={"documents": [in_force[0].pk]})
    (item,) = selectors.cleanup_entries(campaign)
    assert item.assignment.drafting_body == county_body


def test_only_the_drafting_body_decides_its_items_and_every_outcome_needs_a_reason(
    in_force, officer, county, drafter, county_drafter
):
    campaign = _open(officer, county, scope={"documents": [in_force[0].pk]})
    (item,) = selectors.cleanup_entries(campaign)
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
        item=selectors.cleanup_entries(campaign)[0],
        by=county_drafter,
        outcome="continue",
        reason="仍适用",
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
    for item in selectors.cleanup_entries(campaign):
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
    assert _scope_size(opened[0]) == 5
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


def test_the_opening_record_counts_the_documents_in_scope_and_seals_their_list(
    in_force, officer, county
):
    campaign = _open(officer, county, scope={"keyword": "行政处罚法"})
    opened = Event.objects.get(action="normdoc.cleanup.opened", payload__title=campaign.title)
    ids = sorted(selectors.cleanup_documents(campaign).values_list("pk", flat=True))
    assert ids == sorted([in_force[0].pk, in_force[3].pk])
    assert opened.payload["items"] == 2
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()
    assert opened.payload["documents_sha256"] == digest


def test_the_scope_is_fixed_at_opening_and_every_document_is_listed_decided_or_not(
    in_force, officer, county, county_body, county_drafter, officials
):
    """37号 五(十八): the campaign reviews the documents in force when it opens; one entering
    force later is not in it, and cannot be decided there."""
    campaign = _open(officer, county, kind="regular", title="2026年常态化清理", scope={})
    # One row per drafting body, none per document, until a verdict is entered.
    assert campaign.assignments.count() == 2 and not CleanupItem.objects.exists()
    later = services.normdoc_import_published(
        by=officials["publisher"],
        drafting_body=county_body,
        title="乌恰县后来施行的办法",
        number="恰政规〔2026〕9号",
        published_on=date(2026, 3, 10),
    )
    assert later.status == Status.IN_FORCE
    entries = selectors.cleanup_entries(campaign)
    assert [e.document_id for e in entries] == sorted(d.pk for d in in_force)
    assert {e.status for e in entries} == {CleanupItem.Status.UNDECIDED}
    assert all(e.pk is None for e in entries)
    with pytest.raises(RuleRefusal) as info:
        services.cleanup_item_decide(
            campaign=campaign, document=later, by=county_drafter, outcome="continue", reason="x"
        )
    assert info.value.code == "not_in_cleanup_scope"

    services.cleanup_item_decide(
        campaign=campaign, document=in_force[0], by=county_drafter, outcome="amend", reason="改"
    )
    # Revisable while the campaign is open: one verdict row per document, the latest verdict.
    services.cleanup_item_decide(
        campaign=campaign, document=in_force[0], by=county_drafter, outcome="continue", reason="留"
    )
    verdict = CleanupItem.objects.get()
    assert (verdict.document_id, verdict.outcome, verdict.status) == (
        in_force[0].pk,
        "continue",
        CleanupItem.Status.DECIDED,
    )
    entries = {e.document_id: e for e in selectors.cleanup_entries(campaign)}
    assert entries[in_force[0].pk].pk == verdict.pk and len(entries) == 5
    assert entries[in_force[1].pk].status == CleanupItem.Status.UNDECIDED
    assert services.cleanup_undecided_count(campaign) == 4
    # A document leaving force meanwhile stays in the scope, as it was when the campaign opened.
    services.normdoc_repeal(
        document=in_force[4], by=officials["publisher"], on=date(2026, 4, 1), reason="废止"
    )
    assert _scope_size(campaign) == 5


def test_a_closed_campaign_refuses_a_verdict(in_force, officer, county, county_drafter):
    campaign = _open(officer, county, scope={"documents": [in_force[0].pk]})
    (item,) = selectors.cleanup_entries(campaign)
    services.cleanup_item_decide(item=item, by=county_drafter, outcome="continue", reason="仍适用")
    services.cleanup_close(campaign=campaign, by=officer, published_on=date(2026, 5, 1))
    with pytest.raises(RuleRefusal) as info:
        services.cleanup_item_decide(
            campaign=campaign, document=in_force[0], by=county_drafter, outcome="repeal", reason="x"
        )
    assert info.value.code == "campaign_closed"


@pytest.mark.django_db(transaction=True)
def test_migration_0006_keeps_the_verdicts_and_fills_each_share_with_its_documents(
    in_force, officer, county, county_drafter
):
    """Existing items become the shares' snapshots; verdict rows stay, undecided rows go (and
    come back when the migration is reversed)."""
    from django.db.migrations.executor import MigrationExecutor

    campaign = _open(officer, county, scope={"documents": [in_force[0].pk, in_force[1].pk]})
    verdict = services.cleanup_item_decide(
        campaign=campaign, document=in_force[0], by=county_drafter, outcome="repeal", reason="废"
    )
    before = ("normdocs", "0005_item_refers_to_assignment_of_its_campaign")
    after = ("normdocs", "0006_cleanup_scope_snapshot_verdict_rows")

    try:
        executor = MigrationExecutor(connection)
        executor.migrate([before])
        items = MigrationExecutor(connection).loader.project_state([before]).apps
        rows = items.get_model("normdocs", "CleanupItem").objects.order_by("document_id")
        assert [(r.document_id, r.status) for r in rows] == [
            (in_force[0].pk, "decided"),
            (in_force[1].pk, "undecided"),
        ]
        MigrationExecutor(connection).migrate([after])

        assert campaign.assignments.get().documents == [in_force[0].pk, in_force[1].pk]
        assert list(CleanupItem.objects.values_list("pk", "outcome")) == [(verdict.pk, "repeal")]
        entries = selectors.cleanup_entries(campaign)
        assert [(e.document_id, e.status) for e in entries] == [
            (in_force[0].pk, "decided"),
            (in_force[1].pk, "undecided"),
        ]
    finally:
        # Leave the schema as every later migration made it, whatever happened above: going
        # back to 0005 unapplied the decisions migrations that depend on normdocs too, and the
        # tests that follow need all of them.
        latest = MigrationExecutor(connection)
        latest.migrate(latest.loader.graph.leaf_nodes())

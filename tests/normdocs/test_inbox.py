"""The human steps of normative documents appear in the same inbox as decision tasks (issue 5 §2):
each only to the people the step's service accepts, gone once the step is done."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from normdocs import selectors, services
from normdocs.inbox import normdoc_inbox_items
from normdocs.models import Filing, LegalityReview
from workflows.clocks.models import Deadline
from workflows.inbox import inbox_items_for_user

from .conftest import CHECKLIST, submit_complete

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return [item.kind for item in normdoc_inbox_items(user)]


def item(user, kind: str):
    (found,) = [i for i in normdoc_inbox_items(user) if i.kind == f"normdocs.{kind}"]
    return found


def running_due(subject_id, rule_key) -> date:
    return Deadline.objects.get(
        object_id=str(subject_id), rule_key=rule_key, status__in=Deadline.RUNNING
    ).due


@pytest.fixture
def township_people(make_person, township):
    """The same roles, granted for the township only: they must see none of 司法局's steps."""
    return make_person(
        "township_everything",
        township,
        drafter=[township],
        legal_advisor=[township],
        meeting_secretary=[township],
        unit_head=[township],
        principal=[township],
        publisher=[township],
        filing_reviewer=[township],
    )


@pytest.fixture
def draft(bureau_body, drafter):
    return services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局法律援助工作规则"
    )


def _submit(document, drafter):
    from datetime import timedelta

    return submit_complete(document=document, by=drafter, on=date.today() - timedelta(days=40))


def _conclude(review, officials, outcome=LegalityReview.Outcome.LAWFUL):
    return services.legality_review_conclude(
        review=review,
        by=officials["advisor"],
        outcome=outcome,
        opinion="经审核，符合法律规定",
        checklist=CHECKLIST,
    )


def test_a_draft_under_review_is_offered_to_the_legal_advisors_of_its_drafting_unit_only(
    draft, drafter, officials, township_people
):
    review = _submit(draft, drafter)
    offered = item(officials["advisor"], "legality_review")
    assert offered.due == running_due(draft.pk, "normdocs.legality_review") == review.due_on
    assert offered.url == reverse("normdocs:register:detail", args=[draft.pk])
    assert offered.subject == draft.title
    assert "normdocs.legality_review" not in kinds(township_people)
    assert "normdocs.legality_review" not in kinds(drafter)

    _conclude(review, officials)
    assert "normdocs.legality_review" not in kinds(officials["advisor"])
    assert "normdocs.send_to_deliberation" in kinds(drafter)
    assert "normdocs.send_to_deliberation" not in kinds(township_people)


def test_amendments_asked_by_the_review_wait_for_the_drafter_until_recorded(
    draft, drafter, officials, township_people
):
    review = _conclude(_submit(draft, drafter), officials, LegalityReview.Outcome.NEEDS_AMENDMENT)
    assert kinds(drafter) == ["normdocs.amendments"]
    assert kinds(township_people) == []
    services.legality_review_amendments_record(review=review, by=drafter, note="删除第五条")
    assert kinds(drafter) == ["normdocs.send_to_deliberation"]
    services.normdoc_send_to_deliberation(document=draft, by=drafter)
    assert kinds(drafter) == []


def test_deliberation_registration_and_publication_go_to_their_own_people_in_turn(
    draft, drafter, drive, officials, township_people
):
    drive(draft, "deliberation", drafter=drafter)
    secretary, publisher = officials["secretary"], officials["publisher"]
    assert "normdocs.deliberation" in kinds(secretary)
    assert "normdocs.register" not in kinds(publisher)
    assert kinds(township_people) == []

    services.normdoc_deliberate(
        document=draft,
        by=secretary,
        meeting_kind="office_meeting",
        meeting_on=date.today(),
        adopted=True,
    )
    assert "normdocs.deliberation" not in kinds(secretary)
    assert kinds(publisher) == ["normdocs.register"]

    services.normdoc_register(document=draft, by=publisher)
    assert kinds(publisher) == ["normdocs.publish"]
    assert kinds(township_people) == []

    services.normdoc_publish(document=draft, by=publisher, immediate_reason="配合法律援助条例施行")
    assert "normdocs.publish" not in kinds(publisher)


@pytest.fixture
def filing(draft, drafter, drive):
    drive(draft, "published", drafter=drafter, immediate_reason="配合法律援助条例施行")
    return Filing.objects.get(document=draft)


def test_the_filing_waits_for_the_issuer_then_for_the_receiving_governments_reviewers_only(
    filing, officials, township_people, county
):
    publisher, reviewer = officials["publisher"], officials["filing_reviewer"]
    submit = item(publisher, "filing_submit")
    assert submit.due == running_due(filing.pk, "normdocs.filing") == filing.due_on
    assert "normdocs.filing_submit" not in kinds(township_people)
    assert "normdocs.filing_review" not in kinds(reviewer)

    services.filing_submit(filing=filing, by=publisher, received_on=date.today())
    assert "normdocs.filing_submit" not in kinds(publisher)
    review = item(reviewer, "filing_review")
    assert review.unit == county.name
    assert review.due == running_due(filing.pk, "normdocs.filing_review")
    # A filing reviewer of another government is not asked: 令第218号, the receiving government.
    assert "normdocs.filing_review" not in kinds(township_people)

    services.filing_accept(filing=filing, by=reviewer, opinion="材料齐全")
    assert "normdocs.filing_review" not in kinds(reviewer)


def test_a_filing_returned_for_completion_goes_back_to_the_issuer(filing, officials):
    services.filing_submit(filing=filing, by=officials["publisher"], received_on=date.today())
    services.filing_return(filing=filing, by=officials["filing_reviewer"], missing="缺少起草说明")
    assert kinds(officials["publisher"]) == ["normdocs.filing_submit"]
    assert kinds(officials["filing_reviewer"]) == []


def test_a_correction_requested_waits_for_the_issuer_with_its_deadline_until_done(
    filing, drafter, officials, township_people
):
    services.filing_submit(filing=filing, by=officials["publisher"], received_on=date.today())
    services.filing_request_correction(
        filing=filing, by=officials["filing_reviewer"], problem="第三条增设了许可条件"
    )
    correction = item(drafter, "filing_correction")
    assert correction.due == running_due(filing.pk, "normdocs.filing_correction")
    assert "normdocs.filing_correction" not in kinds(township_people)
    assert "normdocs.filing_review" not in kinds(officials["filing_reviewer"])

    services.filing_issuer_amend(filing=filing, by=drafter)
    assert "normdocs.filing_correction" not in kinds(drafter)


@pytest.fixture
def in_force(bureau_body, township_body, officials):
    def make(body, title, number):
        return services.normdoc_import_published(
            by=officials["publisher"],
            drafting_body=body,
            title=title,
            number=number,
            published_on=date(2022, 5, 10),
        )

    return [
        make(bureau_body, "乌恰县司法局人民调解工作规则", "恰司规〔2022〕1号"),
        make(bureau_body, "乌恰县司法局社区矫正工作细则", "恰司规〔2022〕2号"),
        make(township_body, "吾合沙鲁乡村规民约管理办法", "恰吾乡规〔2022〕1号"),
    ]


def test_a_cleanup_waits_for_each_drafting_body_then_for_the_legal_affairs_officer(
    in_force, county, drafter, officials, make_person, township
):
    bureau_docs = in_force[:2]
    campaign = services.cleanup_open(
        kind="special",
        government=county,
        by=officials["advisor"],
        title="司法行政类文件专项清理",
        scope={"documents": [d.pk for d in bureau_docs]},
        on=date(2026, 3, 2),  # inside the years whose holidays are announced
    )
    review = item(drafter, "cleanup")
    assignment = campaign.assignments.get()
    assert review.due == running_due(assignment.pk, "normdocs.cleanup_review") == assignment.due_on
    assert review.url == reverse("normdocs:register:cleanup", args=[campaign.pk])
    assert "2" in review.title  # two of the body's documents await an outcome
    township_drafter = officials["township_drafter"]
    assert "normdocs.cleanup" not in kinds(township_drafter)
    assert "normdocs.cleanup_close" not in kinds(officials["advisor"])

    for cleanup_item in selectors.cleanup_entries(campaign):
        services.cleanup_item_decide(
            item=cleanup_item, by=drafter, outcome="continue", reason="仍符合上位法"
        )
    assert "normdocs.cleanup" not in kinds(drafter)
    assert "normdocs.cleanup_close" in kinds(officials["advisor"])
    township_advisor = make_person("township_advisor", township, legal_advisor=[township])
    assert "normdocs.cleanup_close" not in kinds(township_advisor)

    services.cleanup_close(campaign=campaign, by=officials["advisor"])
    assert "normdocs.cleanup_close" not in kinds(officials["advisor"])


def test_a_document_near_expiry_asks_the_issuers_head_for_a_renewal_decision(
    county_body, officials, make_person, township
):
    document = services.normdoc_import_published(
        by=officials["publisher"],
        drafting_body=county_body,
        title="乌恰县城乡居民最低生活保障办法",
        number="恰政规〔2021〕3号",
        published_on=date(2021, 12, 20),
    )
    assert "normdocs.renewal" not in kinds(officials["head"])
    services.validity_sweep(on=date(2026, 11, 19))
    renewal = item(officials["head"], "renewal")
    assert renewal.due == date(2026, 12, 19)  # the last day of the validity period
    township_head = make_person("township_head", township, unit_head=[township])
    assert "normdocs.renewal" not in kinds(township_head)

    services.normdoc_renew(
        document=document,
        by=officials["head"],
        decision_reference="县政府第12次常务会议纪要",
        reason="评估后仍需适用",
        on=date(2026, 11, 20),
    )
    assert "normdocs.renewal" not in kinds(officials["head"])


def test_the_source_costs_one_query_for_thirty_items_as_for_one(
    bureau_body, drafter, officials, django_assert_num_queries
):
    advisor = officials["advisor"]

    def start_review(n):
        document = services.normdoc_create(
            by=drafter, drafting_body=bureau_body, title=f"乌恰县司法局第{n}号工作规则"
        )
        _submit(document, drafter)

    start_review(0)
    normdoc_inbox_items(advisor)  # warm the content-type cache
    with django_assert_num_queries(1):
        assert len(normdoc_inbox_items(advisor)) == 1
    for n in range(1, 30):
        start_review(n)
    with django_assert_num_queries(1):
        assert len(normdoc_inbox_items(advisor)) == 30


def test_the_inbox_page_shows_a_decision_task_and_a_normdoc_step_to_the_same_person(
    draft, drafter, officials, justice_bureau
):
    from decisions.services.start import decision_start

    decision_start(
        by=drafter,
        lead_unit=justice_bureau,
        title="关于调整法律援助补贴标准的决定",
        problem="补贴标准十年未调整。",
        legal_basis=["《中华人民共和国法律援助法》"],
        out_of_catalogue_reason="上级部署的临时事项",
    )
    _conclude(_submit(draft, drafter), officials, LegalityReview.Outcome.NEEDS_AMENDMENT)
    assert {i.kind for i in inbox_items_for_user(user=drafter)} == {"task", "normdocs.amendments"}

    client = Client()
    client.force_login(drafter)
    response = client.get(reverse("workbench:inbox:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kind="task"' in html
    assert 'data-kind="normdocs.amendments"' in html
    assert reverse("normdocs:register:detail", args=[draft.pk]) in html
    assert "关于调整法律援助补贴标准的决定" in html  # the task names the decision it is about

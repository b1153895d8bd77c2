"""The legality review as 《重大行政决策程序暂行条例》第二十五条至第二十八条 give it: the review office
(the county's 司法局) reviews, never a person who drafted; the submitting unit leaves it at least
7 working days (第二十六条, a minimum owed to the reviewer, counted on the holiday calendar); an
incomplete submission is returned for supplement (退回补充); the opinion is issued, numbered per
office and year, in the office's name once its head approves (合法性审查意见书).

Every test sets its date: the suite runs on Monday 2026-06-15 10:00 Asia/Shanghai unless it
travels (tests/conftest.py ``clock``/``travel_to``). In June 2026 the Dragon Boat Festival
(6月19日–21日) is a holiday, so from that Monday the 7th working day is Thursday 6月25日.
"""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from docx import Document

from decisions import services as s
from decisions.flows import DecisionFlow
from decisions.models import LegalityReview, Stage
from decisions.opinion import legality_opinion_docx
from decisions.services.review import legality_review_actors
from workflows.clocks.models import Deadline
from workflows.clocks.services import deadlines_mark_overdue
from workflows.record.models import Event
from workflows.tasking import task_complete

from .conftest import Driver
from .test_flow import open_task, posted

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at_review(drive):
    """A decision of 司法局 at the legality review stage (consulted and assessed)."""
    d = drive.initiate()
    drive.consult(d)
    drive.assess(d)
    assert d.stage == Stage.LEGALITY_REVIEW
    return d


def submit(d, people, **kwargs):
    return s.legality_review_submit(
        decision=d, by=people["drafter"], procedures_account="已公开征求意见、风险评估", **kwargs
    )


def refused(code, service, **kwargs):
    with pytest.raises(ValidationError) as info:
        service(**kwargs)
    assert info.value.code == code, info.value
    return info.value


def clock_of(review) -> Deadline:
    return Deadline.objects.get(pk=review.deadline_id)


# --- who reviews (第二十五条) --------------------------------------------------------------------


def test_the_review_is_offered_to_the_review_office_and_its_clock_reminds_its_advisors(
    drive, people
):
    d = at_review(drive)
    review = submit(d, people, opinion_needed_by=date(2026, 6, 25))
    assert review.review_office == people["bureau"]  # the county's review office: 司法局
    clock = clock_of(review)
    assert (clock.responsible_unit, clock.responsible_role) == (people["bureau"], "legal_advisor")
    assert legality_review_actors(d) == ("legal_advisor", people["bureau"])


def test_a_lead_units_own_legal_advisor_cannot_conclude_the_review(
    people, make_person, county, legal_advisor
):
    from workflows.models import Unit
    from workflows.services import unit_ensure

    fgw = unit_ensure(
        name="乌恰县发展和改革委员会",
        kind=Unit.Kind.DEPARTMENT,
        issuer_code="恰发改",
        parent=county,
    )[0]
    fgw_drafter = make_person("fgw_drafter", fgw, drafter=[fgw])
    fgw_advisor = make_person("fgw_advisor", fgw, legal_advisor=[fgw])
    item = s.catalogue_item_create(
        by=legal_advisor, government=county, year=2024, title="城区停车收费", lead_unit=fgw
    )
    s.catalogue_party_consent_record(  # 第三条
        by=legal_advisor,
        government=county,
        year=2024,
        consented_by="中共乌恰县委常委会",
        consented_on=date(2024, 1, 10),
        reference="县委常委会2024年第1次会议",
    )
    item = s.catalogue_item_publish(item=item, by=legal_advisor)
    drive = Driver({**people, "bureau": fgw, "drafter": fgw_drafter}, item)
    d = at_review(drive)
    review = s.legality_review_submit(
        decision=d, by=fgw_drafter, procedures_account="已完成", opinion_needed_by=date(2026, 6, 25)
    )
    assert review.review_office == people["bureau"]  # 司法局, not the lead unit
    with pytest.raises(PermissionDenied):
        s.legality_review_complete(review=review, by=fgw_advisor, outcome="lawful", opinion="合法")
    # The review office's legal advisor concludes; its head approves.
    s.legality_review_complete(review=review, by=legal_advisor, outcome="lawful", opinion="合法")
    with pytest.raises(PermissionDenied):  # the lead unit's head is not the office's head
        s.legality_review_approve(review=review, by=make_person("fgw_head", fgw, unit_head=[fgw]))
    s.legality_review_approve(review=review, by=people["review_head"])
    d.refresh_from_db()
    assert d.stage == Stage.PACKAGE


def test_whoever_drafted_or_submitted_never_reviews_nor_approves(drive, people, make_person):
    bureau = people["bureau"]
    # A 司法局 official who is also one of its legal advisors and wrote a version of the draft.
    writer = make_person("writer", bureau, drafter=[bureau], legal_advisor=[bureau])
    d = drive.initiate()
    s.decision_draft_save(
        decision=d, by=writer, draft_text="第一条 城区居民供热价格调整为每平方米21元。"
    )
    drive.consult(d)
    drive.assess(d)
    review = submit(d, people, opinion_needed_by=date(2026, 6, 25))
    refused(
        "reviewer_drafted",
        s.legality_review_complete,
        review=review,
        by=writer,
        outcome="lawful",
        opinion="合法",
    )
    # The submitter, were they a legal advisor and the head of the office too.
    drafter = make_person("drafter", bureau, legal_advisor=[bureau], unit_head=[bureau])
    assert drafter == people["drafter"]
    refused(
        "reviewer_drafted",
        s.legality_review_complete,
        review=review,
        by=drafter,
        outcome="lawful",
        opinion="合法",
    )
    s.legality_review_complete(
        review=review, by=people["legal_advisor"], outcome="lawful", opinion="合法"
    )
    refused("reviewer_drafted", s.legality_review_approve, review=review, by=drafter)
    assert LegalityReview.objects.get(pk=review.pk).status == "awaiting_approval"


def test_the_submission_is_refused_when_the_government_names_no_review_office(drive, people):
    d = at_review(drive)
    county = people["county"]
    county.review_office = None
    county.save(update_fields=["review_office"])
    d.refresh_from_db()
    refused("no_review_office", submit, d=d, people=people)
    assert not d.legality_reviews.exists()


# --- 第二十六条: at least 7 working days, owed to the reviewer ---------------------------------


def test_six_working_days_are_refused_and_seven_accepted(drive, people):
    d = at_review(drive)
    # Monday 6月15日; 6月19日–21日 Dragon Boat Festival. 6月24日 is the 6th working day (and
    # 9 calendar days on: a count in calendar days would accept it).
    error = refused(
        "review_time_too_short", submit, d=d, people=people, opinion_needed_by=date(2026, 6, 24)
    )
    assert error.params["earliest"] == date(2026, 6, 25)
    assert not d.legality_reviews.exists()
    review = submit(d, people, opinion_needed_by=date(2026, 6, 25))
    assert (review.opinion_needed_by, review.minimum_on) == (date(2026, 6, 25), date(2026, 6, 25))
    assert review.short_time_reason == "" and review.minimum_unchecked_year is None


@pytest.mark.parametrize(
    "submitted_on, needed_by",
    [
        # Golden Week: 10月1日–7日 off. 8 calendar days after 9月30日, but 1 working day.
        (date(2026, 9, 30), date(2026, 10, 8)),
        # Spring Festival: 2月15日–23日 off, Saturday 2月14日 a make-up working day. 11 calendar
        # days after 2月13日, but 2 working days.
        (date(2026, 2, 13), date(2026, 2, 24)),
    ],
)
def test_a_holiday_week_does_not_count_as_review_time(
    drive, people, travel_to, submitted_on, needed_by
):
    travel_to(submitted_on)
    d = at_review(drive)
    assert (needed_by - submitted_on).days >= 7
    refused("review_time_too_short", submit, d=d, people=people, opinion_needed_by=needed_by)


def test_a_shorter_time_is_accepted_with_its_reason_recorded(drive, people):
    d = at_review(drive)
    review = submit(
        d, people, opinion_needed_by=date(2026, 6, 18), short_time_reason="防汛应急，须提前上会"
    )
    assert review.short_time_reason == "防汛应急，须提前上会"
    assert review.due_on == date(2026, 6, 18) == clock_of(review).due
    event = Event.objects.filter(action="decision.legality_review_submitted").latest("pk")
    assert event.payload["short_time_reason"] == "防汛应急，须提前上会"
    assert event.payload["minimum_on"] == "2026-06-25"


def test_the_opinion_cannot_be_needed_before_the_submission(drive, people):
    d = at_review(drive)
    refused(
        "needed_by_before_submission",
        submit,
        d=d,
        people=people,
        opinion_needed_by=date(2026, 6, 12),
        short_time_reason="紧急",
    )


def test_the_reviewer_may_conclude_early_and_is_not_overdue_before_the_needed_by_date(
    drive, people, travel_to
):
    d = at_review(drive)
    review = submit(d, people, opinion_needed_by=date(2026, 7, 3))
    clock = clock_of(review)
    # The clock runs to the date the opinion is needed by, not to the 7th working day.
    assert clock.due == date(2026, 7, 3) and clock.rule_key == "decision.legality_review"
    assert "第二十六条" in clock.legal_source
    assert deadlines_mark_overdue(today=date(2026, 7, 3)) == []  # 6月25日 passed: not overdue
    clock.refresh_from_db()
    assert clock.status == Deadline.Status.OPEN
    travel_to(date(2026, 6, 17))  # day 2
    s.legality_review_complete(
        review=review, by=people["legal_advisor"], outcome="lawful", opinion="合法"
    )
    s.legality_review_approve(review=review, by=people["review_head"])
    clock.refresh_from_db()
    assert clock.status == Deadline.Status.MET
    d.refresh_from_db()
    assert d.stage == Stage.PACKAGE


def test_the_clock_is_overdue_only_after_the_needed_by_date(drive, people):
    d = at_review(drive)
    review = submit(d, people, opinion_needed_by=date(2026, 6, 25))
    assert deadlines_mark_overdue(today=date(2026, 6, 25)) == []
    assert deadlines_mark_overdue(today=date(2026, 6, 26)) == [review.deadline_id]


def test_a_minimum_reaching_an_unknown_year_is_recorded_unchecked_and_never_blocks(
    drive, people, travel_to
):
    # Monday 12月28日: the 7th working day falls in 2027, whose holiday notice is not entered
    # (the suite's calendar ends with 2026).
    travel_to(date(2026, 12, 28))
    d = at_review(drive)
    review = submit(d, people, opinion_needed_by=date(2027, 1, 8))
    assert review.minimum_on is None and review.minimum_unchecked_year == 2027
    assert review.opinion_needed_by == date(2027, 1, 8) == clock_of(review).due
    event = Event.objects.filter(action="decision.legality_review_submitted").latest("pk")
    assert event.payload["minimum_unchecked_awaiting_year"] == 2027


# --- 退回补充 (第二十六条) ---------------------------------------------------------------------


def test_a_return_for_supplement_stops_the_clock_and_sends_the_drafter_back(
    at_legality_review, people
):
    process, d = at_legality_review
    advisor = people["legal_advisor"]
    first = s.latest_review(d)
    task = open_task(process, "legality_review")
    with pytest.raises(Exception) as info:  # "other" needs its description
        task_complete(
            task=task, user=advisor, action="return", data=posted("return", {"missing": ["other"]})
        )
    assert info.value.service_error.code == "return_other_unexplained"
    task_complete(
        task=task,
        user=advisor,
        action="return",
        data=posted("return", {"missing": ["expert_opinions", "other"], "note": "缺少听证笔录"}),
    )
    first.refresh_from_db()
    assert first.status == LegalityReview.Status.RETURNED
    assert first.returned_missing == ["expert_opinions", "other"]
    assert clock_of(first).status == Deadline.Status.WAIVED
    d.refresh_from_db()
    assert d.stage == Stage.LEGALITY_REVIEW  # the stage stays; the drafter submits again
    resubmit = open_task(process, "submit_legality")
    task_complete(
        task=resubmit,
        user=people["drafter"],
        action="submit",
        data=posted(
            "submit",
            {
                "procedures_account": "已补充专家论证意见和听证笔录",
                "opinion_needed_by": "2026-06-26",
            },
        ),
    )
    second = s.latest_review(d)
    assert second.pk != first.pk and second.status == LegalityReview.Status.SUBMITTED
    assert clock_of(second).status == Deadline.Status.OPEN and clock_of(second).due == date(
        2026, 6, 26
    )
    assert open_task(process, "legality_review")


def test_the_head_sends_the_opinion_back_and_approves_the_second_one(at_legality_review, people):
    process, d = at_legality_review
    advisor, head = people["legal_advisor"], people["review_head"]

    def complete(node, user, action, data):
        task_complete(
            task=open_task(process, node), user=user, action=action, data=posted(action, data)
        )

    complete("legality_review", advisor, "review", {"outcome": "lawful", "opinion": "合法"})
    complete("approve_legality", head, "send_back", {"note": "请核对上位法依据"})
    assert s.latest_review(d).status == LegalityReview.Status.SUBMITTED
    complete(
        "legality_review",
        advisor,
        "review",
        {"outcome": "lawful_with_amendments", "opinion": "基本合法", "amendments": "删除第三条"},
    )
    complete("approve_legality", head, "approve", {"confirm": "on"})
    review = s.latest_review(d)
    assert review.status == LegalityReview.Status.COMPLETED and review.approved_by == head
    assert open_task(process, "package_check")
    assert not process.task_set.filter(flow_task=DecisionFlow.draft, status="NEW").exists()


# --- 合法性审查意见书 (第二十八条) ---------------------------------------------------------------


def reviewed(drive, people, *, approved_at=None, travel_to=None):
    d = at_review(drive)
    review = submit(d, people)
    s.legality_review_complete(
        review=review, by=people["legal_advisor"], outcome="lawful", opinion="合法"
    )
    if approved_at is not None:
        travel_to(approved_at)
    return s.legality_review_approve(review=review, by=people["review_head"])


def test_opinions_are_numbered_per_office_and_year_without_gaps(drive, people, travel_to):
    numbers = [reviewed(drive, people).opinion_number for _ in range(3)]
    assert numbers == ["恰司审〔2026〕1号", "恰司审〔2026〕2号", "恰司审〔2026〕3号"]
    # A new year starts again at 1 (the year of the approval, in Asia/Shanghai).
    travel_to(datetime(2026, 12, 31, 9, 0, tzinfo=SHANGHAI))
    d = at_review(drive)
    review = submit(d, people, opinion_needed_by=date(2027, 1, 12))
    s.legality_review_complete(
        review=review, by=people["legal_advisor"], outcome="lawful", opinion="合法"
    )
    # 00:30 on 1 January in Urumqi-by-Beijing-time is still 31 December in UTC.
    travel_to(datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI))
    review = s.legality_review_approve(review=review, by=people["review_head"])
    assert review.opinion_number == "恰司审〔2027〕1号"


def test_nothing_moves_until_the_head_approves(drive, people):
    d = at_review(drive)
    review = submit(d, people)
    s.legality_review_complete(
        review=review, by=people["legal_advisor"], outcome="lawful", opinion="合法"
    )
    d.refresh_from_db()
    review.refresh_from_db()
    assert d.stage == Stage.LEGALITY_REVIEW and review.opinion_number == ""
    assert clock_of(review).status == Deadline.Status.OPEN
    with pytest.raises(PermissionDenied):  # a legal advisor does not approve
        s.legality_review_approve(review=review, by=people["legal_advisor"])
    with pytest.raises(ValidationError):
        legality_opinion_docx(review)


def test_the_opinion_docx_names_its_number_version_and_local_date(drive, people, travel_to, client):
    # Approved at 07:30 on 6月16日 in Asia/Shanghai: 23:30 on 6月15日 in UTC.
    review = reviewed(
        drive,
        people,
        approved_at=datetime(2026, 6, 16, 7, 30, tzinfo=SHANGHAI),
        travel_to=travel_to,
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(legality_opinion_docx(review))).paragraphs)
    version = review.draft_version
    assert "合法性审查意见书" in text and review.opinion_number in text
    assert f"第{version.number}版" in text and version.sha256 in text
    assert review.decision.title in text and "乌恰县司法局" in text
    assert "2026年6月16日" in text and "2026-06-16 07:30" in text
    assert "6月15日" not in text.split("收悉")[1]  # no UTC date after the heading
    # Downloaded from the decision's page by who may see the decision; 404 for others.
    url = reverse("decisions:register:legality_opinion", args=[review.decision_id, review.pk])
    client.force_login(people["drafter"])
    page = client.get(reverse("decisions:register:detail", args=[review.decision_id]))
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response.content[:2] == b"PK"
    client.force_login(people["outsider"])
    assert client.get(url).status_code == 404


def test_the_review_record_names_the_opinion_and_the_version_reviewed(drive, people):
    review = reviewed(drive, people)
    event = Event.objects.filter(action="decision.legality_reviewed").latest("pk")
    assert event.payload["opinion_number"] == review.opinion_number
    assert event.payload["draft_sha256"] == review.draft_version.sha256
    assert event.payload["review_office"] == "乌恰县司法局"
    assert timedelta(0) <= review.completed_at - review.concluded_at


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_take_consecutive_numbers_without_gaps_or_duplicates(drive, people):
    import threading

    from django.db import connection

    count = 4
    reviews = []
    for _ in range(count):
        review = submit(at_review(drive), people)
        s.legality_review_complete(
            review=review, by=people["legal_advisor"], outcome="lawful", opinion="合法"
        )
        reviews.append(review)
    barrier = threading.Barrier(count)
    errors = []

    def approve(review):
        try:
            barrier.wait()
            s.legality_review_approve(review=review, by=people["review_head"])
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(r,)) for r in reviews]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    serials = LegalityReview.objects.filter(opinion_year=2026).values_list(
        "opinion_serial", flat=True
    )
    assert sorted(serials) == list(range(1, count + 1))

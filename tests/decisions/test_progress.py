"""The progress of a decision on its page (issue 18): the stages as a stepper — done with date
and person, the current one with its holder, due date and the legal source of its clock, the
ones still to come —, the process chart for whoever may see the decision, and the full-process
record one click away."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import get_resolver, reverse
from django.utils import translation
from viewflow.workflow.status import STATUS

from decisions.flows import DecisionFlow
from decisions.models import Stage
from decisions.progress import NODE_STAGE, decision_progress, stage_source
from decisions.rules.stages import STAGE_ORDER
from tests import stepper_template
from workflows.progress import CURRENT, DONE, NEXT, SKIPPED

from .test_screens import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def stepper_equals_template(monkeypatch):
    """Every stepper rendered here is also the template's (tests/stepper_template.py)."""
    return stepper_template.check(monkeypatch)


SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def detail(d):
    return reverse("decisions:register:detail", args=[d.pk])


def stage_html(body: str, key: str) -> str:
    """The ``<li>`` of the stepper for stage ``key``."""
    start = body.index(f'data-testid="progress-stage" data-stage="{key}"')
    following = body.find('data-testid="progress-stage"', start + 1)
    return body[start : following if following != -1 else body.index("</ol>", start)]


def states(progress) -> dict[str, str]:
    return {stage.key: stage.state for stage in progress.stages}


def chart_url(process) -> str:
    get_resolver().url_patterns  # noqa: B018 - builds the site, which names the flow's nodes
    return DecisionFlow.instance.reverse("process_chart", args=[process.pk])


def test_every_node_of_the_flow_belongs_to_a_stage_of_the_procedure():
    assert {node.name for node in DecisionFlow.instance.nodes()} <= set(NODE_STAGE)
    assert set(NODE_STAGE.values()) == set(STAGE_ORDER)


def test_a_new_decision_is_at_drafting_offered_to_the_lead_units_drafters_without_a_clock(
    drive, people, client
):
    scenario = Scenario(drive, people)
    progress = decision_progress(decision=scenario.d)
    assert states(progress) == {
        key: CURRENT if key == Stage.DRAFTING else NEXT for key in STAGE_ORDER
    }
    drafting = progress.stage(Stage.DRAFTING)
    with translation.override("zh-hans"):
        assert [h.offered_to for h in drafting.holders] == [[f"{people['bureau']} · 起草人"]]
    assert not drafting.holders[0].held and drafting.clocks == []
    assert drafting.source == "《重大行政决策程序暂行条例》第十二条、第十三条"

    client.force_login(people["drafter"])
    body = client.get(detail(scenario.d)).content.decode()
    current = stage_html(body, "drafting")
    assert 'aria-current="step"' in current and 'data-state="current"' in current
    assert 'data-testid="stage-no-clock"' in current
    assert str(people["bureau"]) in current
    assert body.count('aria-current="step"') == 1
    assert '<ol class="fz-stepper">' in body


def test_at_the_legality_review_the_stepper_shows_who_did_what_and_the_review_clock(
    drive, people, client, travel_to
):
    # Late on Sunday evening in UTC is Monday morning in Urumqi's official time (Beijing time).
    travel_to(datetime(2026, 6, 14, 23, 30, tzinfo=UTC))
    scenario = Scenario(drive, people)
    scenario.up_to("legality_review")
    d = scenario.d
    assert d.stage == Stage.LEGALITY_REVIEW

    progress = decision_progress(decision=d)
    assert states(progress) == {
        "drafting": DONE,
        "consultation": DONE,
        "disposition": DONE,
        "assessment": DONE,
        "legality_review": CURRENT,
        "package": NEXT,
        "meeting": NEXT,
        "amending": NEXT,
        "party_report": NEXT,
        "publication": NEXT,
        "archiving": NEXT,
        "archived": NEXT,
    }
    drafting = progress.stage("drafting")
    assert drafting.done_by == (people["drafter"].get_full_name() or people["drafter"].username)
    assert drafting.done_at.astimezone(SHANGHAI).date().isoformat() == "2026-06-15"

    review = progress.stage("legality_review")
    [holder] = review.holders
    assert not holder.held and len(holder.offered_to) == 1
    assert holder.offered_to[0].startswith(str(people["bureau"]))  # the review office
    [clock] = review.clocks
    assert clock.legal_source == "《重大行政决策程序暂行条例》第二十六条"
    # 7 working days (第二十六条) from Monday 2026-06-15, past the Dragon Boat Festival
    # (2026-06-19): 06-16, 17, 18, 22, 23, 24, 25.
    assert clock.due.isoformat() == "2026-06-25"

    client.force_login(people["legal_advisor"])
    body = client.get(detail(d)).content.decode()
    current = stage_html(body, "legality_review")
    assert 'aria-current="step"' in current
    assert 'data-due="2026-06-25"' in current and "2026-06-25" in current
    assert "《重大行政决策程序暂行条例》第二十六条" in current
    done = stage_html(body, "drafting")
    assert "2026-06-15" in done  # the date read in Asia/Shanghai, not UTC's 06-14
    assert 'data-testid="stage-done-by"' in done
    # The legal advisor may take the task: the stepper links it.
    assert holder.work == DecisionFlow.legality_review.task_title
    assert 'href="/decisions/decision/' in current


def test_the_holder_is_named_once_a_person_took_the_task(drive, people):
    scenario = Scenario(drive, people)
    scenario.up_to("legality_review")
    task = scenario.process.task_set.get(flow_task=DecisionFlow.legality_review, status=STATUS.NEW)
    with task.activation() as activation:
        activation.assign(people["legal_advisor"])
    [holder] = decision_progress(decision=scenario.d).stage("legality_review").holders
    assert holder.held
    name = people["legal_advisor"].get_full_name() or people["legal_advisor"].username
    assert holder.person == name


def test_a_clock_waiting_for_the_holiday_notice_says_so_on_the_stepper(
    drive, people, client, review_reaches_unknown_year
):
    scenario = Scenario(drive, people)
    scenario.up_to("legality_review")
    [clock] = decision_progress(decision=scenario.d).stage("legality_review").clocks
    next_year = clock.deadline.start.year + 1
    assert (clock.due, clock.awaiting_year) == (None, next_year)
    client.force_login(people["legal_advisor"])
    current = stage_html(client.get(detail(scenario.d)).content.decode(), "legality_review")
    assert 'data-testid="awaiting-notice"' in current
    assert f'data-awaiting="{next_year}"' in current
    assert f"{next_year}年" in current  # the waiting is said in words, in Chinese
    assert "《重大行政决策程序暂行条例》第二十六条" in current


def test_a_decision_not_disclosable_skips_the_public_comment_on_the_stepper(
    at_legality_review, people
):
    _process, d = at_legality_review
    progress = decision_progress(decision=d)
    assert progress.stage("consultation").state == SKIPPED
    assert progress.stage("disposition").state == SKIPPED
    assert "商业秘密" in str(progress.stage("consultation").note)
    assert progress.stage("drafting").state == DONE
    assert progress.stage("assessment").state == DONE


def test_after_the_meeting_adopts_it_the_amendments_are_not_needed_and_publication_is_current(
    drive, people, client
):
    scenario = Scenario(drive, people)
    scenario.up_to("publication")
    progress = decision_progress(decision=scenario.d)
    assert progress.stage("meeting").state == DONE
    assert progress.stage("amending").state == SKIPPED
    assert progress.stage("party_report").state == DONE
    assert progress.stage("party_report").done_by
    publication = progress.stage("publication")
    assert publication.state == CURRENT
    assert [h.offered_to for h in publication.holders][0][0].startswith(str(people["county"]))
    assert (
        publication.source
        == stage_source("publication")
        == "《重大行政决策程序暂行条例》第三十二条"
    )


def test_the_stepper_reads_in_chinese_with_english_available(drive, people, client):
    scenario = Scenario(drive, people)
    client.force_login(people["drafter"])
    body = client.get(detail(scenario.d), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "办理进度" in body and "当前环节" in body and "全过程记录" in body
    assert "法定时限" in body or "本环节无法定办理时限" in body
    with translation.override("en"):
        assert str(decision_progress(decision=scenario.d).stages[0].state_label) == "current stage"


def test_the_page_links_the_chart_and_the_full_process_record(drive, people, client):
    scenario = Scenario(drive, people)
    client.force_login(people["drafter"])
    body = client.get(detail(scenario.d)).content.decode()
    record = f"/record/decisions.decision/{scenario.d.pk}/"
    assert f'href="{record}" data-testid="record-link"' in body
    assert f'src="{chart_url(scenario.process)}"' in body
    assert client.get(record).status_code == 200


def test_the_chart_answers_a_drafter_who_sees_the_decision_and_not_an_outsider(
    drive, people, client
):
    scenario = Scenario(drive, people)
    url = chart_url(scenario.process)
    client.force_login(people["drafter"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in response.content
    assert "合法性审查".encode() in response.content  # the chart reads in the reader's language
    client.force_login(people["outsider"])
    assert client.get(url).status_code == 404
    assert client.get(chart_url(type(scenario.process)(pk=999_999))).status_code == 404


def test_opening_the_chart_opens_no_other_page_of_the_flow(drive, people, client):
    scenario = Scenario(drive, people)
    client.force_login(people["drafter"])
    base = "/decisions/decision"
    # The whole flow's chart, the process list and the task list stay with who reads all.
    assert client.get(f"{base}/chart/").status_code == 403
    assert client.get(f"{base}/flows/").status_code == 403
    client.force_login(people["archivist"])
    assert client.get(f"{base}/chart/").status_code == 200
    assert client.get(chart_url(scenario.process)).status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in_from_the_chart(drive, people, client):
    scenario = Scenario(drive, people)
    response = client.get(chart_url(scenario.process))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_rejected_decision_skips_the_amendments_the_party_report_and_the_publication(
    drive, people
):
    from decisions import services as s

    from .test_flow import do

    scenario = Scenario(drive, people)
    scenario.up_to("meeting")
    d = scenario.d

    def reject():
        meeting = drive.open_meeting(d)
        drive.statements(meeting, ["oppose", "oppose", "oppose", "oppose"])
        s.meeting_decide(
            meeting=meeting, by=people["secretary"], head_decision="reject", statement="不同意。"
        )
        s.session_conclude(session=meeting.item.session, by=people["secretary"])

    do(scenario.process, "meeting", people["secretary"], reject)
    d.refresh_from_db()
    progress = decision_progress(decision=d)
    assert d.stage == Stage.ARCHIVING
    assert progress.stage("meeting").state == DONE
    for key in ("amending", "party_report", "publication"):
        assert progress.stage(key).state == SKIPPED, key
    with translation.override("zh-hans"):
        assert str(progress.stage("publication").note) == "会议决定不予通过。"
    archiving = progress.stage("archiving")
    assert archiving.state == CURRENT
    with translation.override("zh-hans"):
        offers = [str(offer) for h in archiving.holders for offer in h.offered_to]
    assert offers == [f"{people['county']} · 档案员"]


def test_during_the_public_comment_the_period_runs_by_itself_until_its_closing_day(
    drive, people, client
):
    from datetime import timedelta

    from django.utils import timezone

    from decisions import services as s

    from .test_flow import do

    scenario = Scenario(drive, people)
    scenario.step("draft")
    d = scenario.d
    now = timezone.now()  # Monday 2026-06-15, 10:00 in Beijing time
    do(
        scenario.process,
        "open_consultation",
        people["drafter"],
        lambda: s.decision_consultation_open(
            decision=d, by=people["drafter"], opens_at=now, closes_at=now + timedelta(days=31)
        ),
    )
    d.refresh_from_db()
    consultation = decision_progress(decision=d).stage("consultation")
    assert consultation.state == CURRENT
    [timer] = consultation.holders
    assert not timer.held and timer.offered_to == []
    assert timer.work == DecisionFlow.wait_consultation.task_title
    [clock] = consultation.clocks
    assert clock.due.isoformat() == "2026-07-16"
    assert clock.legal_source == "《重大行政决策程序暂行条例》第十五条"

    client.force_login(people["drafter"])
    current = stage_html(client.get(detail(d)).content.decode(), "consultation")
    assert "系统自动计时" in current and 'data-due="2026-07-16"' in current
    assert "《重大行政决策程序暂行条例》第十五条" in current

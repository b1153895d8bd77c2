"""Real Chromium: a department's decision from the legality review to the 纪要 of the county's
numbered executive session (issue 16). 发改委 drafts (its early stages through the services, to
keep the test short); in the browser the drafter sends it to the review office with the date
the opinion is needed by, the 司法局's legal advisor prepares the opinion and the office head
approves the numbered 合法性审查意见书 (downloaded); the legal advisor checks another unit's
agenda item; the 政府办's secretary plans session N, puts the decision and the checked item on
its agenda, opens it with attendance (a member absent with the reason, the presenting unit's
head attending without a vote), the members speak on each item, the head speaks last, the
session concludes and its 纪要 downloads with the session's local time
(《重大行政决策程序暂行条例》第二十五条至第二十八条、第三十条). Assertions read data-testid
attributes, not labels."""

import io
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from decisions import services as s
from decisions.flows import DecisionFlow
from decisions.models import AgendaItem, Session
from workflows.tasking import task_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
RISK_OK = {
    name: {"level": "low", "risk_points": f"{name}风险点", "mitigations": f"{name}防范措施"}
    for name in ("social_stability", "public_safety", "ecological_environment", "economy")
}


def submit(page, action, scope=None):
    with page.expect_navigation():
        (scope or page).locator(f'[data-testid="submit-{action}"]').click()


def switch_user(page, login, user):
    page.context.clear_cookies()
    return login(user)


def open_task(page, live_server, decision, name):
    page.goto(f"{live_server.url}/decisions/register/{decision.pk}/")
    with page.expect_navigation():
        page.click(f'[data-testid="task-link"][data-task="{name}"]')
    assert page.get_by_test_id("decision-task").get_attribute("data-task") == name


def stage(decision):
    decision.refresh_from_db()
    return decision.stage


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def download(page, testid) -> bytes:
    with page.expect_download() as info:
        page.click(f'[data-testid="{testid}"]')
    path = info.value.path()
    with open(path, "rb") as handle:
        data = handle.read()
    assert zipfile.is_zipfile(io.BytesIO(data))
    return data


def step(process, name, user, service):
    task = process.task_set.get(
        flow_task=getattr(DecisionFlow, name), status__in=["NEW", "ASSIGNED"]
    )
    task_run(task=task, user=user, service=service)


@pytest.fixture
def county_people(make_person, county, justice_bureau, legal_advisor):
    from workflows.models import Unit
    from workflows.services import unit_ensure

    def department(name, code):
        return unit_ensure(name=name, kind=Unit.Kind.DEPARTMENT, issuer_code=code, parent=county)[0]

    fgw = department("乌恰县发展和改革委员会", "恰发改")
    housing = department("乌恰县住房和城乡建设局", "恰建")
    office = department("乌恰县人民政府办公室", "恰政办")
    county.general_office = office
    county.save(update_fields=["general_office"])
    return {
        "county": county,
        "fgw": fgw,
        "housing": housing,
        "fgw_drafter": make_person("fgw_drafter", fgw, drafter=[fgw]),
        "fgw_head": make_person("fgw_head", fgw, unit_head=[fgw]),
        "housing_drafter": make_person("housing_drafter", housing, drafter=[housing]),
        "legal_advisor": legal_advisor,
        "review_head": make_person("review_head", justice_bureau, unit_head=[justice_bureau]),
        "secretary": make_person("secretary", office, meeting_secretary=[county]),
        "principal": make_person("principal", county, principal=[county]),
        "members": [
            make_person(f"member{i}", county, meeting_member=[county]) for i in (1, 2, 3, 4)
        ],
    }


def drafted_and_assessed(p):
    """发改委's decision, drafted (not disclosable) and risk-assessed through the services, in a
    real DecisionFlow process: it now waits for its submission to the review office."""
    item = s.catalogue_item_create(
        by=p["legal_advisor"],
        government=p["county"],
        year=2026,
        title="乌恰县城区供热价格调整",
        lead_unit=p["fgw"],
    )
    s.catalogue_party_consent_record(
        by=p["legal_advisor"],
        government=p["county"],
        year=2026,
        consented_by="中共乌恰县委常委会",
        consented_on=date(2026, 1, 10),
        reference="县委常委会2026年第1次会议",
    )
    item = s.catalogue_item_publish(item=item, by=p["legal_advisor"])
    drafter = p["fgw_drafter"]
    d = s.decision_initiate(
        by=drafter,
        lead_unit=p["fgw"],
        catalogue_item=item,
        title="关于调整城区供热价格的决定",
        problem="供热成本上涨，现行价格难以为继。",
        legal_basis=["《中华人民共和国价格法》", "《重大行政决策程序暂行条例》"],
        start_decided_by="乌恰县人民政府县长",
        start_decided_on=date(2026, 3, 2),
        start_reference="县长批示〔2026〕第3号",
    )
    s.decision_draft_save(
        decision=d,
        by=drafter,
        draft_text="第一条 城区居民供热价格调整为每平方米22元。",
        not_disclosable=True,
        not_disclosable_reason="涉及供热企业商业秘密",
        drafting_explanation="一、起草依据；二、主要内容。",
    )
    process = DecisionFlow.start.run(decision=d)
    step(process, "draft", drafter, lambda: s.decision_draft_submit(decision=d, by=drafter))
    step(
        process,
        "risk_assessment",
        drafter,
        lambda: s.risk_assessment_submit(
            decision=d,
            by=drafter,
            dimensions=RISK_OK,
            contingency_plan="应急预案",
            overall_level="low",
        ),
    )
    d.refresh_from_db()
    assert d.stage == "legality_review"
    return d


def speak_all(page, scope, speakers, positions):
    """Statements in speaking order: the head's form stays hidden until every member present
    has spoken (the head speaks last, 第三十条)."""
    for remaining, position in zip(range(len(speakers), 0, -1), positions, strict=True):
        pending = scope().locator('[data-testid="pending-speakers"]')
        assert pending.get_attribute("data-count") == str(remaining)
        assert scope().locator('[data-testid="form-decide"]').count() == 0
        scope().locator("[name=statement-position]").select_option(position)
        scope().locator("[name=statement-text]").fill(f"{position}：按程序办理。")
        submit(page, "statement", scope())
    assert scope().locator('[data-testid="pending-speakers"]').count() == 0


def test_a_department_decision_goes_through_review_and_session_n_to_its_minutes(
    login, page, live_server, county_people
):
    p = county_people
    members = p["members"]
    d = drafted_and_assessed(p)
    # Session 1 of the year was held already: this one is number 2.
    earlier = s.session_plan(
        government=p["county"],
        by=p["secretary"],
        kind="executive",
        held_at=datetime(2026, 5, 11, 9, 0, tzinfo=SHANGHAI),
        principal=p["principal"],
    )
    assert earlier.number == 1
    # 住建局 proposes another item, which the review office will check in the browser.
    other = s.agenda_item_propose(
        by=p["housing_drafter"],
        title="关于2026年城区冬季供暖保障工作的汇报",
        lead_unit=p["housing"],
        materials="供暖保障工作方案",
    )

    # The drafter sends the draft to the review office, stating when the opinion is needed.
    login(p["fgw_drafter"])
    open_task(page, live_server, d, "submit_legality")
    page.fill("[name=submit-procedures_account]", "依法不予公开，已完成风险评估")
    page.fill("[name=submit-opinion_needed_by]", "2026-07-10")
    submit(page, "submit")
    review = d.legality_reviews.get()
    assert review.opinion_needed_by == date(2026, 7, 10)

    # The 司法局's legal advisor prepares the opinion (earlier than needed) ...
    switch_user(page, login, p["legal_advisor"])
    open_task(page, live_server, d, "legality_review")
    assert page.get_by_test_id("review-submission").is_visible()
    page.select_option("[name=review-outcome]", "lawful")
    page.fill("[name=review-opinion]", "经审查，该决策草案符合法律法规规定。")
    submit(page, "review")
    assert stage(d) == "legality_review"  # nothing issued before the head approves
    # ... and checks 住建局's item for the session (议题合法性审核).
    page.goto(f"{live_server.url}/decisions/sessions/items/")
    row = page.locator(f'[data-testid="check-row"][data-item="{other.pk}"]')
    row.locator("[name=check-outcome]").select_option("lawful")
    row.locator("[name=check-opinion]").fill("经审核，未发现违法问题。")
    submit(page, "check", row)
    assert (
        page.locator(f'[data-testid="proposed-item"][data-item="{other.pk}"]').get_attribute(
            "data-check"
        )
        == "lawful"
    )

    # The head of the review office approves: the numbered 意见书 is issued in its name.
    switch_user(page, login, p["review_head"])
    open_task(page, live_server, d, "approve_legality")
    page.check("[name=approve-confirm]")
    submit(page, "approve")
    review.refresh_from_db()
    assert review.opinion_number == "恰司审〔2026〕1号"
    assert stage(d) == "package"
    page.goto(f"{live_server.url}/decisions/register/{d.pk}/")
    opinion = docx_text(download(page, "legality-opinion-link"))
    assert "恰司审〔2026〕1号" in opinion

    # The lead unit confirms the package for the meeting.
    switch_user(page, login, p["fgw_drafter"])
    open_task(page, live_server, d, "package_check")
    page.check("[name=check-confirm]")
    submit(page, "check")
    assert stage(d) == "meeting"

    # The 政府办's secretary plans session 2 and puts both items on its agenda.
    switch_user(page, login, p["secretary"])
    page.goto(f"{live_server.url}/decisions/sessions/")
    with page.expect_navigation():
        page.click('[data-testid="plan-session"]')
    page.select_option("[name=kind]", "executive")
    page.fill("[name=held_at]", "2026-06-15T09:00")
    page.select_option("[name=principal]", str(p["principal"].pk))
    submit(page, "plan")
    session = Session.objects.exclude(pk=earlier.pk).get()
    header = page.get_by_test_id("session")
    assert header.get_attribute("data-number") == "2"
    assert page.get_by_test_id("session-title").inner_text() == "乌恰县人民政府第2次常务会议"
    assert page.get_by_test_id("session-time").get_attribute("data-held-at") == "2026-06-15 09:00"

    page.select_option("[name=add_decision-decision]", str(d.pk))
    page.select_option("[name=add_decision-presenter]", str(p["fgw_head"].pk))
    submit(page, "add_decision")
    page.select_option("[name=add-item]", str(other.pk))
    submit(page, "add")
    agenda = page.locator('[data-testid="agenda-item"]')
    assert agenda.count() == 2
    assert agenda.nth(0).get_attribute("data-kind") == "major_decision"
    assert agenda.nth(1).get_attribute("data-item") == str(other.pk)

    # Opened with attendance: member4 away with the reason, 发改委's head attending (列席).
    page.uncheck(f'[name=open-present][value="{members[3].pk}"]')
    page.fill(f"[name=open-reason_{members[3].pk}]", "参加自治区培训")
    page.check(f'[name=open-attendees][value="{p["fgw_head"].pk}:{p["fgw"].pk}"]')
    submit(page, "open")
    assert page.get_by_test_id("session").get_attribute("data-status") == "open"
    attendance = page.get_by_test_id("attendance")
    assert attendance.locator('[data-person="member4"]').get_attribute("data-present") == "false"
    assert attendance.locator('[data-person="fgw_head"]').get_attribute("data-role") == "attendee"

    # The decision is deliberated in its own meeting step, so its process moves on.
    decision_item = AgendaItem.objects.get(decision=d)
    with page.expect_navigation():
        page.click(f'[data-testid="decision-task-link"][data-decision="{d.pk}"]')
    assert page.get_by_test_id("decision-task").get_attribute("data-task") == "meeting"
    speak_all(page, lambda: page, members[:3], ["support", "support", "oppose"])
    page.select_option("[name=decide-head_decision]", "adopt")
    page.fill("[name=decide-statement]", "同意，按方案实施。")
    submit(page, "decide")
    assert stage(d) == "party_report"

    # The other item is deliberated on the session page itself.
    page.goto(f"{live_server.url}/decisions/sessions/{session.pk}/")

    def other_item():
        return page.locator(f'[data-testid="agenda-item"][data-item="{other.pk}"]')

    speak_all(page, other_item, members[:3], ["support", "conditional", "support"])
    other_item().locator("[name=decide-head_decision]").select_option("adopt")
    other_item().locator("[name=decide-statement]").fill("同意，抓紧落实。")
    submit(page, "decide", other_item())
    assert other_item().get_attribute("data-outcome") == "adopt"
    assert (
        page.locator(f'[data-testid="agenda-item"][data-item="{decision_item.pk}"]').get_attribute(
            "data-outcome"
        )
        == "adopt"
    )
    for item in (decision_item, other):
        item.refresh_from_db()
        speakers = list(item.deliberation.statements.values_list("speaker__username", flat=True))
        assert speakers == ["member1", "member2", "member3", "principal"]  # the head last

    submit(page, "conclude")
    assert page.get_by_test_id("session").get_attribute("data-status") == "concluded"

    # The 纪要 downloads with the session's local time (09:00 in 乌恰, not 01:00 UTC).
    minutes = docx_text(download(page, "minutes-link"))
    assert "乌恰县人民政府第2次常务会议" in minutes
    assert "2026-06-15 09:00" in minutes and "01:00" not in minutes
    assert "关于调整城区供热价格的决定" in minutes and other.title in minutes
    assert "参加自治区培训" in minutes
    record = docx_text(download(page, "record-link"))
    assert "同意，抓紧落实。" in record

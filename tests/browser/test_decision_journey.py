"""Real Chromium: one major decision from its start to the sealed archive, through the staff
screens only. A drafter of 发改委 starts a non-disclosable decision (no public comment, the
reason recorded), the review office (司法局) finds it lawful — its legal advisor prepares the
opinion, its head approves the numbered 意见书 —, the secretary puts it on the agenda of a
numbered session, opens the session where the members speak and the head speaks last, the
archivist seals it. Assertions read data-testid attributes, not labels."""

import pytest

from decisions.models import Decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, action):
    with page.expect_navigation():
        page.click(f'[data-testid="submit-{action}"]')


def open_task(page, live_server, decision, name):
    page.goto(f"{live_server.url}/decisions/register/{decision.pk}/")
    with page.expect_navigation():
        page.click(f'[data-testid="task-link"][data-task="{name}"]')
    assert page.get_by_test_id("decision-task").get_attribute("data-task") == name


def switch_user(page, login, user):
    page.context.clear_cookies()
    return login(user)


def stage(decision):
    decision.refresh_from_db()
    return decision.stage


def test_a_decision_goes_from_the_drafter_to_the_sealed_archive_in_the_browser(
    login, page, live_server, make_person, county, justice_bureau, legal_advisor, archivist
):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from decisions import services as s
    from workflows.models import Unit
    from workflows.services import unit_ensure

    # The lead unit is a department, not the review office: 司法局 reviews what 发改委 drafts.
    fgw = unit_ensure(
        name="乌恰县发展和改革委员会",
        kind=Unit.Kind.DEPARTMENT,
        issuer_code="恰发改",
        parent=county,
    )[0]
    drafter = make_person("drafter", fgw, drafter=[fgw])
    review_head = make_person("review_head", justice_bureau, unit_head=[justice_bureau])
    members = [make_person(f"member{i}", county, meeting_member=[county]) for i in (1, 2)]
    secretary = make_person("secretary", county, meeting_secretary=[county])
    principal = make_person("principal", county, principal=[county])
    publisher = make_person("publisher", county, publisher=[county])
    item = s.catalogue_item_create(
        by=legal_advisor,
        government=county,
        year=2024,
        title="城区供热价格",
        lead_unit=fgw,
    )
    # 第三条: the catalogue is published once the county Party committee consented.
    s.catalogue_party_consent_record(
        by=legal_advisor,
        government=county,
        year=2024,
        consented_by="中共乌恰县委常委会",
        consented_on=date(2024, 1, 10),
        reference="县委常委会2024年第1次会议",
    )
    item = s.catalogue_item_publish(item=item, by=legal_advisor)

    # The drafter starts the decision from the catalogue.
    login(drafter)
    page.goto(f"{live_server.url}/decisions/register/")
    with page.expect_navigation():
        page.click('[data-testid="start-decision"]')
    page.select_option("[name=catalogue_item]", str(item.pk))
    page.select_option("[name=lead_unit]", str(fgw.pk))
    page.fill("[name=title]", "关于调整城区供热价格的决定")
    page.fill("[name=problem]", "供热成本上涨")
    page.fill("[name=legal_basis]", "《价格法》\n《重大行政决策程序暂行条例》")
    submit(page, "start")
    decision = Decision.objects.get(title="关于调整城区供热价格的决定")
    assert page.get_by_test_id("decision-detail").get_attribute("data-stage") == "drafting"

    # Drafting: not disclosable by law, so the public comment is skipped with its reason.
    open_task(page, live_server, decision, "draft")
    page.fill("[name=draft-draft_text]", "第一条 居民供热价格调整为每平方米22元。")
    page.fill("[name=draft-drafting_explanation]", "一、起草依据；二、主要内容。")
    page.fill("[name=draft-start_decided_by]", "乌恰县人民政府县长")
    page.fill("[name=draft-start_decided_on]", "2024-01-15")
    page.fill("[name=draft-start_reference]", "县长批示〔2024〕3号")
    page.check("[name=draft-not_disclosable]")
    page.fill("[name=draft-not_disclosable_reason]", "涉及企业商业秘密")
    page.fill("[name=draft-drafting_explanation]", "一、起草依据；二、主要内容。")
    page.fill("[name=draft-start_decided_by]", "乌恰县人民政府县长")
    page.fill("[name=draft-start_decided_on]", "2026-06-01")
    page.fill("[name=draft-start_reference]", "县长批示〔2026〕第3号")
    # Finishing the step is its own button beside "Save" (issue 18), not a checkbox.
    with page.expect_navigation():
        page.click('[data-testid="finish-draft"]')
    assert stage(decision) == "assessment"

    open_task(page, live_server, decision, "risk_assessment")
    page.select_option("[name=assess-overall_level]", "low")
    for textarea in page.locator("textarea").all():
        textarea.fill("已评估")
    submit(page, "assess")
    assert stage(decision) == "legality_review"

    open_task(page, live_server, decision, "submit_legality")
    page.fill("[name=submit-procedures_account]", "依法不予公开，已完成风险评估")
    submit(page, "submit")

    # The review office's legal advisor prepares the opinion: lawful; its head approves it.
    switch_user(page, login, legal_advisor)
    open_task(page, live_server, decision, "legality_review")
    assert page.get_by_test_id("review-submission").is_visible()
    page.select_option("[name=review-outcome]", "lawful")
    page.fill("[name=review-opinion]", "经审查，合法。")
    submit(page, "review")
    assert stage(decision) == "legality_review"
    switch_user(page, login, review_head)
    open_task(page, live_server, decision, "approve_legality")
    page.check("[name=approve-confirm]")
    submit(page, "approve")
    assert stage(decision) == "package"
    assert decision.legality_reviews.get().opinion_number == "恰司审〔2026〕1号"

    switch_user(page, login, drafter)
    open_task(page, live_server, decision, "package_check")
    assert page.get_by_test_id("package-complete").is_visible()
    page.check("[name=check-confirm]")
    submit(page, "check")
    assert stage(decision) == "meeting"

    # The secretary puts it on the agenda of the county's planned session, opens the session
    # on its page, and records the meeting in the decision's step: members first, the head last.
    session = s.session_plan(
        government=county,
        by=secretary,
        kind="executive",
        held_at=datetime(2026, 6, 15, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        principal=principal,
    )
    switch_user(page, login, secretary)
    open_task(page, live_server, decision, "meeting")
    page.select_option("[name=schedule-session]", str(session.pk))
    submit(page, "schedule")
    page.goto(f"{live_server.url}/decisions/sessions/{session.pk}/")
    item_row = page.locator(f'[data-testid="agenda-item"][data-decision="{decision.pk}"]')
    assert item_row.get_attribute("data-kind") == "major_decision"
    for box in page.locator("[name=open-present]").all():
        box.check()
    submit(page, "open")
    with page.expect_navigation():
        page.click(f'[data-testid="decision-task-link"][data-decision="{decision.pk}"]')
    for remaining in (2, 1):
        assert page.get_by_test_id("pending-speakers").get_attribute("data-count") == str(remaining)
        assert page.locator('[data-testid="form-decide"]').count() == 0
        page.select_option("[name=statement-position]", "support")
        page.fill("[name=statement-text]", "同意。")
        submit(page, "statement")
    assert page.locator('[data-testid="pending-speakers"]').count() == 0
    page.select_option("[name=decide-head_decision]", "adopt")
    page.fill("[name=decide-statement]", "同意，按方案实施。")
    submit(page, "decide")
    assert stage(decision) == "party_report"
    speakers = list(decision.meetings.get().statements.values_list("speaker__username", flat=True))
    assert sorted(speakers[:-1]) == sorted(m.username for m in members)
    assert speakers[-1] == "principal"
    page.goto(f"{live_server.url}/decisions/sessions/{session.pk}/")
    submit(page, "conclude")
    assert page.get_by_test_id("session").get_attribute("data-status") == "concluded"

    open_task(page, live_server, decision, "party_report")
    page.fill("[name=report-reported_on]", "2024-05-01")
    page.fill("[name=report-reference]", "恰政报〔2024〕1号")
    page.fill("[name=report-recipient]", "中共乌恰县委员会")
    submit(page, "report")

    switch_user(page, login, publisher)
    open_task(page, live_server, decision, "publication")
    submit(page, "publish")  # not disclosable: recorded as not published
    assert stage(decision) == "archiving"

    # The archivist sees a complete checklist and seals.
    switch_user(page, login, archivist)
    open_task(page, live_server, decision, "archive")
    assert page.get_by_test_id("archive-checklist").get_attribute("data-complete") == "true"
    page.check("[name=seal-confirm]")
    submit(page, "seal")
    detail = page.get_by_test_id("decision-detail")
    assert detail.get_attribute("data-stage") == "archived"
    assert detail.get_attribute("data-sealed") == "true"
    assert page.get_by_test_id("publication").get_attribute("data-published") == "false"

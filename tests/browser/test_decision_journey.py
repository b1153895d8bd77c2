"""Real Chromium: one major decision from its start to the sealed archive, through the staff
screens only. A drafter starts a non-disclosable decision (no public comment, the reason
recorded), a legal advisor finds it lawful, the secretary runs the meeting where the head
speaks last, the archivist seals it. Assertions read data-testid attributes, not labels."""

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
    login, page, live_server, make_person, county, justice_bureau, drafter, legal_advisor, archivist
):
    from decisions import services as s

    members = [make_person(f"member{i}", county, meeting_member=[county]) for i in (1, 2)]
    secretary = make_person("secretary", county, meeting_secretary=[county])
    principal = make_person("principal", county, principal=[county])
    publisher = make_person("publisher", county, publisher=[county])
    item = s.catalogue_item_create(
        by=legal_advisor,
        government=county,
        year=2024,
        title="城区供热价格",
        lead_unit=justice_bureau,
    )
    s.catalogue_item_publish(item=item, by=legal_advisor)

    # The drafter starts the decision from the catalogue.
    login(drafter)
    page.goto(f"{live_server.url}/decisions/register/")
    with page.expect_navigation():
        page.click('[data-testid="start-decision"]')
    page.select_option("[name=catalogue_item]", str(item.pk))
    page.select_option("[name=lead_unit]", str(justice_bureau.pk))
    page.fill("[name=title]", "关于调整城区供热价格的决定")
    page.fill("[name=problem]", "供热成本上涨")
    page.fill("[name=legal_basis]", "《价格法》\n《重大行政决策程序暂行条例》")
    submit(page, "start")
    decision = Decision.objects.get(title="关于调整城区供热价格的决定")
    assert page.get_by_test_id("decision-detail").get_attribute("data-stage") == "drafting"

    # Drafting: not disclosable by law, so the public comment is skipped with its reason.
    open_task(page, live_server, decision, "draft")
    page.fill("[name=draft-draft_text]", "第一条 居民供热价格调整为每平方米22元。")
    page.check("[name=draft-not_disclosable]")
    page.fill("[name=draft-not_disclosable_reason]", "涉及企业商业秘密")
    page.check("[name=draft-submit]")
    submit(page, "draft")
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

    # The legal advisor finds it lawful.
    switch_user(page, login, legal_advisor)
    open_task(page, live_server, decision, "legality_review")
    assert page.get_by_test_id("review-submission").is_visible()
    page.select_option("[name=review-outcome]", "lawful")
    page.fill("[name=review-opinion]", "经审查，合法。")
    submit(page, "review")
    assert stage(decision) == "package"

    switch_user(page, login, drafter)
    open_task(page, live_server, decision, "package_check")
    assert page.get_by_test_id("package-complete").is_visible()
    page.check("[name=check-confirm]")
    submit(page, "check")
    assert stage(decision) == "meeting"

    # The secretary runs the meeting: members first, the head last.
    switch_user(page, login, secretary)
    open_task(page, live_server, decision, "meeting")
    page.select_option("[name=open-principal]", str(principal.pk))
    for box in page.locator("[name=open-present]").all():
        box.check()
    submit(page, "open")
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

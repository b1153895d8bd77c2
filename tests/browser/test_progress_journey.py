"""Real Chromium: a decision carried through its first steps on the staff screens, and at each
step the decision page's stepper says where it is — the current stage, who holds it or to whom
it is offered, and, once a legal clock runs, its due date with the article it comes from
(issue 18). A drafter of 发改委 starts a decision that may not be disclosed, drafts it (the
public comment is skipped with its reason), assesses the risk and submits it for legality
review a week later; the review office's legal advisor prepares the opinion and its head
approves it. The flow chart and the full-process record are one click away throughout."""

from datetime import date

import pytest

from decisions.models import Decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DECREE_26 = "《重大行政决策程序暂行条例》第二十六条"


def submit(page, action):
    with page.expect_navigation():
        page.click(f'[data-testid="submit-{action}"]')


def complete(page, action):
    """Finish the step with ``action``: its "finish" button where the form has one beside
    "save", else the ticked "finish" box and the submit button."""
    finish = page.locator(f'[data-testid="finish-{action}"]')
    if finish.count():
        with page.expect_navigation():
            finish.click()
        return
    box = page.locator(f"input[type=checkbox][name={action}-submit]")
    if box.count():
        box.check()
    submit(page, action)


def open_task(page, live_server, decision, name):
    page.goto(f"{live_server.url}/decisions/register/{decision.pk}/")
    with page.expect_navigation():
        page.click(f'[data-testid="task-link"][data-task="{name}"]')
    assert page.get_by_test_id("decision-task").get_attribute("data-task") == name


def switch_user(page, login, user):
    page.context.clear_cookies()
    return login(user)


def stepper(page, live_server, decision) -> dict:
    """What the decision page's stepper shows: the current stage, its holders and clocks."""
    page.goto(f"{live_server.url}/decisions/register/{decision.pk}/")
    progress = page.get_by_test_id("progress")
    assert progress.is_visible()
    current = progress.locator('[data-testid="progress-stage"][aria-current="step"]')
    assert current.count() == 1
    clocks = current.locator('[data-testid="stage-clock"]')
    return {
        "stage": current.get_attribute("data-stage"),
        "states": {
            li.get_attribute("data-stage"): li.get_attribute("data-state")
            for li in progress.locator('[data-testid="progress-stage"]').all()
        },
        "holders": [h.inner_text() for h in current.locator('[data-testid="stage-holder"]').all()],
        "clocks": [
            {
                "due": c.get_attribute("data-due"),
                "text": c.inner_text(),
                "source": c.locator('[data-testid="clock-source"]').inner_text(),
            }
            for c in clocks.all()
        ],
        "no_clock": current.locator('[data-testid="stage-no-clock"]').count() == 1,
        "current_text": current.inner_text(),
    }


def test_the_stepper_follows_a_decision_step_by_step_in_the_browser(
    login, page, live_server, make_person, county, justice_bureau, legal_advisor, travel_to
):
    from decisions import services as s
    from workflows.models import Unit
    from workflows.services import unit_ensure

    travel_to(date(2026, 6, 15))  # a Monday
    page.on("dialog", lambda dialog: dialog.accept())  # a confirmation before a final step
    fgw = unit_ensure(
        name="乌恰县发展和改革委员会",
        kind=Unit.Kind.DEPARTMENT,
        issuer_code="恰发改",
        parent=county,
    )[0]
    drafter = make_person("drafter", fgw, drafter=[fgw])
    review_head = make_person("review_head", justice_bureau, unit_head=[justice_bureau])
    outsider = make_person("someone_else", fgw)
    item = s.catalogue_item_create(
        by=legal_advisor, government=county, year=2026, title="城区供热价格", lead_unit=fgw
    )
    s.catalogue_party_consent_record(
        by=legal_advisor,
        government=county,
        year=2026,
        consented_by="中共乌恰县委常委会",
        consented_on=date(2026, 1, 10),
        reference="县委常委会2026年第1次会议",
    )
    item = s.catalogue_item_publish(item=item, by=legal_advisor)

    # The drafter starts it: drafting is current, offered to the lead unit's drafters, no clock.
    login(drafter)
    page.goto(f"{live_server.url}/decisions/register/new/")
    page.select_option("[name=catalogue_item]", str(item.pk))
    page.select_option("[name=lead_unit]", str(fgw.pk))
    page.fill("[name=title]", "关于调整城区供热价格的决定")
    page.fill("[name=problem]", "供热成本上涨")
    page.fill("[name=legal_basis]", "《价格法》\n《重大行政决策程序暂行条例》")
    submit(page, "start")
    decision = Decision.objects.get(title="关于调整城区供热价格的决定")
    shown = stepper(page, live_server, decision)
    assert shown["stage"] == "drafting"
    assert shown["holders"] and all(
        "乌恰县发展和改革委员会 · 起草人" in h for h in shown["holders"]
    )
    assert shown["no_clock"] and shown["clocks"] == []
    assert shown["states"]["consultation"] == "next"
    assert "当前环节" in shown["current_text"]

    # The chart of this decision and its full-process record, from the page.
    chart = page.get_by_test_id("chart-link").get_attribute("href")
    assert page.request.get(f"{live_server.url}{chart}").status == 200
    with page.expect_navigation():
        page.click('[data-testid="record-link"]')
    assert f"/record/decisions.decision/{decision.pk}/" in page.url

    # Drafting, not disclosable: the public comment is skipped with its reason.
    open_task(page, live_server, decision, "draft")
    page.fill("[name=draft-draft_text]", "第一条 居民供热价格调整为每平方米22元。")
    page.fill("[name=draft-drafting_explanation]", "一、起草依据；二、主要内容。")
    page.fill("[name=draft-start_decided_by]", "乌恰县人民政府县长")
    page.fill("[name=draft-start_decided_on]", "2026-06-01")
    page.fill("[name=draft-start_reference]", "县长批示〔2026〕第3号")
    page.check("[name=draft-not_disclosable]")
    page.fill("[name=draft-not_disclosable_reason]", "涉及企业商业秘密")
    complete(page, "draft")
    shown = stepper(page, live_server, decision)
    assert shown["stage"] == "assessment"
    assert shown["states"]["drafting"] == "done"
    assert shown["states"]["consultation"] == shown["states"]["disposition"] == "skipped"
    assert any("乌恰县发展和改革委员会" in h for h in shown["holders"])
    done = page.locator('[data-testid="progress-stage"][data-stage="drafting"]').inner_text()
    assert "2026-06-15" in done and "drafter" in done

    open_task(page, live_server, decision, "risk_assessment")
    page.select_option("[name=assess-overall_level]", "low")
    for textarea in page.locator("textarea").all():
        textarea.fill("已评估")
    complete(page, "assess")
    shown = stepper(page, live_server, decision)
    assert shown["stage"] == "legality_review"
    assert any("乌恰县发展和改革委员会 · 起草人" in h for h in shown["holders"])
    assert shown["no_clock"]  # the review's clock opens when it is submitted

    # A week later the drafter submits: the review office has 7 working days (第二十六条),
    # Monday 06-22 to Wednesday 07-01.
    travel_to(date(2026, 6, 22))
    open_task(page, live_server, decision, "submit_legality")
    page.fill("[name=submit-procedures_account]", "依法不予公开，已完成风险评估")
    complete(page, "submit")
    shown = stepper(page, live_server, decision)
    assert shown["stage"] == "legality_review"
    assert [h for h in shown["holders"] if "乌恰县司法局 · 法律顾问" in h]
    [clock] = shown["clocks"]
    assert clock["due"] == "2026-07-01" and "2026-07-01" in clock["text"]
    assert clock["source"] == DECREE_26
    assert "法定时限依据" in clock["text"]

    # The legal advisor sees the same stepper, prepares the opinion; the head approves it.
    switch_user(page, login, legal_advisor)
    shown = stepper(page, live_server, decision)
    assert shown["stage"] == "legality_review" and shown["clocks"][0]["due"] == "2026-07-01"
    open_task(page, live_server, decision, "legality_review")
    page.select_option("[name=review-outcome]", "lawful")
    page.fill("[name=review-opinion]", "经审查，合法。")
    complete(page, "review")
    shown = stepper(page, live_server, decision)
    assert shown["stage"] == "legality_review"
    assert [h for h in shown["holders"] if "乌恰县司法局 · 单位负责人" in h], shown["holders"]
    assert [c["source"] for c in shown["clocks"]] == [DECREE_26]

    travel_to(date(2026, 6, 24))
    switch_user(page, login, review_head)
    open_task(page, live_server, decision, "approve_legality")
    page.check("[name=approve-confirm]")
    complete(page, "approve")
    shown = stepper(page, live_server, decision)
    assert shown["stage"] == "package"
    assert shown["states"]["legality_review"] == "done"
    done = page.locator('[data-testid="progress-stage"][data-stage="legality_review"]').inner_text()
    assert "2026-06-24" in done and "review_head" in done
    assert shown["no_clock"]

    # Someone of the unit without a role on the decision sees neither the page nor its chart.
    switch_user(page, login, outsider)
    assert page.request.get(f"{live_server.url}{chart}").status == 404

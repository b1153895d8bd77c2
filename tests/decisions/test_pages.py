"""The staff pages around the flow: register, decision page, catalogue, hearing, expert
opinion, minutes, execution and adjustment — visibility, refusals and escaping."""

import io

import pytest
from django.urls import reverse
from docx import Document

from decisions import services as s
from decisions.flows import DecisionFlow
from decisions.models import CatalogueItem, Decision

from .conftest import docx_bytes
from .test_screens import Scenario

pytestmark = pytest.mark.django_db
XSS = "<script>alert(1)</script>"


def detail(d):
    return reverse("decisions:register:detail", args=[d.pk])


def test_the_register_lists_only_the_decisions_a_person_may_see(drive, people, client):
    d = drive.initiate()
    client.force_login(people["drafter"])
    assert (
        f'data-decision="{d.pk}"'
        in client.get(reverse("decisions:register:index")).content.decode()
    )
    client.force_login(people["outsider"])
    body = client.get(reverse("decisions:register:index")).content.decode()
    assert f'data-decision="{d.pk}"' not in body
    assert client.get(detail(d)).status_code == 404


def test_a_drafter_starts_a_decision_from_the_catalogue_and_gets_the_drafting_task(
    people, catalogue_item, client
):
    client.force_login(people["drafter"])
    url = reverse("decisions:register:start")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "catalogue_item": catalogue_item.pk,
            "lead_unit": people["bureau"].pk,
            "title": "新决策",
            "problem": "问题",
            "legal_basis": "《条例》",
        },
    )
    assert response.status_code == 302
    d = Decision.objects.get(title="新决策")
    body = client.get(detail(d)).content.decode()
    assert 'data-testid="task-link" data-task="draft"' in body
    client.force_login(people["secretary"])
    assert client.get(url).status_code == 403


def test_user_text_is_escaped_on_the_decision_and_task_pages(drive, people, client):
    scenario = Scenario(drive, people)
    s.decision_draft_save(decision=scenario.d, by=people["drafter"], draft_text=XSS, title=XSS)
    scenario.up_to("dispose_comments")
    from workflows.consultations.selectors import consultation_latest

    c = consultation_latest(subject=scenario.d)
    assert c.comments.exists()
    client.force_login(people["drafter"])
    task = scenario.process.task_set.get(flow_task=DecisionFlow.dispose_comments)
    for url in (
        detail(scenario.d),
        task.flow_task.reverse("execute", args=[task.process_id, task.pk]),
    ):
        body = client.get(url).content.decode()
        assert XSS not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url


def test_an_attachment_is_accepted_by_its_content_and_refused_when_the_name_lies(
    drive, people, client
):
    d = drive.initiate()
    client.force_login(people["drafter"])
    url = reverse("decisions:register:upload", args=[d.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("draft.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(url, {"action": "upload", "upload-file": bad, "upload-kind": "material"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    good = SimpleUploadedFile("draft.docx", docx_bytes())
    response = client.post(
        url, {"action": "upload", "upload-file": good, "upload-kind": "material"}
    )
    assert response.status_code == 302
    assert d.attachments.get().file_type == "docx"
    client.force_login(people["outsider"])
    assert client.get(url).status_code == 404


def test_the_catalogue_is_compiled_published_and_adjusted_by_the_justice_bureau(people, client):
    client.force_login(people["legal_advisor"])
    response = client.post(
        reverse("decisions:catalogue:create"),
        {"year": 2024, "title": XSS, "lead_unit": people["bureau"].pk},
    )
    assert response.status_code == 302
    item = CatalogueItem.objects.get(title=XSS)
    assert item.government == people["county"]
    body = client.get(reverse("decisions:catalogue:index")).content.decode()
    # 第三条: published only after the Party committee's consent is recorded.
    assert XSS not in body and 'data-testid="catalogue-consent"' in body
    assert 'data-testid="catalogue-publish"' not in body
    client.post(reverse("decisions:catalogue:publish", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == "draft"
    consent = reverse("decisions:catalogue:consent", args=[item.pk])
    assert client.get(consent).status_code == 200
    client.post(
        consent,
        {
            "consented_by": "中共乌恰县委常委会",
            "consented_on": "2024-01-10",
            "reference": "县委常委会2024年第1次会议",
        },
    )
    body = client.get(reverse("decisions:catalogue:index")).content.decode()
    assert 'data-testid="catalogue-publish"' in body and "县委常委会2024年第1次会议" in body
    client.post(reverse("decisions:catalogue:publish", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == "published"
    adjust = reverse("decisions:catalogue:adjust", args=[item.pk])
    response = client.post(adjust, {"reason": ""})
    assert response.status_code == 200
    client.post(adjust, {"reason": "动态调整", "title": "新标题"})
    item.refresh_from_db()
    assert item.status == "adjusted" and item.title == "新标题"
    client.force_login(people["drafter"])
    assert client.post(reverse("decisions:catalogue:publish", args=[item.pk])).status_code == 403
    assert client.get(reverse("decisions:catalogue:create")).status_code == 403


def test_the_expert_gives_an_opinion_and_one_with_a_declared_interest_is_refused(
    drive, people, client
):
    scenario = Scenario(drive, people, experts=True)
    scenario.up_to("risk_assessment")
    expert = people["expert"]
    profile = s.expert_register(user=expert, fields=["价格"], by=people["legal_advisor"])
    s.experts_choose(decision=scenario.d, by=people["drafter"], experts=[profile])
    url = reverse("decisions:register:opinion", args=[scenario.d.pk])
    client.force_login(expert)
    # Declared after being chosen: the opinion is still refused (第二十条).
    s.expert_interest_declare(expert=profile, description="亲属任职", unit=people["bureau"])
    response = client.post(
        url, {"action": "opinion", "opinion-text": "可行", "opinion-signed": "on"}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not scenario.d.expert_opinions.exists()
    client.force_login(people["drafter"])
    assert client.get(url).status_code == 403


def test_the_hearing_needs_seven_days_notice_on_the_hearing_page(drive, people, client):
    d = drive.initiate(hearing_needed=True)
    client.force_login(people["drafter"])
    url = reverse("decisions:register:hearing", args=[d.pk])
    data = {
        "action": "schedule",
        "schedule-materials_sent_on": "2024-05-01",
        "schedule-held_on": "2024-05-03",
        "schedule-participants": "居民代表",
    }
    assert "errorlist" in client.post(url, data).content.decode()
    data["schedule-held_on"] = "2024-05-08"
    assert client.post(url, data).status_code == 302
    assert d.hearings.count() == 1


def test_the_minutes_download_as_docx_and_execution_pages_open_once_archived(drive, people, client):
    d = drive.up_to_meeting()
    drive.adopt(d)
    drive.publish(d)
    s.decision_seal(decision=d, by=people["archivist"])
    meeting = d.meetings.get()
    client.force_login(people["archivist"])
    response = client.get(reverse("decisions:register:minutes", args=[d.pk, meeting.pk]))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "同意，按方案二实施。" in text
    client.force_login(people["outsider"])
    assert (
        client.get(reverse("decisions:register:minutes", args=[d.pk, meeting.pk])).status_code
        == 404
    )

    client.force_login(people["drafter"])
    url = reverse("decisions:register:execution", args=[d.pk])
    response = client.post(
        url,
        {
            "action": "report",
            "report-executing_unit": people["bureau"].pk,
            "report-period": "2024年第一季度",
            "report-text": "已执行",
        },
    )
    assert response.status_code == 302 and d.execution_reports.count() == 1

    client.force_login(people["principal"])
    url = reverse("decisions:register:adjust", args=[d.pk])
    response = client.post(
        url,
        {
            "action": "adjust",
            "adjust-kind": "adjust",
            "adjust-reason": "情况变化",
            "adjust-drafter": people["drafter"].pk,
        },
    )
    assert response.status_code == 302
    new = Decision.objects.get(supersedes=d)
    assert new.process.task_set.filter(flow_task=DecisionFlow.draft).exists()
    response = client.post(
        url, {"action": "adjust", "adjust-kind": "urgent_suspension", "adjust-reason": "紧急"}
    )
    d.refresh_from_db()
    assert d.suspended_at is not None

    evaluation = reverse("decisions:register:evaluation", args=[d.pk])
    response = client.post(
        evaluation,
        {
            "action": "start",
            "start-trigger": "many_complaints",
            "start-evaluator": people["drafter"].pk,
        },
    )
    assert "errorlist" in response.content.decode()  # the drafter assessed the risk before


def test_the_post_evaluation_form_never_offers_a_pre_decision_assessor(drive):
    from decisions.selectors import evaluator_candidates, pre_decision_assessor_ids

    d = drive.up_to_meeting()
    assessors = pre_decision_assessor_ids(d)
    assert assessors, "the decision had a risk assessment: nothing would be tested"
    offered = set(evaluator_candidates(d).values_list("pk", flat=True))
    assert offered and not offered & assessors

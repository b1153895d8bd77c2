"""The session pages (会议) of the staff site through Django's client: the secretary plans a
numbered session, puts a checked item on its agenda, opens it with attendance, records the
members' statements and the head's decision (the head last), concludes it and downloads the
纪要 (《重大行政决策程序暂行条例》第三十条); the unit proposes the item and the review office
checks it first (第二十五条、第二十八条). Visibility: 404 for what a person may not see, 403
for what they may not do on what they see."""

import io
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from docx import Document

from decisions import services as s
from decisions.models import AgendaItem, Session

pytestmark = pytest.mark.django_db
XSS = "<script>alert(1)</script>"
ITEMS = reverse("decisions:sessions:items")


def detail(session):
    return reverse("decisions:sessions:detail", args=[session.pk])


def body_of(response) -> str:
    return response.content.decode()


def propose(client, people, title="关于2026年城区冬季供暖保障工作的汇报"):
    client.force_login(people["housing_drafter"])
    response = client.post(
        ITEMS,
        {
            "action": "propose",
            "propose-lead_unit": people["housing"].pk,
            "propose-title": title,
            "propose-materials": "供暖保障工作方案",
            "propose-presenter": people["housing_head"].pk,
        },
    )
    assert response.status_code == 302, body_of(response)
    return AgendaItem.objects.get(title=title)


def check(client, people, item):
    client.force_login(people["legal_advisor"])
    body = body_of(client.get(ITEMS))
    assert f'data-testid="check-row" data-item="{item.pk}"' in body
    response = client.post(
        ITEMS,
        {
            "action": "check",
            "item": item.pk,
            "check-outcome": "lawful",
            "check-opinion": "经审核，未发现违法问题。",
        },
    )
    assert response.status_code == 302, body_of(response)
    item.refresh_from_db()
    assert item.check_outcome == "lawful"
    return item


def plan(client, people):
    client.force_login(people["secretary"])
    response = client.post(
        reverse("decisions:sessions:plan"),
        {
            "action": "plan",
            "kind": "executive",
            "held_at": "2026-06-15T09:00",  # local time, Asia/Shanghai
            "principal": people["principal"].pk,
        },
    )
    assert response.status_code == 302, body_of(response)
    return Session.objects.get()


def planned_with_item(client, people):
    item = check(client, people, propose(client, people))
    session = plan(client, people)
    response = client.post(detail(session), {"action": "add", "add-item": item.pk})
    assert response.status_code == 302, body_of(response)
    return session, item


def open_session(client, people, session, present, attendee="housing"):
    members = people["members"]
    data = {
        "action": "open",
        "open-present": [m.pk for m in present],
        "open-attendees": [f"{people[attendee + '_head'].pk}:{people[attendee].pk}"]
        if attendee
        else [],
    }
    for m in members:
        if m not in present:
            data[f"open-reason_{m.pk}"] = "外出学习"
    return client.post(detail(session), data)


def test_the_secretary_plans_adds_opens_records_and_concludes_a_session(client, people):
    session, item = planned_with_item(client, people)
    assert session.number == 1 and session.status == Session.Status.PLANNED
    assert item.session_id is None or item.pk  # put on the agenda below
    item.refresh_from_db()
    assert item.session_id == session.pk and item.order == 1

    listing = body_of(client.get(reverse("decisions:sessions:index")))
    assert 'data-testid="plan-session"' in listing
    assert f'data-session="{session.pk}"' in listing and "09:00" in listing
    page = body_of(client.get(detail(session)))
    assert "乌恰县人民政府第1次常务会议" in page
    assert 'data-held-at="2026-06-15 09:00"' in page  # the local time, not UTC (01:00)
    assert 'data-check="lawful"' in page and "legal_advisor" in page

    members = people["members"]
    response = open_session(client, people, session, present=members[:3])
    assert response.status_code == 302, body_of(response)
    session.refresh_from_db()
    assert session.status == Session.Status.OPEN
    attendance = {a.person_id: a for a in session.attendance.all()}
    assert attendance[members[3].pk].present is False
    assert attendance[members[3].pk].absence_reason == "外出学习"
    attendee = attendance[people["housing_head"].pk]
    assert attendee.role == "attendee" and attendee.unit == people["housing"]

    # Members first: the head's form is not offered while a member present has not spoken.
    for member, position in zip(members[:3], ("oppose", "oppose", "support"), strict=True):
        page = body_of(client.get(detail(session)))
        assert f'data-testid="form-statement" data-item="{item.pk}"' in page
        assert 'data-testid="form-decide"' not in page
        response = client.post(
            detail(session),
            {
                "action": "statement",
                "item": item.pk,
                "statement-speaker": member.pk,
                "statement-position": position,
                "statement-text": f"{member.username}的意见",
            },
        )
        assert response.status_code == 302, body_of(response)
    page = body_of(client.get(detail(session)))
    assert f'data-testid="form-decide" data-item="{item.pk}"' in page
    assert 'data-testid="majority" data-majority="against"' in page

    # Against the majority without a reason: refused at the form, in Chinese.
    decide = {
        "action": "decide",
        "item": item.pk,
        "decide-head_decision": "adopt",
        "decide-statement": "同意。",
    }
    response = client.post(detail(session), decide)
    assert response.status_code == 200
    assert "须在会上说明理由" in body_of(response)
    # Concluding before every item is decided is refused too.
    refused = client.post(detail(session), {"action": "conclude"})
    assert refused.status_code == 200 and 'data-testid="form-errors"' in body_of(refused)

    # Adopted with amendments: refused without the amendments the meeting decided.
    response = client.post(
        detail(session),
        {**decide, "decide-head_decision": "adopt_with_amendments", "decide-reason": "理由"},
    )
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in body_of(response)
    assert not AgendaItem.objects.get(pk=item.pk).deliberation.head_decision
    response = client.post(detail(session), {**decide, "decide-reason": "供暖保障刻不容缓"})
    assert response.status_code == 302, body_of(response)
    assert AgendaItem.objects.get(pk=item.pk).deliberation.head_decision == "adopt"
    response = client.post(detail(session), {"action": "conclude"})
    assert response.status_code == 302, body_of(response)
    session.refresh_from_db()
    assert session.status == Session.Status.CONCLUDED

    page = body_of(client.get(detail(session)))
    assert 'data-testid="minutes-link"' in page and 'data-testid="record-link"' in page
    speakers = list(item.deliberation.statements.values_list("speaker__username", flat=True))
    assert speakers == ["member1", "member2", "member3", "principal"]


def test_the_minutes_download_as_docx_with_the_local_time_and_a_chinese_name(client, people):
    session, item = planned_with_item(client, people)
    response = open_session(client, people, session, present=people["members"])
    assert response.status_code == 302
    meeting = AgendaItem.objects.get(pk=item.pk).deliberation
    for member in people["members"]:
        s.meeting_statement_record(
            meeting=meeting, by=people["secretary"], speaker=member, position="support", text="同意"
        )
    s.meeting_decide(
        meeting=meeting, by=people["secretary"], head_decision="adopt", statement="同意。"
    )
    url = reverse("decisions:sessions:minutes", args=[session.pk])
    assert client.get(url).status_code == 404  # not concluded yet
    s.session_conclude(session=session, by=people["secretary"])

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    name = unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1))
    assert name == "乌恰县人民政府第1次常务会议纪要.docx"
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "2026-06-15 09:00" in text and "01:00" not in text
    assert item.title in text

    record = client.get(reverse("decisions:sessions:record", args=[session.pk]))
    assert record.status_code == 200 and "filename*=UTF-8''" in record["Content-Disposition"]


def test_a_township_drafter_gets_404_for_a_session_and_its_papers(client, people):
    session, _item = planned_with_item(client, people)
    client.force_login(people["outsider"])
    assert client.get(detail(session)).status_code == 404
    assert client.post(detail(session), {"action": "open"}).status_code == 404
    assert client.get(reverse("decisions:sessions:minutes", args=[session.pk])).status_code == 404
    assert f'data-session="{session.pk}"' not in body_of(
        client.get(reverse("decisions:sessions:index"))
    )


def test_a_member_sees_the_session_but_gets_403_when_adding_an_item(client, people):
    session, _item = planned_with_item(client, people)
    other = check(client, people, propose(client, people, title="关于城区停车收费的汇报"))
    client.force_login(people["members"][0])
    page = client.get(detail(session))
    assert page.status_code == 200
    assert 'data-testid="form-add"' not in body_of(page)
    assert client.post(detail(session), {"action": "add", "add-item": other.pk}).status_code == 403
    other.refresh_from_db()
    assert other.session_id is None
    # The lead unit's head sees the session of its item too; a unit without an item does not.
    client.force_login(people["housing_head"])
    assert client.get(detail(session)).status_code == 200
    client.force_login(people["drafter"])
    assert client.get(detail(session)).status_code == 404


def test_an_unchecked_item_is_refused_at_the_form_in_chinese(client, people):
    item = propose(client, people)
    session = plan(client, people)
    response = client.post(detail(session), {"action": "add", "add-item": item.pk})
    assert response.status_code == 200
    assert "不得列入会议议程" in body_of(response)
    item.refresh_from_db()
    assert item.session_id is None


def test_opening_below_quorum_is_refused_at_the_form_in_chinese(client, people):
    session, _item = planned_with_item(client, people)
    response = open_session(client, people, session, present=people["members"][:1])
    assert response.status_code == 200
    assert "出席人数不足" in body_of(response)
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED


def test_the_proposer_does_not_check_and_only_the_review_office_may(client, people):
    item = propose(client, people)
    client.force_login(people["housing_drafter"])
    assert f'data-testid="check-row" data-item="{item.pk}"' not in body_of(client.get(ITEMS))
    response = client.post(
        ITEMS, {"action": "check", "item": item.pk, "check-outcome": "lawful", "check-opinion": "x"}
    )
    assert response.status_code == 403
    client.force_login(people["outsider"])  # a township: the item does not exist for it
    response = client.post(
        ITEMS, {"action": "check", "item": item.pk, "check-outcome": "lawful", "check-opinion": "x"}
    )
    assert response.status_code == 404
    client.force_login(people["members"][0])  # a member proposes nothing
    response = client.post(ITEMS, {"action": "propose", "propose-title": "x"})
    assert response.status_code == 403


def test_an_exploratory_reform_is_checked_only_with_its_legal_risk_stated(client, people):
    item = propose(client, people)
    client.force_login(people["legal_advisor"])
    data = {
        "action": "check",
        "item": item.pk,
        "check-outcome": "unlawful",
        "check-opinion": "与上位法规定不一致",
        "check-exploratory_reform": "on",
    }
    response = client.post(ITEMS, data)
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in body_of(response)
    response = client.post(ITEMS, {**data, "check-legal_risk_statement": "存在被撤销的法律风险"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.exploratory_reform and item.legal_risk_statement == "存在被撤销的法律风险"


def test_user_text_is_escaped_on_the_item_and_session_pages(client, people):
    item = check(client, people, propose(client, people, title=XSS))
    session = plan(client, people)
    assert client.post(detail(session), {"action": "add", "add-item": item.pk}).status_code == 302
    for url in (ITEMS, detail(session)):
        body = body_of(client.get(url))
        assert XSS not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url


def test_every_form_of_the_session_page_carries_a_csrf_token(client, people):
    session, _item = planned_with_item(client, people)
    client.force_login(people["secretary"])
    body = body_of(client.get(detail(session)))
    assert body.count("<form") == body.count("csrfmiddlewaretoken") >= 3
    client.force_login(people["housing_drafter"])
    body = body_of(client.get(ITEMS))
    assert body.count('method="post"') == body.count("csrfmiddlewaretoken") >= 1


def test_a_major_decision_on_the_agenda_is_deliberated_in_its_own_meeting_step(
    client, people, catalogue_item
):
    from decisions.flows import DecisionFlow

    from .conftest import Driver

    drive = Driver(people, catalogue_item, flow=True)
    d = drive.up_to_meeting()
    session = plan(client, people)
    page = body_of(client.get(detail(session)))
    assert f'<option value="{d.pk}">' in page  # waiting for the meeting, reviewed
    response = client.post(
        detail(session),
        {
            "action": "add_decision",
            "add_decision-decision": d.pk,
            "add_decision-presenter": "",
        },
    )
    assert response.status_code == 302, body_of(response)
    item = AgendaItem.objects.get(decision=d)
    assert item.kind == "major_decision" and item.review_id is not None
    task = drive.processes[d.pk].task_set.get(
        flow_task=DecisionFlow.meeting, status__in=["NEW", "ASSIGNED"]
    )
    task_url = task.flow_task.reverse("index", args=[task.process_id, task.pk])
    response = open_session(client, people, session, present=people["members"], attendee="")
    assert response.status_code == 302, body_of(response)
    page = body_of(client.get(detail(session)))
    assert f'data-testid="decision-task-link" data-decision="{d.pk}"' in page
    assert task_url in page
    # No statement form for it on the session page: its step records them, so the flow moves.
    assert 'data-testid="form-statement"' not in page
    item_pk = item.pk
    refused = client.post(
        detail(session),
        {"action": "statement", "item": item_pk, "statement-speaker": people["members"][0].pk},
    )
    assert refused.status_code == 404
    # The lead unit's drafter sees the session (its item is on the agenda), without the forms.
    client.force_login(people["drafter"])
    page = body_of(client.get(detail(session)))
    assert (
        'data-testid="decision-task-link"' not in page
        and "<form" not in page.split('data-testid="session"', 1)[1]
    )

"""The drafting explanation (决策草案说明) goes out with the draft (第十四条), and a hearing's
notice and participant list reach the portal once it is announced (第十六条、第十七条)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from decisions import services as s
from decisions.models import Stage

pytestmark = pytest.mark.django_db

EXPLANATION = "一、起草依据 <script>alert('x')</script>\n二、主要内容：分两年调整到位。"


def test_the_draft_is_not_submitted_without_its_explanation(drive, people):
    d = drive.initiate(drafting_explanation="")
    with pytest.raises(ValidationError) as info:
        s.decision_draft_submit(decision=d, by=people["drafter"])
    assert info.value.code == "drafting_explanation_required"
    s.decision_draft_save(
        decision=d, by=people["drafter"], draft_text=d.draft_text, drafting_explanation="说明"
    )
    s.decision_draft_submit(decision=d, by=people["drafter"])
    d.refresh_from_db()
    assert d.stage == Stage.CONSULTATION


def test_the_public_consultation_page_shows_the_explanation_as_text(drive, people, client):
    d = drive.initiate(drafting_explanation=EXPLANATION)
    drafter = people["drafter"]
    s.decision_draft_submit(decision=d, by=drafter)
    now = timezone.now()
    consultation = s.decision_consultation_open(
        decision=d, by=drafter, opens_at=now, closes_at=now + timedelta(days=31)
    )
    page = client.get(reverse("public:consultation", args=[consultation.pk])).content.decode()
    assert "决策草案说明" in page
    assert "二、主要内容：分两年调整到位。" in page
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert d.draft_text in page


def test_an_announced_hearing_shows_its_notice_and_participants(drive, people, client):
    d = drive.initiate(hearing_needed=True)
    drafter = people["drafter"]
    today = timezone.localdate()
    hearing = s.hearing_schedule(
        decision=d,
        by=drafter,
        materials_sent_on=today,
        held_on=today + timedelta(days=10),
        place="县政府三楼会议室",
        participants="居民代表：张三、李四\n供热企业：乌恰县热力公司",
    )
    # Not announced yet: nothing on the portal.
    url = reverse("public:decision-hearing", args=[hearing.pk])
    assert client.get(url).status_code == 404
    with pytest.raises(ValidationError) as info:
        s.hearing_announce(hearing=hearing, by=drafter, notice=" ")
    assert info.value.code == "notice_required"
    s.hearing_announce(
        hearing=hearing, by=drafter, notice="定于十日后举行城区供热价格调整听证会。<b>欢迎旁听</b>"
    )
    page = client.get(url).content.decode()
    assert "居民代表：张三、李四" in page
    assert "乌恰县热力公司" in page
    assert "定于十日后举行城区供热价格调整听证会。" in page
    assert "&lt;b&gt;欢迎旁听&lt;/b&gt;" in page
    listing = client.get(reverse("public:decision-hearings")).content.decode()
    assert url in listing


def test_a_hearing_scheduled_with_its_notice_is_announced_at_once(drive, people, client):
    d = drive.initiate(hearing_needed=True)
    hearing = s.hearing_schedule(
        decision=d,
        by=people["drafter"],
        materials_sent_on=date(2024, 3, 1),
        held_on=date(2024, 3, 11),
        participants="消费者代表王五",
        notice="听证公告",
    )
    assert hearing.announced_at is not None
    page = client.get(reverse("public:decision-hearing", args=[hearing.pk])).content.decode()
    assert "消费者代表王五" in page
    assert "2024-03-11" in page

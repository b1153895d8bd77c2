"""Adopted with amendments (第三十条: 修改后通过): the amendments the meeting decided reach the
text that is published (第三十二条) and archived (第三十三条).

The lead unit's drafter enters the amended text (a new version), its unit head approves it and,
when the amendments are substantive, the review office confirms the text is lawful. Most tests
run a real DecisionFlow process (``Driver(flow=True)``), so the route from the meeting to the
new step and on to the Party report is the flow's."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import get_resolver, reverse
from viewflow.workflow.status import STATUS

from decisions import services as s
from decisions.flows import DecisionFlow
from decisions.models import DraftVersion, Stage

from .conftest import Driver

pytestmark = pytest.mark.django_db

AMENDMENTS = "第一条中的“每平方米22元”改为“每平方米20元”，并增加低保户减免条款。"
AMENDED_TEXT = "第一条 城区居民供热价格调整为每平方米20元。\n第二条 低保户减免50%。"


@pytest.fixture
def drive(people, catalogue_item):
    return Driver(people, catalogue_item, flow=True)


def refused(code, fn, *args, **kwargs):
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value
    return info.value


def decide(drive, d, *, head_decision="adopt_with_amendments", amendments=AMENDMENTS):
    """The meeting, every member first, the head last, deciding ``head_decision``."""
    p = drive.p
    meeting = drive.open_meeting(d)
    drive.statements(meeting, ["support", "support", "conditional", "conditional"])
    drive.step(
        d,
        "meeting",
        p["secretary"],
        lambda: s.meeting_decide(
            meeting=meeting,
            by=p["secretary"],
            head_decision=head_decision,
            statement="原则同意，按会议意见修改后印发。",
            amendments=amendments,
        ),
    )
    s.session_conclude(session=meeting.item.session, by=p["secretary"])
    d.refresh_from_db()
    meeting.refresh_from_db()
    return meeting


def open_task(drive, d, node):
    return drive.processes[d.pk].task_set.filter(
        flow_task=getattr(DecisionFlow, node), status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )


def amend(drive, d, text=AMENDED_TEXT, substantive=False):
    return drive.step(
        d,
        "incorporate_amendments",
        drive.p["drafter"],
        lambda: s.amended_version_submit(
            decision=d, by=drive.p["drafter"], text=text, substantive=substantive
        ),
    )


def approve(drive, d, version):
    head = drive.p["review_head"]  # the 司法局's head: the lead unit's unit head here
    result = drive.step(
        d, "approve_amendments", head, lambda: s.amended_version_approve(version=version, by=head)
    )
    d.refresh_from_db()
    return result


def test_adopt_with_amendments_requires_the_amendments(drive):
    d = drive.up_to_meeting()
    with pytest.raises(ValidationError) as info:
        decide(drive, d, amendments="")
    assert info.value.code == "amendments_required"
    d.refresh_from_db()
    assert d.stage == Stage.MEETING


def test_the_amended_text_is_a_new_version_and_is_what_is_published(drive, people):
    d = drive.up_to_meeting()
    draft = d.draft_text
    meeting = decide(drive, d)
    assert d.stage == Stage.AMENDING
    # The flow routed the outcome to the new step, not to the Party report.
    assert open_task(drive, d, "incorporate_amendments").exists()
    assert not open_task(drive, d, "party_report").exists()
    drafts = d.versions.count()

    version = amend(drive, d)
    assert version.kind == DraftVersion.Kind.AMENDED
    assert version.number == drafts + 1
    assert version.text == AMENDED_TEXT
    assert version.amendments == AMENDMENTS
    assert version.meeting == meeting
    d.refresh_from_db()
    assert d.stage == Stage.AMENDING  # waits for the unit head
    assert open_task(drive, d, "approve_amendments").exists()

    approve(drive, d, version)
    assert d.stage == Stage.PARTY_REPORT
    assert not open_task(drive, d, "approve_amendments").exists()
    assert not open_task(drive, d, "confirm_amendments").exists()
    assert open_task(drive, d, "party_report").exists()

    drive.publish(d)
    publication = d.publication
    assert publication.text == AMENDED_TEXT != draft
    assert publication.version == version
    assert publication.text_sha256 == hashlib.sha256(AMENDED_TEXT.encode()).hexdigest()
    assert d.stage == Stage.ARCHIVING


def test_an_unamended_text_or_an_empty_one_is_refused(drive):
    d = drive.up_to_meeting()
    decide(drive, d)
    refused(
        "amended_text_unchanged",
        s.amended_version_submit,
        decision=d,
        by=drive.p["drafter"],
        text=d.draft_text,
    )
    refused(
        "amended_text_required",
        s.amended_version_submit,
        decision=d,
        by=drive.p["drafter"],
        text=" ",
    )


def test_the_drafter_does_not_approve_the_amended_text(drive):
    d = drive.up_to_meeting()
    decide(drive, d)
    version = amend(drive, d)
    with pytest.raises(PermissionDenied):
        s.amended_version_approve(version=version, by=drive.p["drafter"])


def test_substantive_amendments_need_the_review_offices_confirmation(drive, people):
    d = drive.up_to_meeting()
    decide(drive, d)
    version = amend(drive, d, substantive=True)
    approve(drive, d, version)
    # Approved by the unit head, but not yet confirmed lawful: it does not go on.
    assert d.stage == Stage.AMENDING
    assert open_task(drive, d, "confirm_amendments").exists()
    assert not open_task(drive, d, "party_report").exists()
    # The drafter cannot confirm the text they entered, nor can the lead unit's head.
    with pytest.raises(PermissionDenied):
        s.amended_version_confirm(version=version, by=people["drafter"], lawful=True)
    with pytest.raises(PermissionDenied):
        s.amended_version_confirm(version=version, by=people["housing_head"], lawful=True)
    # Publication is not possible yet.
    refused(
        "wrong_stage",
        s.publication_record,
        decision=d,
        by=people["publisher"],
        channel="网站",
        interpretation="解读",
    )

    advisor = people["legal_advisor"]  # of the 司法局, the county's review office
    drive.step(
        d,
        "confirm_amendments",
        advisor,
        lambda: s.amended_version_confirm(
            version=version, by=advisor, lawful=True, opinion="修改内容合法。"
        ),
    )
    d.refresh_from_db()
    assert d.stage == Stage.PARTY_REPORT
    version.refresh_from_db()
    assert version.review_confirmed_by == advisor
    drive.publish(d)
    assert d.publication.text == AMENDED_TEXT


def test_the_review_office_returns_an_unlawful_amended_text(drive, people):
    d = drive.up_to_meeting()
    decide(drive, d)
    version = amend(drive, d, substantive=True)
    approve(drive, d, version)
    advisor = people["legal_advisor"]
    refused(
        "opinion_required", s.amended_version_confirm, version=version, by=advisor, lawful=False
    )
    drive.step(
        d,
        "confirm_amendments",
        advisor,
        lambda: s.amended_version_confirm(
            version=version, by=advisor, lawful=False, opinion="减免条款缺乏依据。"
        ),
    )
    d.refresh_from_db()
    assert d.stage == Stage.AMENDING
    # Back to the drafter (the flow's default route).
    assert open_task(drive, d, "incorporate_amendments").exists()
    assert s.pending_amended_version(d) is None
    # The drafter enters a new version; once approved (not substantive now) it goes on.
    second = amend(drive, d, text="第一条 城区居民供热价格调整为每平方米20元。")
    assert second.number == version.number + 1
    approve(drive, d, second)
    assert d.stage == Stage.PARTY_REPORT
    drive.publish(d)
    assert d.publication.version == second


def test_a_decision_adopted_as_it_stands_publishes_the_adopted_draft(drive, people):
    d = drive.up_to_meeting()
    drive.adopt(d)
    assert d.stage == Stage.PARTY_REPORT
    drive.publish(d)
    latest = d.versions.order_by("-number").first()
    assert d.publication.version == latest
    assert d.publication.text == latest.text == d.draft_text


def test_the_public_page_shows_the_amended_text(drive, client):
    d = drive.up_to_meeting()
    draft = d.draft_text
    decide(drive, d)
    approve(drive, d, amend(drive, d))
    drive.publish(d)
    page = client.get(reverse("public:decision", args=[d.pk])).content.decode()
    assert "每平方米20元" in page
    assert draft not in page
    assert "已按会议决定修改" in page


def test_the_archive_package_holds_the_published_amended_version(drive, people):
    from decisions.archive import _content

    d = drive.up_to_meeting()
    decide(drive, d)
    version = amend(drive, d)
    approve(drive, d, version)
    drive.publish(d)
    drive.step(
        d,
        "archive",
        people["archivist"],
        lambda: s.decision_seal(decision=d, by=people["archivist"]),
    )
    files = {f.name: f for f in _content(d) if getattr(f, "data", None) is not None}
    assert files["decision.txt"].data.decode().strip() == AMENDED_TEXT
    assert files[f"drafts/amended-v{version.number}.txt"].data.decode().strip() == AMENDED_TEXT


def test_the_drafter_enters_the_amended_text_on_the_task_page(drive, people, client):
    d = drive.up_to_meeting()
    decide(drive, d)
    get_resolver().url_patterns  # noqa: B018 - builds the site, which names the flow's nodes
    task = open_task(drive, d, "incorporate_amendments").get()
    url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    client.force_login(people["drafter"])
    page = client.get(url).content.decode()
    assert AMENDMENTS.split("，")[0] in page.replace("&ldquo;", "“").replace("&rdquo;", "”")
    response = client.post(
        url, {"action": "amend", "amend-text": AMENDED_TEXT, "amend-substantive": "on"}
    )
    assert response.status_code == 302
    version = d.versions.get(kind=DraftVersion.Kind.AMENDED)
    assert version.substantive and version.text == AMENDED_TEXT
    # The unit head's task comes next; the drafter is not offered it.
    head_task = open_task(drive, d, "approve_amendments").get()
    head_url = head_task.flow_task.reverse("execute", args=[head_task.process_id, head_task.pk])
    assert client.get(head_url).status_code == 403
    client.force_login(people["review_head"])
    assert "每平方米20元" in client.get(head_url).content.decode()

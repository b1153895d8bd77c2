"""Numbered sessions of the county government with agendas of several items (议题), each checked
for legality before it goes on the agenda (《重大行政决策程序暂行条例》第二十五条、第二十八条、
第三十条; the seed's 落实政府常务会议议题合法性审核)."""

import io
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from decisions import services as s
from decisions.documents import session_minutes_docx, session_record_docx
from decisions.models import AgendaItem, Decision, LegalityReview, Session, Stage
from decisions.rules.meeting import all_items_decided, may_go_on_agenda

from .conftest import Driver

NINE_AM_SHANGHAI = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)  # the suite runs at 10:00 that day


def code_of(excinfo) -> str:
    return excinfo.value.error_list[0].code


def text_of(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def propose(people, title="关于2026年城区冬季供暖保障工作的汇报", **kwargs):
    return s.agenda_item_propose(
        by=people["housing_drafter"],
        title=title,
        lead_unit=people["housing"],
        materials="供暖保障工作方案",
        **kwargs,
    )


def check(people, item, outcome="lawful", **kwargs):
    return s.agenda_item_check(
        item=item, by=people["legal_advisor"], outcome=outcome, opinion="经审核……", **kwargs
    )


@pytest.fixture
def housing_drive(people, catalogue_item):
    """A driver for a decision whose lead unit is 住建局 (a second lead unit), from the same
    catalogue (the Party committee's consent to it is recorded by ``catalogue_item``)."""
    item = s.catalogue_item_create(
        by=people["legal_advisor"],
        government=people["county"],
        year=catalogue_item.year,
        title="乌恰县老旧小区改造",
        lead_unit=people["housing"],
    )
    s.catalogue_party_consent_record(  # 第三条
        by=people["legal_advisor"],
        government=people["county"],
        year=catalogue_item.year,
        consented_by="中共乌恰县委常委会",
        consented_on=date(2024, 1, 10),
        reference="县委常委会2024年第1次会议",
    )
    item = s.catalogue_item_publish(item=item, by=people["legal_advisor"])
    return Driver(
        {**people, "drafter": people["housing_drafter"], "bureau": people["housing"]}, item
    )


# --- rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "reform", "risk", "goes"),
    [
        ("", False, "", False),
        ("lawful", False, "", True),
        ("lawful_with_amendments", False, "", True),
        ("unlawful", False, "", False),
        ("unlawful", True, "", False),
        ("unlawful", True, "   ", False),
        ("unlawful", True, "可能与上位法不一致的风险", True),
    ],
)
def test_an_item_goes_on_the_agenda_only_when_its_check_lets_it(outcome, reform, risk, goes):
    assert (
        may_go_on_agenda(outcome=outcome, exploratory_reform=reform, legal_risk_statement=risk)
        is goes
    )


def test_a_session_concludes_only_when_every_item_is_decided():
    assert all_items_decided(["adopt", "defer", "reject", "adopt_with_amendments"])
    assert not all_items_decided(["adopt", ""])
    assert all_items_decided([])


# --- numbering ---------------------------------------------------------------------------------


def test_sessions_are_numbered_per_government_kind_and_year(drive, people):
    first = drive.plan_session(held_at=datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    second = drive.plan_session(held_at=datetime(2026, 3, 9, 1, 0, tzinfo=UTC))
    plenary = drive.plan_session(kind="plenary", held_at=datetime(2026, 3, 9, 1, 0, tzinfo=UTC))
    # 2026-12-31 17:00 UTC is already 2027-01-01 in the county: next year's first session.
    next_year = drive.plan_session(held_at=datetime(2026, 12, 31, 17, 0, tzinfo=UTC))

    assert [(x.year, x.number) for x in (first, second, plenary, next_year)] == [
        (2026, 1),
        (2026, 2),
        (2026, 1),
        (2027, 1),
    ]
    with pytest.raises(PermissionDenied):
        s.session_plan(
            government=people["county"],
            by=people["drafter"],
            kind="executive",
            held_at=NINE_AM_SHANGHAI,
            principal=people["principal"],
        )
    with pytest.raises(ValidationError) as refused:
        s.session_plan(
            government=people["county"],
            by=people["secretary"],
            kind="executive",
            held_at=NINE_AM_SHANGHAI,
            principal=people["members"][0],
        )
    assert code_of(refused) == "not_principal"
    assert Session.objects.count() == 4


def test_the_session_is_named_as_the_county_names_it(drive, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    from django.utils import translation

    session = drive.plan_session(held_at=NINE_AM_SHANGHAI)
    with translation.override("zh-hans"):
        assert str(session) == "乌恰县人民政府第1次常务会议"


# --- the legality check of an item -------------------------------------------------------------


def test_an_item_without_a_concluded_check_cannot_be_added(drive, people):
    session = drive.plan_session(held_at=NINE_AM_SHANGHAI)
    item = propose(people)

    with pytest.raises(ValidationError) as refused:
        s.agenda_item_add(session=session, item=item, by=people["secretary"])
    assert code_of(refused) == "agenda_check_required"

    check(people, item, outcome="unlawful")
    with pytest.raises(ValidationError) as refused:
        s.agenda_item_add(session=session, item=item, by=people["secretary"])
    assert code_of(refused) == "agenda_check_required"

    check(people, item, outcome="lawful_with_amendments")
    added = s.agenda_item_add(session=session, item=item, by=people["secretary"])
    assert (added.session, added.order) == (session, 1)


def test_an_unlawful_exploratory_reform_goes_with_its_legal_risk_stated(drive, people):
    session = drive.plan_session(held_at=NINE_AM_SHANGHAI)
    item = propose(people, title="关于试行供热计量收费改革的方案")
    with pytest.raises(ValidationError) as refused:
        check(people, item, outcome="unlawful", exploratory_reform=True)
    assert code_of(refused) == "legal_risk_statement_required"
    check(
        people,
        item,
        outcome="unlawful",
        exploratory_reform=True,
        legal_risk_statement="尚无上位法依据，存在被撤销的风险",
    )
    assert s.agenda_item_add(session=session, item=item, by=people["secretary"]).order == 1


def test_the_check_is_made_by_the_review_office_and_never_by_the_proposer(
    drive, people, make_person
):
    item = propose(people)
    with pytest.raises(PermissionDenied):  # a drafter is not of the review office
        s.agenda_item_check(
            item=item, by=people["housing_drafter"], outcome="lawful", opinion="合法"
        )
    both = make_person(
        "both", people["bureau"], drafter=[people["bureau"]], legal_advisor=[people["bureau"]]
    )
    own = s.agenda_item_propose(
        by=both, title="关于司法所规范化建设的汇报", lead_unit=people["bureau"]
    )
    with pytest.raises(ValidationError) as refused:
        s.agenda_item_check(item=own, by=both, outcome="lawful", opinion="合法")
    assert code_of(refused) == "checker_is_proposer"
    with pytest.raises(PermissionDenied):  # a unit proposes only for itself
        s.agenda_item_propose(
            by=people["housing_drafter"], title="关于司法所的汇报", lead_unit=people["bureau"]
        )


# --- scheduling a major decision ---------------------------------------------------------------


def test_a_decision_not_passing_its_review_cannot_be_scheduled(drive, people):
    session = drive.plan_session(held_at=NINE_AM_SHANGHAI)
    early = drive.initiate()
    with pytest.raises(ValidationError) as refused:
        s.session_agenda_add_decision(session=session, decision=early, by=people["secretary"])
    assert code_of(refused) == "legality_review_required"

    d = drive.initiate()
    drive.consult(d)
    drive.assess(d)
    drive.review(d)
    assert d.stage == Stage.PACKAGE  # reviewed, but the package is not checked yet
    with pytest.raises(ValidationError) as refused:
        s.session_agenda_add_decision(session=session, decision=d, by=people["secretary"])
    assert code_of(refused) == "wrong_stage"

    drive.to_meeting(d)
    # The review found it unlawful after all (no exploratory reform): it may not go.
    LegalityReview.objects.filter(decision=d).update(outcome="unlawful")
    with pytest.raises(ValidationError) as refused:
        s.session_agenda_add_decision(session=session, decision=d, by=people["secretary"])
    assert code_of(refused) == "legality_review_required"
    assert not AgendaItem.objects.exists()


def test_a_deferred_decision_is_scheduled_onto_a_later_session(drive, people):
    d = drive.up_to_meeting()
    first = drive.open_meeting(d, session=drive.plan_session(held_at=NINE_AM_SHANGHAI))
    with pytest.raises(ValidationError) as refused:  # on an agenda and not decided yet
        s.session_agenda_add_decision(
            session=drive.plan_session(held_at=NINE_AM_SHANGHAI), decision=d, by=people["secretary"]
        )
    assert code_of(refused) == "already_on_agenda"
    drive.statements(first, ["support", "abstain", "abstain", "oppose"])
    s.meeting_decide(
        meeting=first, by=people["secretary"], head_decision="defer", statement="再研究。"
    )
    d.refresh_from_db()
    assert d.stage == Stage.MEETING

    later = drive.plan_session(held_at=NINE_AM_SHANGHAI)
    second = drive.open_meeting(d, session=later)
    assert second.item.session == later and later.number == 3
    assert list(d.agenda_items.order_by("pk").values_list("session__number", flat=True)) == [1, 3]


# --- a session with three items from two units -------------------------------------------------


def test_a_session_with_three_items_from_two_units_runs_and_its_papers_say_what_was_decided(
    drive, housing_drive, people
):
    secretary, members = people["secretary"], people["members"]
    heating = drive.up_to_meeting()  # 司法局 leads
    renewal = housing_drive.up_to_meeting()  # 住建局 leads
    Decision.objects.filter(pk=renewal.pk).update(title="关于实施城区老旧小区改造的决定")
    renewal.refresh_from_db()
    other = propose(people)  # 住建局's report, checked by 司法局 (the review office)
    check(people, other)

    session = drive.plan_session(held_at=NINE_AM_SHANGHAI)
    first = drive.schedule(heating, session)
    second = housing_drive.schedule(renewal, session)
    third = s.agenda_item_add(session=session, item=other, by=secretary)
    assert [i.order for i in (first, second, third)] == [1, 2, 3]
    assert first.kind == second.kind == AgendaItem.Kind.MAJOR_DECISION
    assert first.review == heating.legality_reviews.get() and first.check_outcome == "lawful"

    s.session_open(
        session=session,
        by=secretary,
        present=members[:3],
        absent=[(members[3], "出差")],
        attendees=[(people["housing_head"], people["housing"])],
    )
    session.refresh_from_db()
    assert session.status == Session.Status.OPEN
    one, two, three = (i.deliberation for i in session.items.order_by("order"))
    assert one.decision == heating and two.decision == renewal and three.decision is None
    assert one.attendance.filter(present=True).count() == 4  # the head and three members

    # Item 1: the head speaks last.
    for member in members[:2]:
        s.meeting_statement_record(
            meeting=one, by=secretary, speaker=member, position="support", text="同意。"
        )
    with pytest.raises(ValidationError) as refused:
        s.meeting_decide(meeting=one, by=secretary, head_decision="adopt", statement="通过。")
    assert code_of(refused) == "head_speaks_last"
    with pytest.raises(ValidationError) as refused:  # 列席 has no voice in the deliberation
        s.meeting_statement_record(
            meeting=one, by=secretary, speaker=people["housing_head"], position="support", text="x"
        )
    assert code_of(refused) == "not_present"
    s.meeting_statement_record(
        meeting=one,
        by=secretary,
        speaker=members[2],
        position="oppose",
        text="我不赞成，价格涨幅过大。",
    )
    s.meeting_decide(meeting=one, by=secretary, head_decision="adopt", statement="按方案二实施。")

    # Item 2: the head goes against the majority, with the reason.
    for member in members[:3]:
        s.meeting_statement_record(
            meeting=two, by=secretary, speaker=member, position="support", text="支持。"
        )
    with pytest.raises(ValidationError) as refused:
        s.meeting_decide(
            meeting=two, by=secretary, head_decision="reject", statement="本次不改造。"
        )
    assert code_of(refused) == "reason_required_against_majority"
    s.meeting_decide(
        meeting=two,
        by=secretary,
        head_decision="reject",
        statement="本次不改造。",
        reason="资金尚未落实，财政承受能力评估未完成",
    )

    with pytest.raises(ValidationError) as refused:
        s.session_conclude(session=session, by=secretary)
    assert code_of(refused) == "items_undecided"

    # Item 3 (not a decision): adopted with amendments, which must be said.
    for member in members[:3]:
        s.meeting_statement_record(
            meeting=three, by=secretary, speaker=member, position="conditional", text="原则支持。"
        )
    with pytest.raises(ValidationError) as refused:
        s.meeting_decide(
            meeting=three,
            by=secretary,
            head_decision="adopt_with_amendments",
            statement="修改后实施。",
        )
    assert code_of(refused) == "amendments_required"
    s.meeting_decide(
        meeting=three,
        by=secretary,
        head_decision="adopt_with_amendments",
        statement="修改后实施。",
        amendments="增加低保家庭供暖补贴条款",
    )
    s.session_conclude(session=session, by=secretary)

    session.refresh_from_db()
    heating.refresh_from_db()
    renewal.refresh_from_db()
    assert session.status == Session.Status.CONCLUDED
    assert (heating.stage, heating.outcome) == (Stage.PARTY_REPORT, "adopt")
    assert (renewal.stage, renewal.outcome) == (Stage.ARCHIVING, "reject")
    # The head spoke last on every item.
    for meeting in (one, two, three):
        assert meeting.statements.order_by("order").last().speaker == people["principal"]

    minutes = text_of(session_minutes_docx(session))
    assert "乌恰县人民政府第1次常务会议纪要" in minutes
    assert "时间：2026-06-15 09:00" in minutes and "01:00" not in minutes
    assert "主持：principal" in minutes
    assert "缺席：member4（出差）" in minutes
    assert "列席：housing_head（乌恰县住房和城乡建设局）" in minutes
    for title in (heating.title, renewal.title, other.title):
        assert title in minutes
    assert minutes.index(heating.title) < minutes.index(renewal.title) < minutes.index(other.title)
    assert "会议决定：通过" in minutes
    assert "会议决定：不予通过" in minutes
    assert "资金尚未落实，财政承受能力评估未完成" in minutes
    assert "会议决定：修改后通过" in minutes and "增加低保家庭供暖补贴条款" in minutes
    assert "乌恰县人民政府办公室" in minutes
    for vote in ("同意", "反对", "弃权"):
        assert vote not in minutes
    assert session_minutes_docx(session) == session_minutes_docx(session)

    record = text_of(session_record_docx(session))
    assert "我不赞成，价格涨幅过大。" in record  # dissent verbatim
    assert record.index("我不赞成") < record.index("按方案二实施。") < record.index("支持。")
    assert session_record_docx(session) == session_record_docx(session)


def test_a_session_opens_only_with_a_quorum_and_an_agenda(drive, people):
    secretary, members = people["secretary"], people["members"]
    session = drive.plan_session(held_at=NINE_AM_SHANGHAI)
    with pytest.raises(ValidationError) as refused:
        s.session_open(session=session, by=secretary, present=members)
    assert code_of(refused) == "agenda_empty"
    item = propose(people)
    check(people, item)
    s.agenda_item_add(session=session, item=item, by=secretary)
    with pytest.raises(ValidationError) as refused:  # 2 of 5 present, the head included
        s.session_open(session=session, by=secretary, present=members[:1], absent=members[1:])
    assert code_of(refused) == "below_quorum"
    with pytest.raises(ValidationError) as refused:
        s.session_open(session=session, by=secretary, present=[people["drafter"]])
    assert code_of(refused) == "not_a_member"
    s.session_open(session=session, by=secretary, present=members[:2], absent=members[2:])
    item.refresh_from_db()
    assert item.deliberation.attendance.filter(present=True).count() == 3


# --- the decision's meeting step, by the API ---------------------------------------------------


def test_the_meeting_step_schedules_states_and_decides_by_api(people, catalogue_item):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    drive = Driver(people, catalogue_item, flow=True)
    d = drive.up_to_meeting()
    secretary = people["secretary"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=secretary).key}")
    url = f"/api/v1/decisions/{d.pk}"

    def post(route, body):
        return client.post(f"{url}/{route}/", body, format="json")

    session = drive.plan_session(held_at=NINE_AM_SHANGHAI)
    response = post("meeting-schedule", {"session": session.pk})
    assert response.status_code == 200, response.json()
    item = d.agenda_items.get()
    assert item.session == session and item.kind == AgendaItem.Kind.MAJOR_DECISION
    # Scheduled, the statements wait for the session to open.
    speaker = people["members"][0]
    said = {"speaker": speaker.pk, "position": "support", "text": "同意。"}
    assert post("meeting-statement", said).status_code in (400, 409)
    drive.open_session(session)
    for member in people["members"]:
        response = post("meeting-statement", {**said, "speaker": member.pk})
        assert response.status_code == 200, response.json()
    response = post("meeting-decide", {"head_decision": "adopt", "statement": "通过。"})
    assert response.status_code == 200, response.json()
    d.refresh_from_db()
    assert d.stage == Stage.PARTY_REPORT
    assert [t["node"] for t in response.json()["open_tasks"]] == ["party_report"]


def test_a_normative_document_goes_on_the_agenda_once_its_own_review_found_it_lawful(
    drive, people, make_person
):
    from normdocs.models import LegalityReview as DocumentReview
    from normdocs.models import NormativeDocument
    from normdocs.services import drafting_body_register

    body = drafting_body_register(
        unit=people["county"],
        kind="government",
        legal_basis="《地方各级人民代表大会和地方各级人民政府组织法》第七十三条",
        issuer_codes=["恰政"],
        by=make_person("body_clerk", people["county"], administrator=[people["county"]]),
    )
    document = NormativeDocument.objects.create(
        title="乌恰县城区供热管理办法", drafting_body=body, issuer_code="恰政"
    )
    # Proposed while it awaits deliberation, reviewed lawful (the proposal refuses anything else:
    # tests/decisions/test_session_normdocs.py); its review may change before it is added.
    NormativeDocument.objects.filter(pk=document.pk).update(status="deliberation")
    review = DocumentReview.objects.create(
        document=document,
        submitted_by=people["housing_drafter"],
        submitted_on=date(2026, 6, 1),
        outcome="lawful",
    )
    item = s.agenda_item_propose(
        by=people["secretary"],
        title=document.title,
        lead_unit=people["county"],
        kind="normative_document",
        document=document,
    )
    with pytest.raises(ValidationError) as refused:  # its own review decides, not a second check
        check(people, item)
    assert code_of(refused) == "document_item_check"
    session = drive.plan_session(held_at=NINE_AM_SHANGHAI)
    DocumentReview.objects.filter(pk=review.pk).update(outcome="")
    with pytest.raises(ValidationError) as refused:  # not concluded
        s.agenda_item_add(session=session, item=item, by=people["secretary"])
    assert code_of(refused) == "agenda_check_required"
    DocumentReview.objects.filter(pk=review.pk).update(outcome="unlawful")
    with pytest.raises(ValidationError) as refused:
        s.agenda_item_add(session=session, item=item, by=people["secretary"])
    assert code_of(refused) == "agenda_check_required"
    DocumentReview.objects.filter(pk=review.pk).update(outcome="lawful")
    assert s.agenda_item_add(session=session, item=item, by=people["secretary"]).order == 1


def test_a_deferred_decision_is_offered_again_in_the_flow_and_scheduled_onto_a_later_session(
    people, catalogue_item
):
    from viewflow.workflow.status import STATUS

    from decisions.flows import DecisionFlow
    from decisions.steps.meeting import MeetingWork

    drive = Driver(people, catalogue_item, flow=True)
    d = drive.up_to_meeting()
    secretary = people["secretary"]
    first = drive.open_meeting(d, session=drive.plan_session(held_at=NINE_AM_SHANGHAI))
    drive.statements(first, ["abstain"] * 4)
    drive.step(
        d,
        "meeting",
        secretary,
        lambda: s.meeting_decide(
            meeting=first, by=secretary, head_decision="defer", statement="再研究。"
        ),
    )
    d.refresh_from_db()
    assert d.stage == Stage.MEETING
    process = drive.processes[d.pk]
    task = process.task_set.get(
        flow_task=DecisionFlow.meeting, status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    assert task is not None  # the flow offers the meeting step again
    assert MeetingWork(d, secretary).shown_actions() == ["schedule"]

    later = drive.plan_session(held_at=NINE_AM_SHANGHAI)
    second = drive.open_meeting(d, session=later)
    assert second.item.session == later and second.status == "open"

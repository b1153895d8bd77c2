"""Major decisions entered after the fact read in the annual report as if done live (domain.md
§5: the report counts by the day of the act): each decision service takes the act's moment
(``at``), and the 2025 report of a back-entered year equals the one done live on those days.
Every decision figure moves its sentence; a deferral is no collective decision (第三十条)."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from decisions import services as s
from decisions.models import (
    AgendaItem,
    Decision,
    LegalityReview,
    Meeting,
    RiskAssessment,
    RiskDimension,
    Statement,
)
from decisions.report import decisions_section
from tests.decisions.conftest import (
    LEGAL_BASIS,
    RISK_OK,
    people,  # noqa: F401 (fixture shared with the decisions tests)
)
from workflows.calendar import add_working_days
from workflows.clocks.selectors import calendar_for
from workflows.consultations.models import Comment, Consultation, Disposition
from workflows.consultations.services import comment_submit
from workflows.record.models import Event
from workflows.reports import annual_report

pytestmark = pytest.mark.django_db
YEAR = 2025
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def catalogue_item(people):  # noqa: F811
    """The 2025 catalogue item, published after the Party committee consented (第三条)."""
    item = s.catalogue_item_create(
        by=people["legal_advisor"],
        government=people["county"],
        year=YEAR,
        title="乌恰县城区供热管网改造",
        lead_unit=people["bureau"],
    )
    s.catalogue_party_consent_record(
        by=people["legal_advisor"],
        government=people["county"],
        year=YEAR,
        consented_by="中共乌恰县委常委会",
        consented_on=date(YEAR, 1, 10),
        reference="县委常委会2025年第1次会议",
    )
    return s.catalogue_item_publish(item=item, by=people["legal_advisor"])


def _year_of_decisions(*, live: bool, travel_to, people, item) -> None:  # noqa: F811
    """The 2025 acts on two decisions and a session, each at its moment: live (the clock moved
    there, no date given) or back-entered (the moment given as ``at``). Decision 1 is adopted,
    published and archived; decision 2 is deferred; of two other items proposed to the
    session, the review office lets one go and refuses the other."""

    def at(month, day, hour=10, minute=0):
        moment = datetime(YEAR, month, day, hour, tzinfo=SHANGHAI) + timedelta(minutes=minute)
        if live:
            travel_to(moment)
            return None
        return moment

    drafter, advisor, secretary = people["drafter"], people["legal_advisor"], people["secretary"]
    decisions = []
    for n in (0, 1):  # the second decision a day behind the first
        d = s.decision_initiate(
            by=drafter,
            lead_unit=people["bureau"],
            catalogue_item=item,
            title=f"关于城区供热管网改造第{n + 1}期工程的决定",
            problem="老旧管网跑冒滴漏严重。",
            legal_basis=LEGAL_BASIS,
            start_decided_by="乌恰县人民政府县长",
            start_decided_on=date(YEAR, 2, 3),
            start_reference="县长批示〔2025〕第3号",
            at=at(2, 10 + n),
        )
        s.decision_draft_save(
            decision=d,
            by=drafter,
            draft_text="一、改造一级管网6.5公里。",
            drafting_explanation="一、起草依据；二、主要内容。",
            options=[{"title": "方案一", "text": "一次实施"}, {"title": "方案二", "text": "分期"}],
        )
        s.decision_draft_submit(decision=d, by=drafter, at=at(2, 20 + n))
        opens_at = datetime(YEAR, 2, 21 + n, 10, tzinfo=SHANGHAI)
        at(2, 21 + n)
        consultation = s.decision_consultation_open(
            decision=d, by=drafter, opens_at=opens_at, closes_at=opens_at + timedelta(days=31)
        )
        for i, text in enumerate(("建议分期实施", "建议公示施工时间")):
            moment = at(3, 1 + n, 10 + i)
            comment_submit(consultation=consultation, text=text, name="居民", at=moment)
        s.decision_consultation_close(decision=d, at=at(3, 24 + n))
        at(3, 25 + n)
        for comment, outcome in zip(
            consultation.comments.order_by("pk"), ("adopted", "not_adopted"), strict=True
        ):
            s.decision_comment_dispose(comment=comment, by=drafter, outcome=outcome, reason="理由")
        s.decision_consultation_finish(decision=d, by=drafter, at=at(3, 26 + n))
        s.risk_assessment_submit(
            decision=d,
            by=drafter,
            dimensions=RISK_OK,
            contingency_plan="应急预案",
            overall_level="low",
            at=at(3, 28 + n),
        )
        s.decision_assessments_complete(decision=d)
        submitted_on = date(YEAR, 4, 1 + n)
        s.legality_review_submit(
            decision=d,
            by=drafter,
            procedures_account="已公开征求意见、风险评估",
            opinion_needed_by=add_working_days(submitted_on, 8, calendar=calendar_for()),
            at=at(4, 1 + n),
        )
        review = s.latest_review(d)
        s.legality_review_complete(
            review=review, by=advisor, outcome="lawful", opinion="合法", at=at(4, 7 + n)
        )
        s.legality_review_approve(review=review, by=people["review_head"], at=at(4, 8 + n, 11))
        s.decision_package_check(decision=d, by=drafter, at=at(4, 9 + n))
        decisions.append(d)
    items = []
    for title, outcome in (
        ("关于春季供暖收尾工作的汇报", "lawful"),
        ("关于收取管网占用费的请示", "unlawful"),
    ):
        proposed = s.agenda_item_propose(
            by=people["housing_drafter"],
            title=title,
            lead_unit=people["housing"],
            at=at(4, 2),
        )
        items.append(
            s.agenda_item_check(
                item=proposed, by=advisor, outcome=outcome, opinion="审核意见", at=at(4, 3)
            )
        )
    held_at = datetime(YEAR, 4, 15, 10, tzinfo=SHANGHAI)
    session = s.session_plan(
        government=people["county"],
        by=secretary,
        kind="executive",
        held_at=held_at,
        principal=people["principal"],
        at=at(4, 10),
    )
    scheduled = at(4, 11)
    for d in decisions:
        s.session_agenda_add_decision(session=session, decision=d, by=secretary, at=scheduled)
    s.agenda_item_add(session=session, item=items[0], by=secretary, at=scheduled)
    s.session_open(session=session, by=secretary, present=people["members"], at=at(4, 15))
    minute = 0
    for item, decided in zip(
        session.items.order_by("order"), ("adopt", "defer", "adopt"), strict=True
    ):
        meeting = item.deliberation
        for member in people["members"]:
            minute += 5
            s.meeting_statement_record(
                meeting=meeting,
                by=secretary,
                speaker=member,
                position="support",
                text="同意。",
                at=at(4, 15, 10, minute),
            )
        minute += 5
        s.meeting_decide(
            meeting=meeting,
            by=secretary,
            head_decision=decided,
            statement="同意。" if decided == "adopt" else "暂缓，补充材料后再议。",
            reason="" if decided == "adopt" else "施工方案尚需补充",
            at=at(4, 15, 10, minute),
        )
    s.session_conclude(session=session, by=secretary, at=at(4, 15, 12))
    adopted = decisions[0]
    at(4, 20)
    s.party_report_record(
        decision=adopted,
        by=secretary,
        reported_on=date(YEAR, 4, 20),
        reference="恰政报〔2025〕8号",
        recipient="中共乌恰县委员会",
    )
    at(4, 25)
    s.publication_record(
        decision=adopted,
        by=people["publisher"],
        published_on=date(YEAR, 4, 25),
        channel="乌恰县人民政府网站",
        interpretation="本决定明确改造范围。",
    )
    s.decision_seal(decision=adopted, by=people["archivist"], at=at(5, 6))


def _comparable(report: dict) -> str:
    report = {k: v for k, v in report.items() if k != "generated_at"}
    return json.dumps(report, ensure_ascii=False, sort_keys=True, default=str)


def test_back_entered_decisions_read_the_same_as_decisions_done_live(
    people,  # noqa: F811
    catalogue_item,
    travel_to,
):
    reports = {}
    for live in (False, True):
        with transaction.atomic():
            now = travel_to(date(2026, 6, 15))
            _year_of_decisions(live=live, travel_to=travel_to, people=people, item=catalogue_item)
            travel_to(now)
            reports[live] = _comparable(annual_report(YEAR))
            transaction.set_rollback(True)

    assert reports[False] == reports[True]
    section = json.loads(reports[False])["sections"]["decisions"]
    figures = section["figures"]
    assert figures["started"] == 2
    assert figures["decided"] == {"adopt": 1, "adopt_with_amendments": 0, "reject": 0}
    assert figures["deferred"] == 1
    assert figures["full_procedure"] == 1
    assert figures["sessions"]["held"] == {"executive": 1, "plenary": 0}
    assert figures["agenda_checks"] == {"checked": 2, "refused": 1}
    assert figures["risk_assessments"]["by_dimension"]["economy"] == 2
    assert figures["legality_reviews"]["working_days"]["not_computable"] == 0
    deadlines = json.loads(reports[False])["sections"]["deadlines"]["figures"]["total"]
    assert deadlines["met_late"] == deadlines["overdue"] == 0


def test_a_back_entered_act_keeps_its_date_beside_the_time_of_entry(
    people,  # noqa: F811
    catalogue_item,
    travel_to,
):
    travel_to(date(2026, 6, 15))
    _year_of_decisions(live=False, travel_to=travel_to, people=people, item=catalogue_item)

    event = Event.objects.filter(action="decision.risk_assessed").order_by("pk").first()
    assert event.payload["on"] == "2025-03-28"
    assert event.at.year == 2026  # the time of entry
    assessed = RiskAssessment.objects.order_by("pk").first().submitted_at
    assert assessed.astimezone(SHANGHAI) == datetime(YEAR, 3, 28, 10, tzinfo=SHANGHAI)
    assert Decision.objects.order_by("pk").first().created_at.year == YEAR


def test_an_act_cannot_be_dated_in_the_future(people, catalogue_item, travel_to):  # noqa: F811
    travel_to(date(2026, 6, 15))

    with pytest.raises(ValidationError) as refused:
        s.decision_initiate(
            by=people["drafter"],
            lead_unit=people["bureau"],
            catalogue_item=catalogue_item,
            title="关于城区供热管网改造的决定",
            problem="老旧管网。",
            legal_basis=LEGAL_BASIS,
            at=datetime(2026, 7, 1, 10, tzinfo=SHANGHAI),
        )
    assert refused.value.code == "act_in_future"


def _section():
    return decisions_section(YEAR)


def _text(section) -> str:
    return "".join(section["sentences"])


def test_a_deferral_is_not_a_collective_decision(people, catalogue_item, travel_to):  # noqa: F811
    travel_to(date(2026, 6, 15))
    _year_of_decisions(live=False, travel_to=travel_to, people=people, item=catalogue_item)
    section = _section()
    figures = section["figures"]

    assert sum(figures["decided"].values()) == 1
    assert figures["deferred"] == 1
    assert figures["head_spoke_last"] == 1  # only the decision taken
    assert figures["sessions"]["items_deliberated"]["major_decision"] == 1
    assert figures["sessions"]["items_deferred"] == 1
    text = _text(section)
    assert "集体讨论决定重大行政决策1项（通过1项），暂缓审议1项" in text
    assert "审议议题2项（重大行政决策事项1项、其他议题1项），暂缓审议议题1项" in text


def _move_year(model, field):
    return lambda: model.objects.update(**{field: datetime(YEAR - 1, 6, 1, 10, tzinfo=SHANGHAI)})


def _undefer():
    meeting = Meeting.objects.get(head_decision="defer")
    Meeting.objects.filter(pk=meeting.pk).update(head_decision="adopt")


def _head_not_last():
    meeting = Meeting.objects.filter(decision__isnull=False, head_decision="adopt").get()
    Statement.objects.filter(meeting=meeting, speaker=meeting.principal).update(order=0)


def _drop_a_comment():
    comment = Comment.objects.order_by("pk")[0]
    Disposition.objects.filter(comment=comment).delete()
    comment.delete()


# figure -> (change one counted record, the figure's path, its new value, the new phrase)
MUTATIONS = {
    "decisions started": (
        lambda: Decision.objects.filter(pk=Decision.objects.order_by("pk")[0].pk).update(
            created_at=datetime(YEAR - 1, 6, 1, tzinfo=SHANGHAI)
        ),
        ("started",),
        1,
        None,
    ),
    "decided": (_undefer, ("decided", "adopt"), 2, "集体讨论决定重大行政决策2项（通过2项）"),
    "deferred": (_undefer, ("deferred",), 0, "审议议题3项（重大行政决策事项2项、其他议题1项）"),
    "head spoke last": (_head_not_last, ("head_spoke_last",), 0, "末位发言0项"),
    "full procedure": (
        lambda: Decision.objects.filter(sealed_at__isnull=False).update(
            seal_checklist={"complete": False}
        ),
        ("full_procedure",),
        0,
        "履行全部法定程序并归档0项",
    ),
    "agenda items checked": (
        lambda: AgendaItem.objects.filter(check_outcome="unlawful").update(
            checked_at=datetime(YEAR - 1, 6, 1, tzinfo=SHANGHAI)
        ),
        ("agenda_checks", "checked"),
        1,
        "审核提请会议审议的其他议题1项",
    ),
    "agenda items refused": (
        lambda: AgendaItem.objects.filter(check_outcome="unlawful").update(
            check_outcome="lawful_with_amendments"
        ),
        ("agenda_checks", "refused"),
        0,
        "不予提请会议审议0项",
    ),
    "consultations held": (
        lambda: Consultation.objects.filter(pk=Consultation.objects.order_by("pk")[0].pk).update(
            opens_at=datetime(YEAR - 1, 6, 1, tzinfo=SHANGHAI)
        ),
        ("consultations", "held"),
        1,
        "对1项决策草案公开征求意见",
    ),
    "consultations skipped": (
        lambda: Decision.objects.filter(pk=Decision.objects.order_by("pk")[1].pk).update(
            not_disclosable=True, not_disclosable_reason="涉及国家秘密"
        ),
        ("consultations", "skipped"),
        1,
        "1项依法不予公开征求意见（涉及国家秘密）",
    ),
    "comments adopted": (
        lambda: Disposition.objects.update(outcome="adopted"),
        ("public_comments", "adopted"),
        4,
        "采纳4条",
    ),
    "comments received": (
        _drop_a_comment,
        ("public_comments", "received"),
        3,
        "收到意见3条",
    ),
    "risk assessments": (
        _move_year(RiskAssessment, "submitted_at"),
        ("risk_assessments", "submitted"),
        0,
        "开展风险评估0次",
    ),
    "risk by dimension": (
        lambda: RiskDimension.objects.filter(
            pk=RiskDimension.objects.filter(dimension="economy").order_by("pk")[0].pk
        ).delete(),
        ("risk_assessments", "by_dimension", "economy"),
        1,
        "生态环境2项、经济1项",
    ),
    "legality reviews": (
        lambda: LegalityReview.objects.filter(
            pk=LegalityReview.objects.order_by("pk")[0].pk
        ).update(outcome="lawful_with_amendments"),
        ("legality_reviews", "outcomes", "lawful"),
        1,
        "合法1件、修改后合法1件",
    ),
}


@pytest.mark.parametrize("figure", list(MUTATIONS))
def test_changing_a_counted_decision_record_changes_its_sentence(
    figure,
    people,  # noqa: F811
    catalogue_item,
    travel_to,
):
    travel_to(date(2026, 6, 15))
    _year_of_decisions(live=False, travel_to=travel_to, people=people, item=catalogue_item)
    mutate, path, expected, phrase = MUTATIONS[figure]
    before = _section()

    mutate()
    after = _section()

    value = after["figures"]
    for key in path:
        value = value[key]
    assert value == expected
    if phrase is None:  # the decisions started have no sentence of their own: the JSON says it
        return
    assert _text(after) != _text(before)
    assert phrase in _text(after)

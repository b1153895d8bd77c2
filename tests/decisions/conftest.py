"""People and helpers for driving a decision through its procedure with the real services."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.utils import timezone

from decisions import services as s
from decisions.models import Stage

LEGAL_BASIS = ["《中华人民共和国城乡规划法》第十六条", "《重大行政决策程序暂行条例》"]
RISK_OK = {
    name: {"level": "low", "risk_points": f"{name} points", "mitigations": f"{name} measures"}
    for name in ("social_stability", "public_safety", "ecological_environment", "economy")
}


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def people(make_person, county, justice_bureau, drafter, legal_advisor, archivist, outsider):
    members = [make_person(f"member{i}", county, meeting_member=[county]) for i in range(1, 5)]
    return {
        "drafter": drafter,
        "legal_advisor": legal_advisor,
        "archivist": archivist,
        "outsider": outsider,
        "secretary": make_person("secretary", county, meeting_secretary=[county]),
        "principal": make_person("principal", county, principal=[county]),
        "publisher": make_person("publisher", county, publisher=[county]),
        "expert": make_person("expert", county, expert=[county]),
        "risk_assessor": make_person("risk_assessor", county, risk_assessor=[county]),
        "members": members,
        "county": county,
        "bureau": justice_bureau,
    }


@pytest.fixture
def catalogue_item(people):
    item = s.catalogue_item_create(
        by=people["legal_advisor"],
        government=people["county"],
        year=2024,
        title="乌恰县城区供热价格调整",
        lead_unit=people["bureau"],
    )
    return s.catalogue_item_publish(item=item, by=people["legal_advisor"])


class Driver:
    """Moves one decision stage by stage through the services, as the people would."""

    def __init__(self, people, catalogue_item):
        self.p = people
        self.item = catalogue_item

    def initiate(self, **flags):
        d = s.decision_initiate(
            by=self.p["drafter"],
            lead_unit=self.p["bureau"],
            catalogue_item=self.item,
            title="关于调整城区供热价格的决定",
            problem="供热成本上涨，现行价格难以为继。",
            legal_basis=LEGAL_BASIS,
        )
        s.decision_draft_save(
            decision=d,
            by=self.p["drafter"],
            draft_text="第一条 城区居民供热价格调整为每平方米22元。",
            options=[
                {"title": "方案一", "text": "一次调整到位"},
                {"title": "方案二", "text": "分两年调整"},
            ],
            **flags,
        )
        d.refresh_from_db()
        return d

    def consult(self, d, comments=("建议分步调整",), dispose=True):
        s.decision_draft_submit(decision=d, by=self.p["drafter"])
        now = timezone.now()
        consultation = s.decision_consultation_open(
            decision=d,
            by=self.p["drafter"],
            opens_at=now - timedelta(days=31),
            closes_at=now - timedelta(minutes=1),
        )
        from workflows.consultations.services import comment_submit

        for text in comments:
            comment_submit(
                consultation=consultation, text=text, name="居民", at=now - timedelta(days=2)
            )
        s.decision_consultation_close(decision=d)
        if dispose:
            for comment in consultation.comments.all():
                s.decision_comment_dispose(
                    comment=comment,
                    by=self.p["drafter"],
                    outcome="partly_adopted",
                    reason="分两年实施",
                )
            s.decision_consultation_finish(decision=d, by=self.p["drafter"])
        d.refresh_from_db()
        consultation.refresh_from_db()
        return consultation

    def assess(self, d, level="medium"):
        s.risk_assessment_submit(
            decision=d,
            by=self.p["drafter"],
            dimensions=RISK_OK,
            contingency_plan="应急预案",
            overall_level=level,
        )
        s.decision_assessments_complete(decision=d)
        d.refresh_from_db()
        return d

    def review(self, d, outcome="lawful", **kwargs):
        review = s.legality_review_submit(
            decision=d, by=self.p["drafter"], procedures_account="已公开征求意见、风险评估"
        )
        s.legality_review_complete(
            review=review, by=self.p["legal_advisor"], outcome=outcome, opinion="经审查……", **kwargs
        )
        d.refresh_from_db()
        return review

    def to_meeting(self, d):
        s.decision_package_check(decision=d, by=self.p["drafter"])
        d.refresh_from_db()
        return d

    def open_meeting(self, d, absent=()):
        present = [m for m in self.p["members"] if m not in absent]
        return s.meeting_open(
            decision=d,
            by=self.p["secretary"],
            kind="executive",
            held_at=timezone.now(),
            principal=self.p["principal"],
            members=present,
            absent=list(absent),
        )

    def statements(self, meeting, positions):
        for member, position in zip(self.p["members"], positions, strict=False):
            s.meeting_statement_record(
                meeting=meeting,
                by=self.p["secretary"],
                speaker=member,
                position=position,
                text=f"{member.username}：{position}",
            )

    def up_to_meeting(self, **flags):
        d = self.initiate(**flags)
        self.consult(d)
        self.assess(d)
        self.review(d)
        return self.to_meeting(d)

    def adopt(self, d):
        meeting = self.open_meeting(d)
        self.statements(meeting, ["support", "support", "conditional", "oppose"])
        s.meeting_decide(
            meeting=meeting,
            by=self.p["secretary"],
            head_decision="adopt",
            statement="同意，按方案二实施。",
        )
        d.refresh_from_db()
        return meeting

    def publish(self, d):
        s.party_report_record(
            decision=d,
            by=self.p["secretary"],
            reported_on=date.today(),
            reference="恰政报〔2024〕3号",
            recipient="中共乌恰县委",
        )
        s.publication_record(
            decision=d,
            by=self.p["publisher"],
            published_on=date.today(),
            channel="乌恰县人民政府网站",
            interpretation="政策解读……",
        )
        d.refresh_from_db()
        return d


@pytest.fixture
def drive(people, catalogue_item):
    return Driver(people, catalogue_item)


__all__ = ["Stage", "docx_bytes", "LEGAL_BASIS", "RISK_OK"]


@pytest.fixture
def review_reaches_unknown_year(settings):
    """As in late December: the decision's legality review, opened today, would end in a year
    whose State Council holiday notice nobody has entered yet (domain.md §4). The years after
    this one are unknown (as they are until a notice or a chinesecalendar release carries
    them), and the jurisdiction's review period runs into next January."""
    from workflows.clocks.models import DeadlineRuleOverride
    from workflows.clocks.selectors import jurisdiction_default

    today = timezone.localdate()
    settings.FAZHI_HOLIDAY_PACKAGE_UNTIL = today.year
    DeadlineRuleOverride.objects.create(
        jurisdiction=jurisdiction_default(),
        rule_key="decision.legality_review",
        unit="working",
        amount=(date(today.year + 1, 1, 10) - today).days,
        legal_source="《重大行政决策程序暂行条例》第二十六条",
    )

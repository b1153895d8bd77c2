"""People and helpers for driving a decision through its procedure with the real services."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from decisions import services as s
from decisions.flows import DecisionFlow
from decisions.models import Stage
from workflows.consultations.services import comment_submit
from workflows.tasking import task_run

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
    from workflows.models import Unit
    from workflows.services import unit_ensure

    members = [make_person(f"member{i}", county, meeting_member=[county]) for i in range(1, 5)]
    # A second lead unit (住建局) and the government office (县政府办) that issues the 纪要.
    housing = unit_ensure(
        name="乌恰县住房和城乡建设局", kind=Unit.Kind.DEPARTMENT, issuer_code="恰建", parent=county
    )[0]
    office = unit_ensure(
        name="乌恰县人民政府办公室", kind=Unit.Kind.DEPARTMENT, issuer_code="恰政办", parent=county
    )[0]
    county.general_office = office
    county.save(update_fields=["general_office"])
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
        # The head of the review office (司法局), who approves its opinions (第二十八条).
        "review_head": make_person("review_head", justice_bureau, unit_head=[justice_bureau]),
        "members": members,
        "county": county,
        "bureau": justice_bureau,
        "housing": housing,
        "housing_drafter": make_person("housing_drafter", housing, drafter=[housing]),
        "housing_head": make_person("housing_head", housing, unit_head=[housing]),
        "general_office": office,
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
    # 第三条: published after the county Party committee consented.
    s.catalogue_party_consent_record(
        by=people["legal_advisor"],
        government=people["county"],
        year=2024,
        consented_by="中共乌恰县委常委会",
        consented_on=date(2024, 1, 10),
        reference="县委常委会2024年第1次会议",
    )
    return s.catalogue_item_publish(item=item, by=people["legal_advisor"])


class Driver:
    """Moves one decision stage by stage through the services, as the people would.

    With ``flow=True`` each decision runs in a real ``DecisionFlow`` process: every step is done
    on its open task through ``workflows.tasking.task_run`` (the lock, the offer check, the
    service, viewflow's step), the consultation is closed by the flow's timer and the
    assessments are completed by the flow's join, so the state a test reaches is the state the
    process reaches. A refusal raised inside a step leaves its task open.
    """

    def __init__(self, people, catalogue_item, *, flow: bool = False):
        self.p = people
        self.item = catalogue_item
        self.flow = flow
        self.processes = {}  # decision id -> its DecisionProcess

    def step(self, d, node, user, service, *, finishes=True):
        """Do ``service`` as ``user`` on ``d``'s open ``node`` task, or directly without a flow."""
        if not self.flow:
            return service()
        task = self.processes[d.pk].task_set.get(
            flow_task=getattr(DecisionFlow, node), status__in=[STATUS.NEW, STATUS.ASSIGNED]
        )
        result = None

        def run():
            nonlocal result
            result = service()

        task_run(task=task, user=user, service=run, finishes=finishes)
        return result

    def initiate(self, **flags):
        d = s.decision_initiate(
            by=self.p["drafter"],
            lead_unit=self.p["bureau"],
            catalogue_item=self.item,
            title="关于调整城区供热价格的决定",
            problem="供热成本上涨，现行价格难以为继。",
            legal_basis=LEGAL_BASIS,
            # The government's decision to start it (第十条).
            start_decided_by="乌恰县人民政府县长",
            start_decided_on=date(2024, 1, 15),
            start_reference="县长批示〔2024〕第3号",
        )
        flags.setdefault("drafting_explanation", "一、起草依据；二、主要内容；三、需要说明的问题。")
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
        if self.flow:
            self.processes[d.pk] = DecisionFlow.start.run(decision=d)
        return d

    def consultation_ran_out(self, d, comments=()):
        """The draft submitted and put to the public for a period that ended a minute ago,
        with ``comments``: the flow's timer (or the close) is due."""
        drafter = self.p["drafter"]
        self.step(d, "draft", drafter, lambda: s.decision_draft_submit(decision=d, by=drafter))
        now = timezone.now()
        consultation = self.step(
            d,
            "open_consultation",
            drafter,
            lambda: s.decision_consultation_open(
                decision=d,
                by=drafter,
                opens_at=now - timedelta(days=31),
                closes_at=now - timedelta(minutes=1),
            ),
        )
        for text in comments:
            comment_submit(
                consultation=consultation, text=text, name="居民", at=now - timedelta(days=2)
            )
        return consultation

    def consult(self, d, comments=("建议分步调整",), dispose=True):
        drafter = self.p["drafter"]
        consultation = self.consultation_ran_out(d, comments)
        if self.flow:
            fire_due_timers()  # the period ran out: the flow's timer closes the consultation
        else:
            s.decision_consultation_close(decision=d)

        def dispose_all():
            for comment in consultation.comments.all():
                s.decision_comment_dispose(
                    comment=comment, by=drafter, outcome="partly_adopted", reason="分两年实施"
                )
            s.decision_consultation_finish(decision=d, by=drafter)

        if dispose:
            self.step(d, "dispose_comments", drafter, dispose_all)
        d.refresh_from_db()
        consultation.refresh_from_db()
        return consultation

    def assess(self, d, level="medium"):
        drafter = self.p["drafter"]
        self.step(
            d,
            "risk_assessment",
            drafter,
            lambda: s.risk_assessment_submit(
                decision=d,
                by=drafter,
                dimensions=RISK_OK,
                contingency_plan="应急预案",
                overall_level=level,
            ),
        )
        if not self.flow:  # in the flow the join completes them
            s.decision_assessments_complete(decision=d)
        d.refresh_from_db()
        return d

    def review(self, d, outcome="lawful", **kwargs):
        """Submit for the legality review leaving the review office its 7 working days
        (第二十六条), its legal advisor prepares the opinion and its head approves it."""
        from workflows.calendar import add_working_days
        from workflows.clocks.selectors import calendar_for

        needed_by = add_working_days(timezone.localdate(), 7, calendar=calendar_for())
        review = self.step(
            d,
            "submit_legality",
            self.p["drafter"],
            lambda: s.legality_review_submit(
                decision=d,
                by=self.p["drafter"],
                procedures_account="已公开征求意见、风险评估",
                opinion_needed_by=needed_by,
            ),
        )
        self.step(
            d,
            "legality_review",
            self.p["legal_advisor"],
            lambda: s.legality_review_complete(
                review=review,
                by=self.p["legal_advisor"],
                outcome=outcome,
                opinion="经审查……",
                **kwargs,
            ),
        )
        review = self.step(
            d,
            "approve_legality",
            self.p["review_head"],
            lambda: s.legality_review_approve(review=review, by=self.p["review_head"]),
        )
        d.refresh_from_db()
        return review

    def to_meeting(self, d):
        self.step(
            d,
            "package_check",
            self.p["drafter"],
            lambda: s.decision_package_check(decision=d, by=self.p["drafter"]),
        )
        d.refresh_from_db()
        return d

    def plan_session(self, *, kind="executive", held_at=None):
        """The secretary plans the county's next numbered session (县政府第N次常务会议)."""
        return s.session_plan(
            government=self.p["county"],
            by=self.p["secretary"],
            kind=kind,
            held_at=held_at or timezone.now(),
            principal=self.p["principal"],
        )

    def schedule(self, d, session):
        """The decision's ``meeting`` step schedules it onto ``session`` (its agenda item)."""
        return self.step(
            d,
            "meeting",
            self.p["secretary"],
            lambda: s.session_agenda_add_decision(
                session=session, decision=d, by=self.p["secretary"]
            ),
            finishes=False,
        )

    def open_session(self, session, absent=()):
        present = [m for m in self.p["members"] if m not in absent]
        return s.session_open(
            session=session, by=self.p["secretary"], present=present, absent=list(absent)
        )

    def open_meeting(self, d, absent=(), session=None):
        """A new session with ``d`` on its agenda, opened: ``d``'s deliberation (its Meeting)."""
        session = session or self.plan_session()
        item = self.schedule(d, session)
        self.open_session(session, absent=absent)
        item.refresh_from_db()
        return item.deliberation

    def statements(self, meeting, positions):
        for member, position in zip(self.p["members"], positions, strict=False):
            self.step(
                meeting.decision,
                "meeting",
                self.p["secretary"],
                lambda member=member, position=position: s.meeting_statement_record(
                    meeting=meeting,
                    by=self.p["secretary"],
                    speaker=member,
                    position=position,
                    text=f"{member.username}：{position}",
                ),
                finishes=False,
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
        self.step(
            d,
            "meeting",
            self.p["secretary"],
            lambda: s.meeting_decide(
                meeting=meeting,
                by=self.p["secretary"],
                head_decision="adopt",
                statement="同意，按方案二实施。",
            ),
        )
        s.session_conclude(session=meeting.item.session, by=self.p["secretary"])
        d.refresh_from_db()
        meeting.refresh_from_db()
        return meeting

    def publish(self, d):
        self.step(
            d,
            "party_report",
            self.p["secretary"],
            lambda: s.party_report_record(
                decision=d,
                by=self.p["secretary"],
                reported_on=date.today(),
                reference="恰政报〔2024〕3号",
                recipient="中共乌恰县委",
            ),
        )
        self.step(
            d,
            "publication",
            self.p["publisher"],
            lambda: s.publication_record(
                decision=d,
                by=self.p["publisher"],
                published_on=date.today(),
                channel="乌恰县人民政府网站",
                interpretation="政策解读……",
            ),
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


@pytest.fixture
def at_legality_review(drive, people):
    """A decision whose process waits for the legal advisor's review."""
    from .test_flow import assess_and_submit_for_review, do

    d = drive.initiate(not_disclosable=True, not_disclosable_reason="商业秘密")
    process = DecisionFlow.start.run(decision=d)
    do(
        process,
        "draft",
        people["drafter"],
        lambda: s.decision_draft_submit(decision=d, by=people["drafter"]),
    )
    assess_and_submit_for_review(process, d, people)
    d.refresh_from_db()
    assert d.stage == Stage.LEGALITY_REVIEW
    return process, d

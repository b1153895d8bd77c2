"""Who sees which decision, by office (issue 16; decisions.selectors): a unit's draft is its
own until it is submitted beyond the unit; the review office sees what is submitted to it; the
meeting's people see what is on the government's agenda; experts and third-party assessors see
what they are chosen for; everyone of the government sees what is published."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import services as s
from decisions.models import AgendaItem, Stage
from decisions.rules.stages import LIFECYCLE, STAGE_ORDER, stages_from
from decisions.selectors import decision_get_for_user, decisions_visible_to

from .conftest import RISK_OK, Driver

pytestmark = pytest.mark.django_db


def sees(person, d) -> bool:
    return decisions_visible_to(user=person).filter(pk=d.pk).exists()


@pytest.fixture
def township_people(people, make_person, township, justice_bureau):
    """The township's own people and a review office of pure reviewers (司法局), beside the
    county's meeting people of ``people``."""
    return {
        **people,
        "drafter": make_person("township_drafter", township, drafter=[township]),
        "unit_head": make_person("township_head", township, unit_head=[township]),
        "unit_advisor": make_person("township_advisor", township, legal_advisor=[township]),
        "commissioned": make_person("commissioned", township, risk_assessor=[township]),
        "reviewer": make_person("bureau_reviewer", justice_bureau, legal_advisor=[justice_bureau]),
        "office_head": people["review_head"],
        "other_drafter": people["drafter"],  # 司法局's drafter: another unit
        "bureau": township,  # the Driver's lead unit
    }


@pytest.fixture
def township_item(township_people, township):
    """The township's item of the county's yearly catalogue, published after the county Party
    committee consented (第三条)."""
    p = township_people
    item = s.catalogue_item_create(
        by=p["legal_advisor"],
        government=p["county"],
        year=2024,
        title="吾合沙鲁乡集中供水工程规划",
        lead_unit=township,
    )
    s.catalogue_party_consent_record(
        by=p["legal_advisor"],
        government=p["county"],
        year=2024,
        consented_by="中共乌恰县委常委会",
        consented_on=date(2024, 1, 10),
        reference="县委常委会2024年第1次会议",
    )
    return s.catalogue_item_publish(item=item, by=p["legal_advisor"])


@pytest.fixture
def tdrive(township_people, township_item):
    return Driver(township_people, township_item)


def outside_the_unit(p):
    """Everyone of the government who is not of the township nor of the review office."""
    return {
        "member": p["members"][0],
        "principal": p["principal"],
        "secretary": p["secretary"],
        "publisher": p["publisher"],
        "expert": p["expert"],
        "risk_assessor": p["risk_assessor"],
        "outsider_bureau_drafter": p["other_drafter"],
    }


def test_a_townships_draft_is_its_own_until_submitted_beyond_the_unit(tdrive, township_people):
    p = township_people
    d = tdrive.initiate()
    tdrive.consult(d)
    tdrive.assess(d)
    # Assessed and due for review, but not submitted yet: still the unit's own.
    assert d.stage == Stage.LEGALITY_REVIEW and not d.legality_reviews.exists()
    for name in ("drafter", "unit_head", "unit_advisor", "commissioned"):
        assert sees(p[name], d), name
    for name, person in outside_the_unit(p).items():
        assert not sees(person, d), name
    # Not yet submitted: the review office does not see it either.
    assert not sees(p["reviewer"], d)
    assert not sees(p["office_head"], d)


def test_the_review_office_sees_what_is_submitted_to_it_and_the_meeting_only_its_agenda(
    tdrive, township_people
):
    p = township_people
    d = tdrive.initiate()
    tdrive.consult(d)
    tdrive.assess(d)
    submitted = _submit(d, p)
    assert submitted.status == "submitted"
    d.refresh_from_db()
    assert d.stage == Stage.LEGALITY_REVIEW
    assert sees(p["reviewer"], d) and sees(p["office_head"], d)
    for name, person in outside_the_unit(p).items():
        assert not sees(person, d), name

    # Reviewed and packaged: on the government's agenda (第二十九条、第三十条).
    s.legality_review_complete(
        review=submitted, by=p["reviewer"], outcome="lawful", opinion="经审查，合法。"
    )
    s.legality_review_approve(review=submitted, by=p["office_head"])
    d.refresh_from_db()
    assert d.stage == Stage.PACKAGE
    assert not sees(p["members"][0], d) and not sees(p["secretary"], d)
    tdrive.to_meeting(d)
    assert d.stage == Stage.MEETING
    for person in [*p["members"], p["principal"], p["secretary"]]:
        assert sees(person, d), person.username
    # Still not the publisher's, nor an unchosen expert's, nor another unit's.
    for name in ("publisher", "expert", "risk_assessor", "other_drafter"):
        assert not sees(p[name], d), name
    # The review office keeps what it reviewed.
    assert sees(p["reviewer"], d)


def _submit(d, p):
    """The township's drafter sends the draft to the review office, leaving it 7 working days
    (第二十六条)."""
    from workflows.calendar import add_working_days
    from workflows.clocks.selectors import calendar_for

    return s.legality_review_submit(
        decision=d,
        by=p["drafter"],
        procedures_account="已公开征求意见、风险评估",
        opinion_needed_by=add_working_days(timezone.localdate(), 7, calendar=calendar_for()),
    )


def test_a_chosen_expert_sees_only_the_decision_they_were_chosen_for(drive, people):
    expert = people["expert"]
    profile = s.expert_register(user=expert, fields=["价格"], by=people["legal_advisor"])
    chosen = drive.initiate(expert_argumentation_needed=True)
    drive.consult(chosen)
    other = drive.initiate(expert_argumentation_needed=True)
    drive.consult(other)
    assert not sees(expert, chosen) and not sees(expert, other)
    s.experts_choose(decision=chosen, by=people["drafter"], experts=[profile])
    assert sees(expert, chosen)
    assert not sees(expert, other)
    assert list(decisions_visible_to(user=expert)) == [chosen]


def test_a_third_party_assessor_sees_only_what_they_assessed(drive, people, make_person):
    """A risk assessor granted on the government is a third party: they see the decision whose
    risk assessment they did, not the government's other drafts (第二十二条)."""
    third_party = people["risk_assessor"]
    assessed = drive.initiate()
    drive.consult(assessed)
    other = drive.initiate()
    drive.consult(other)
    assert not sees(third_party, assessed)
    from decisions.models import RiskAssessment

    s.risk_assessment_submit(
        decision=assessed,
        by=people["drafter"],
        dimensions=RISK_OK,
        contingency_plan="应急预案",
        overall_level="low",
    )
    # The third party's report, entered for them (the service is the lead unit's).
    RiskAssessment.objects.filter(decision=assessed).update(assessor=third_party)
    assert sees(third_party, assessed) and not sees(third_party, other)


def test_a_published_decision_is_visible_to_every_role_holder_of_the_government(
    drive, people, make_person, township
):
    d = drive.up_to_meeting()
    drive.adopt(d)
    d.refresh_from_db()
    assert d.stage == Stage.PARTY_REPORT
    assert not sees(people["publisher"], d)  # before publication: not the publisher's yet
    drive.publish(d)
    assert d.stage == Stage.ARCHIVING and d.publication.published
    from workflows.models import Unit

    housing = Unit.objects.get(name="乌恰县住房和城乡建设局")  # a department: it may execute it
    housing_drafter = make_person("housing_drafter", housing, drafter=[housing])
    for person in [
        *people["members"],
        people["principal"],
        people["secretary"],
        people["publisher"],
        people["expert"],
        people["risk_assessor"],
        housing_drafter,
    ]:
        assert sees(person, d), person.username
    # A township is a government of its own level: the county's decision is on the portal
    # for its people, not in their register. Nor has a person without a role any.
    assert not sees(people["outsider"], d)
    assert not sees(make_person("stranger", housing), d)


def test_a_rejected_decision_stays_with_the_meeting_but_is_not_published(drive, people):
    d = drive.up_to_meeting()
    meeting = drive.open_meeting(d)
    drive.statements(meeting, ["oppose", "oppose", "oppose", "oppose"])
    s.meeting_decide(
        meeting=meeting, by=people["secretary"], head_decision="reject", statement="不同意。"
    )
    d.refresh_from_db()
    assert d.stage == Stage.ARCHIVING
    assert sees(people["members"][0], d) and sees(people["principal"], d)
    # Never published: neither the publisher's nor everyone's.
    assert not sees(people["publisher"], d)
    assert not sees(people["expert"], d) and not sees(people["outsider"], d)


def test_the_meeting_sees_a_decision_on_an_agenda_item_of_one_of_its_sessions(drive, people):
    """However the agenda moves the stage, a decision on an item of a session of the
    government is the meeting's (第三十条)."""
    d = drive.initiate()
    drive.consult(d)
    drive.assess(d)
    member = people["members"][0]
    assert not sees(member, d) and not sees(people["secretary"], d)
    item = AgendaItem.objects.create(
        government=people["county"],
        kind=AgendaItem.Kind.MAJOR_DECISION,
        title=d.title,
        decision=d,
        lead_unit=people["bureau"],
        proposed_by=people["drafter"],
        proposed_at=d.created_at,
    )
    # Proposed to the agenda: the secretariat sees it, the members not before a session.
    assert sees(people["secretary"], d) and not sees(member, d)
    from decisions.models import Session

    session = Session.objects.create(
        government=people["county"],
        kind="executive",
        year=2024,
        number=1,
        held_at=d.created_at,
        secretary=people["secretary"],
        principal=people["principal"],
    )
    item.session = session
    item.order = 1
    item.save()
    assert sees(member, d) and sees(people["principal"], d)
    assert not sees(people["publisher"], d)


def test_a_page_request_for_a_hidden_decision_answers_404(tdrive, township_people, client):
    from django.http import Http404

    p = township_people
    d = tdrive.initiate()
    for name in ("member", "principal"):
        person = p["members"][0] if name == "member" else p[name]
        with pytest.raises(Http404):
            decision_get_for_user(user=person, pk=d.pk)
        client.force_login(person)
        assert client.get(reverse("decisions:register:detail", args=[d.pk])).status_code == 404
        body = client.get(reverse("decisions:register:index")).content.decode()
        assert f'data-decision="{d.pk}"' not in body
    client.force_login(p["drafter"])
    assert client.get(reverse("decisions:register:detail", args=[d.pk])).status_code == 200


def test_the_stage_order_is_the_lifecycle_order():
    """Every stage is in the order once, and no move of the lifecycle goes forward past the
    meeting or publication without passing it (so "from stage X on" means what it says)."""
    assert sorted(STAGE_ORDER) == sorted(Stage.values)
    assert stages_from(Stage.MEETING)[0] == Stage.MEETING
    assert Stage.PACKAGE not in stages_from(Stage.MEETING)
    for move in LIFECYCLE.values():
        for source in move.sources:
            if STAGE_ORDER.index(move.target) >= STAGE_ORDER.index(Stage.MEETING):
                assert STAGE_ORDER.index(source) >= STAGE_ORDER.index(Stage.PACKAGE), move


class OfferChecker(Driver):
    """A flow-driven Driver that, before each step, checks that whoever a still-open task of
    the decision is offered to (each (role, unit) of its offers) sees the decision: a task
    nobody it is offered to can open is a dead end."""

    def __init__(self, people, catalogue_item, make_person):
        super().__init__(people, catalogue_item, flow=True)
        self.make_person = make_person
        self.holders = {}
        self.checked = set()

    def holder(self, role, unit):
        key = (role, unit.pk)
        if key not in self.holders:
            self.holders[key] = self.make_person(f"{role}-{unit.pk}", unit, **{role: [unit]})
        return self.holders[key]

    def check(self, d):
        from viewflow.workflow.status import STATUS

        from workflows.models import TaskOffer

        process = self.processes[d.pk]
        offers = TaskOffer.objects.filter(
            task__process=process, task__status__in=[STATUS.NEW, STATUS.ASSIGNED]
        ).select_related("task", "unit")
        for offer in offers:
            node = offer.task.flow_task.name
            person = self.holder(offer.role, offer.unit)
            assert sees(person, d), (node, offer.role, offer.unit.name, d.stage)
            self.checked.add(node)

    def step(self, d, node, user, service, *, finishes=True):
        self.check(d)
        result = super().step(d, node, user, service, finishes=finishes)
        self.check(d)
        return result


def test_whoever_a_step_is_offered_to_sees_the_decision(people, catalogue_item, make_person):
    drive = OfferChecker(people, catalogue_item, make_person)
    d = drive.up_to_meeting()
    drive.adopt(d)
    drive.publish(d)
    drive.check(d)
    # Every kind of office had its turn: the lead unit, the review office, the secretariat,
    # the publisher (the archivist reads everything).
    assert {
        "draft",
        "risk_assessment",
        "legality_review",
        "approve_legality",
        "package_check",
        "meeting",
        "party_report",
        "publication",
    } <= drive.checked, drive.checked

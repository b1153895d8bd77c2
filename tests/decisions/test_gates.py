"""The flow's gates route on the stage ``decisions.lifecycle`` wrote (issue 15): each branch of
each gate, reached through a real DecisionFlow process."""

import pytest
from viewflow.workflow.status import STATUS

from decisions import services as s
from decisions.flows import DecisionFlow
from decisions.models import Stage

from .conftest import Driver

pytestmark = pytest.mark.django_db


@pytest.fixture
def drive(people, catalogue_item):
    return Driver(people, catalogue_item, flow=True)


def open_nodes(drive, d):
    process = drive.processes[d.pk]
    return set(
        process.task_set.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED]).values_list(
            "flow_task", flat=True
        )
    )


def node(name):
    return getattr(DecisionFlow, name)


def test_an_uncontrollable_risk_sends_the_draft_back_in_the_flow(drive):
    d = drive.initiate(not_disclosable=True, not_disclosable_reason="国家秘密")
    drive.step(
        d,
        "draft",
        drive.p["drafter"],
        lambda: s.decision_draft_submit(decision=d, by=drive.p["drafter"]),
    )
    assert node("open_consultation") not in open_nodes(drive, d)  # skipped (第十四条)
    drive.assess(d, level="uncontrollable")
    d.refresh_from_db()
    assert d.stage == Stage.DRAFTING and open_nodes(drive, d) == {node("draft")}


def test_a_controllable_risk_goes_on_to_the_legality_review_in_the_flow(drive):
    d = drive.initiate()
    drive.consult(d)
    drive.assess(d, level="high")
    d.refresh_from_db()
    assert d.stage == Stage.LEGALITY_REVIEW and open_nodes(drive, d) == {node("submit_legality")}


@pytest.mark.parametrize(
    ("head_decision", "stage", "next_node"),
    [
        # The lead unit first incorporates the amendments (第三十条).
        ("adopt_with_amendments", Stage.AMENDING, "incorporate_amendments"),
        ("reject", Stage.ARCHIVING, "archive"),
        ("defer", Stage.MEETING, "meeting"),
    ],
)
def test_the_meetings_outcome_routes_the_flow_by_the_stage_it_reached(
    drive, head_decision, stage, next_node
):
    d = drive.up_to_meeting()
    meeting = drive.open_meeting(d)
    drive.statements(meeting, ["support"] * 4)
    secretary = drive.p["secretary"]
    drive.step(
        d,
        "meeting",
        secretary,
        lambda: s.meeting_decide(
            meeting=meeting,
            by=secretary,
            head_decision=head_decision,
            statement="决定",
            reason="" if head_decision.startswith("adopt") else "理由",
            amendments="第一条修改为分两年调整" if head_decision == "adopt_with_amendments" else "",
        ),
    )
    d.refresh_from_db()
    assert d.stage == stage and d.outcome == head_decision
    assert open_nodes(drive, d) == {node(next_node)}

"""第三十六条: the post-evaluation is not entrusted to the *unit* that did the main
argumentation or assessment before the decision (决策作出前承担主要论证评估工作的单位除外),
not only to the persons who did it."""

import pytest
from django.core.exceptions import ValidationError

from decisions import services as s
from decisions.rules import aftermath as rules
from decisions.selectors import evaluator_candidates
from workflows.models import Unit
from workflows.services import unit_ensure

from .conftest import RISK_OK

pytestmark = pytest.mark.django_db


def in_force(drive, people, *, assessor, third_party=""):
    """An adopted, published and sealed decision whose risk was assessed by ``assessor``."""
    d = drive.initiate()
    drive.consult(d)
    s.risk_assessment_submit(
        decision=d,
        by=assessor,
        dimensions=RISK_OK,
        contingency_plan="应急预案",
        overall_level="low",
        third_party=third_party,
    )
    s.decision_assessments_complete(decision=d)
    d.refresh_from_db()
    drive.review(d)
    drive.to_meeting(d)
    drive.adopt(d)
    drive.publish(d)
    s.decision_seal(decision=d, by=people["archivist"])
    d.refresh_from_db()
    return d


def start(d, people, evaluator):
    return s.post_evaluation_start(
        decision=d, by=people["principal"], trigger="goal_unmet", evaluator=evaluator
    )


def test_a_colleague_of_the_lead_unit_that_assessed_itself_is_refused(drive, people, make_person):
    # The 司法局's own drafter assessed the risk (第二十二条: the lead unit assesses itself).
    d = in_force(drive, people, assessor=people["drafter"])
    colleague = make_person("colleague", people["bureau"])
    with pytest.raises(ValidationError) as info:
        start(d, people, colleague)
    assert info.value.code == "evaluator_unit_not_independent"
    assert colleague not in evaluator_candidates(d)
    # Somebody of another unit may evaluate.
    other = make_person("township_staff", people["outsider"].profile.unit)
    assert other in evaluator_candidates(d)
    assert start(d, people, other).evaluator == other


def test_a_colleague_of_a_commissioned_assessor_is_refused_the_lead_unit_is_not(
    drive, people, make_person, county
):
    centre = unit_ensure(
        name="乌恰县社会稳定风险评估中心",
        kind=Unit.Kind.DEPARTMENT,
        issuer_code="恰评",
        parent=county,
    )[0]
    assessor = make_person("centre_assessor", centre, risk_assessor=[people["bureau"]])
    d = in_force(drive, people, assessor=assessor, third_party="乌恰县社会稳定风险评估中心")
    colleague = make_person("centre_colleague", centre)
    with pytest.raises(ValidationError) as info:
        start(d, people, colleague)
    assert info.value.code == "evaluator_unit_not_independent"
    # The lead unit commissioned the assessment and did not do it: its staff may evaluate.
    bureau_colleague = make_person("bureau_colleague", people["bureau"])
    assert bureau_colleague in evaluator_candidates(d)
    assert start(d, people, bureau_colleague).evaluator == bureau_colleague


def test_the_assessing_units_rule():
    assert rules.assessing_unit_ids(
        lead_unit_id=1, risk_assessments=[(7, "")], expert_unit_ids=[9, None]
    ) == {1, 7, 9}
    assert rules.assessing_unit_ids(
        lead_unit_id=1, risk_assessments=[(7, "评估中心")], expert_unit_ids=[]
    ) == {7}
    assert rules.evaluator_unit_conflict(evaluator_unit_id=7, assessing_unit_ids={7})
    assert not rules.evaluator_unit_conflict(evaluator_unit_id=8, assessing_unit_ids={7})
    assert not rules.evaluator_unit_conflict(evaluator_unit_id=None, assessing_unit_ids={7})

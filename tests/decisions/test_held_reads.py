"""A question one task action asks of a decision several times is read once while the
transaction holds the decision (``decisions.services._common.held_read``), and a service that
writes the answer in that transaction hands on its own copy: the flow's gates see what the
service just wrote, and nothing kept outlives the hold (a savepoint, the transaction's end).
The package and archive checklists read what they need of the latest consultation, risk
assessment and review with their counts, in one statement."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decisions import services as s
from decisions.models import Attendance, LegalityReview, Stage
from decisions.services._common import lock
from decisions.services.review import review_copy_computed_due
from workflows.consultations.models import Consultation
from workflows.transactions import all_or_nothing

pytestmark = pytest.mark.django_db


def reads(queries, model) -> int:
    """SELECT statements reading ``model``'s table (its own rows, not a sub-select of it)."""
    table = f'FROM "{model._meta.db_table}"'
    return sum(
        1
        for q in queries.captured_queries
        if q["sql"].lstrip("(").startswith("SELECT") and table in q["sql"].split(" WHERE ")[0]
    )


def held(decision):
    """One task action's transaction, the decision locked in it as ``workflows.tasking`` does."""

    class Held:
        def __enter__(self):
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.mode = all_or_nothing()
            self.mode.__enter__()
            lock(decision)
            return self

        def __exit__(self, *exc):
            self.mode.__exit__(*exc)
            return self.atomic.__exit__(*exc)

    return Held()


def submitted(drive, people):
    d = drive.initiate()
    drive.consult(d)
    drive.assess(d)
    review = s.legality_review_submit(decision=d, by=people["drafter"], procedures_account="已完成")
    return d, review


def test_the_latest_review_is_read_once_while_the_decision_is_held(drive, people):
    d, review = submitted(drive, people)
    with held(d), CaptureQueriesContext(connection) as queries:
        first = s.latest_review(d)
        again = s.latest_review(d)
        assert s.was_returned(d) is False
    assert first.pk == review.pk and again is first
    assert reads(queries, LegalityReview) == 1


def test_the_gates_see_the_opinion_the_service_just_prepared(drive, people):
    d, review = submitted(drive, people)
    with held(d):
        s.latest_review(d)  # what the task's page reads before the service
        s.legality_review_complete(
            review=review, by=people["legal_advisor"], outcome="lawful", opinion="合法"
        )
        with CaptureQueriesContext(connection) as queries:
            latest = s.latest_review(d)
    assert latest.status == LegalityReview.Status.AWAITING_APPROVAL
    assert reads(queries, LegalityReview) == 0


def test_a_new_submission_is_the_latest_in_the_same_transaction(drive, people):
    d, review = submitted(drive, people)
    s.legality_review_return(review=review, by=people["legal_advisor"], missing=["legal_basis"])
    with held(d):
        assert s.was_returned(d) is True
        again = s.legality_review_submit(
            decision=d, by=people["drafter"], procedures_account="已补充"
        )
        latest = s.latest_review(d)
        assert s.was_returned(d) is False
    assert latest.pk == again.pk and latest.status == LegalityReview.Status.SUBMITTED


def test_a_due_date_copied_from_a_computed_clock_is_read_again(drive, people):
    from workflows.clocks.models import Deadline

    d, review = submitted(drive, people)
    LegalityReview.objects.filter(pk=review.pk).update(due_on=None)
    deadline = Deadline.objects.get(pk=review.deadline_id)
    deadline.due = timezone.localdate() + timedelta(days=20)
    with held(d):
        assert s.latest_review(d).due_on is None
        review_copy_computed_due(deadline=deadline)  # QuerySet.update, past the kept copy
        assert s.latest_review(d).due_on == deadline.due


def test_nothing_is_kept_for_a_decision_no_longer_held(drive, people):
    d, _review = submitted(drive, people)
    with transaction.atomic():
        lock(d)
        s.latest_review(d)
        with transaction.atomic():  # a savepoint: the decision is locked and read again
            pass
        with CaptureQueriesContext(connection) as after_savepoint:
            s.latest_review(d)
            s.latest_review(d)  # and until then, nothing is kept
        lock(d)
        with CaptureQueriesContext(connection) as held_again:
            s.latest_review(d)
            s.latest_review(d)
    assert reads(after_savepoint, LegalityReview) == 2
    assert reads(held_again, LegalityReview) == 1


def test_the_timer_reads_the_consultation_just_opened_without_a_statement(drive, people):
    from workflows.clocks.selectors import jurisdiction_default

    jurisdiction_default()  # made on first use, in a savepoint: as in production, made before
    d = drive.initiate()
    drafter = people["drafter"]
    now = timezone.now()
    with held(d):
        s.decision_draft_submit(decision=d, by=drafter)
        opened = s.decision_consultation_open(
            decision=d, by=drafter, opens_at=now, closes_at=now + timedelta(days=30)
        )
        with CaptureQueriesContext(connection) as queries:
            latest = s.latest_consultation(d)
    assert latest.pk == opened.pk and latest.closes_at == now + timedelta(days=30)
    assert reads(queries, Consultation) == 0


def test_the_finished_consultation_is_kept_as_finished(drive, people):
    d = drive.initiate()
    consultation = drive.consult(d, dispose=False)
    drafter = people["drafter"]
    with held(d):
        assert s.latest_consultation(d).status == Consultation.Status.CLOSED
        for comment in consultation.comments.all():
            s.decision_comment_dispose(comment=comment, by=drafter, outcome="adopted")
        s.decision_consultation_finish(decision=d, by=drafter)
        latest = s.latest_consultation(d)
    assert latest.status == Consultation.Status.FINISHED and latest.adoption_report


def test_one_sitting_reads_who_is_present_and_who_spoke_once(drive, people):
    d = drive.up_to_meeting()
    meeting = drive.open_meeting(d)
    secretary = people["secretary"]
    positions = ["support", "support", "conditional", "oppose"]
    with held(d), CaptureQueriesContext(connection) as queries:
        for member, position in zip(people["members"], positions, strict=True):
            s.meeting_statement_record(
                meeting=meeting, by=secretary, speaker=member, position=position, text=position
            )
        s.meeting_decide(meeting=meeting, by=secretary, head_decision="adopt", statement="同意。")
    assert reads(queries, Attendance) == 1
    assert list(meeting.statements.values_list("order", flat=True)) == [1, 2, 3, 4, 5]
    d.refresh_from_db()
    assert d.stage == Stage.PARTY_REPORT


def test_a_member_speaks_once_within_one_sitting(drive, people):
    d = drive.up_to_meeting()
    meeting = drive.open_meeting(d)
    secretary, member = people["secretary"], people["members"][0]
    with pytest.raises(ValidationError) as twice, held(d):
        s.meeting_statement_record(
            meeting=meeting, by=secretary, speaker=member, position="support", text="同意"
        )
        s.meeting_statement_record(
            meeting=meeting, by=secretary, speaker=member, position="oppose", text="再说"
        )
    assert twice.value.code == "already_spoken"


def test_the_head_waits_for_every_member_within_one_sitting(drive, people):
    d = drive.up_to_meeting()
    meeting = drive.open_meeting(d)
    secretary = people["secretary"]
    with held(d):
        s.meeting_statement_record(
            meeting=meeting,
            by=secretary,
            speaker=people["members"][0],
            position="support",
            text="-",
        )
        with pytest.raises(ValidationError) as early:
            s.meeting_decide(meeting=meeting, by=secretary, head_decision="adopt", statement="-")
    assert early.value.code == "head_speaks_last"


def test_the_package_is_read_in_one_statement(drive, people):
    d = drive.initiate()
    with CaptureQueriesContext(connection) as queries:
        bare = s.package_facts(d)
    assert len(queries.captured_queries) == 1
    assert not (bare.has_adoption_report or bare.has_risk_report or bare.may_go_to_meeting)
    drive.consult(d)
    drive.assess(d, level="uncontrollable")
    facts = s.package_facts(d)
    assert facts.has_adoption_report and facts.has_risk_report and facts.risk_uncontrollable
    assert not facts.may_go_to_meeting  # not reviewed


def test_the_package_reads_the_latest_review_and_risk(drive, people):
    d = drive.up_to_meeting()
    facts = s.package_facts(d)
    assert facts.may_go_to_meeting and facts.has_adoption_report
    assert facts.risk_uncontrollable is False
    latest = s.latest_review(d)
    LegalityReview.objects.filter(pk=latest.pk).update(outcome="unlawful")
    assert s.package_facts(d).may_go_to_meeting is False


def test_the_timer_closing_the_consultation_reads_the_decision_under_its_locks_only(
    people, catalogue_item
):
    from viewflow.workflow.timers import fire_due_timers

    from decisions.models import Decision
    from decisions.steps import step_of_node

    from .conftest import Driver
    from .test_flow import open_task

    drive = Driver(people, catalogue_item, flow=True)
    d = drive.initiate()
    drive.consultation_ran_out(d)
    with CaptureQueriesContext(connection) as queries:
        fire_due_timers()  # the period ran out: the flow's timer closes the consultation
    d.refresh_from_db()
    assert d.stage == Stage.DISPOSITION
    # The process lock takes the decision's row, the service locks and reads it; the offers
    # of the task created next use the service's copy.
    assert reads(queries, Decision) == 2
    task = open_task(drive.processes[d.pk], "dispose_comments")
    assert {(o.role, o.unit_id) for o in task.offers.all()} == {
        (role, unit.pk) for role, unit in step_of_node("dispose_comments").offered_units(d)
    }

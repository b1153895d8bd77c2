"""The stepper's reads (``decisions.progress.progress_reads``) are two plain statements composed
once per process (issue 22): they must give what the ORM gives for the same rows — the
decision's processes newest first, their tasks oldest first with their owners, each task's
offers in the order they were made with their units, and the clocks of the decision, its
legality reviews and its consultations with their responsible units — converted as the
fields convert them (a task's node, its JSON data)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from viewflow.workflow.models import Task

from decisions.models import Decision, DecisionProcess, LegalityReview
from decisions.progress import progress_reads
from workflows.clocks.models import Deadline
from workflows.consultations.models import Consultation
from workflows.models import TaskOffer

from .test_screens import Scenario

pytestmark = pytest.mark.django_db


def orm_reads(d: Decision) -> dict:
    """The same rows read through the ORM, as the stepper read them before."""
    process_ids = list(DecisionProcess.objects.filter(decision=d).values_list("pk", flat=True))
    tasks = list(
        Task.objects.filter(process_id__in=process_ids)
        .select_related("owner")
        .order_by("created", "pk")
    )
    subjects = (
        Q(content_type=ContentType.objects.get_for_model(Decision), object_id=str(d.pk))
        | Q(
            content_type=ContentType.objects.get_for_model(LegalityReview),
            object_id__in=[str(pk) for pk in d.legality_reviews.values_list("pk", flat=True)],
        )
        | Q(
            content_type=ContentType.objects.get_for_model(Consultation),
            object_id__in=[
                str(pk)
                for pk in Consultation.objects.filter(
                    subject_type=ContentType.objects.get_for_model(Decision), subject_id=d.pk
                ).values_list("pk", flat=True)
            ],
        )
    )
    return {
        "process_ids": process_ids,
        "tasks": tasks,
        "offers": {
            t.pk: list(TaskOffer.objects.filter(task=t).select_related("unit").order_by("pk"))
            for t in tasks
        },
        "deadlines": list(Deadline.objects.filter(subjects).select_related("responsible_unit")),
    }


def fields_of(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.parametrize("up_to", ["draft", "dispose_comments", "legality_review", "archive"])
def test_the_stepper_reads_what_the_orm_reads_when_the_decision_is_at(
    drive, people, django_assert_max_num_queries, up_to
):
    scenario = Scenario(drive, people)
    scenario.up_to(up_to)
    d = scenario.d
    expected = orm_reads(d)

    with django_assert_max_num_queries(2):
        reads = progress_reads(d)
        owners = [task.owner for task in reads.tasks]
        units = [o.unit for offers in reads.offers.values() for o in offers]
        responsible = [deadline.responsible_unit for deadline in reads.deadlines]

    assert reads.process_ids == expected["process_ids"]
    assert [fields_of(t) for t in reads.tasks] == [fields_of(t) for t in expected["tasks"]]
    assert owners == [t.owner for t in expected["tasks"]]
    assert any(owners) == (up_to != "draft"), "a step somebody took has its owner"
    assert {pk: [fields_of(o) for o in offers] for pk, offers in reads.offers.items()} == {
        pk: [fields_of(o) for o in offers] for pk, offers in expected["offers"].items()
    }
    assert units == [o.unit for offers in expected["offers"].values() for o in offers]
    assert all(u.name for u in units)
    assert [fields_of(x) for x in reads.deadlines] == [fields_of(x) for x in expected["deadlines"]]
    assert responsible == [x.responsible_unit for x in expected["deadlines"]]
    # The fields' own conversions ran: a node, not its dotted name.
    assert all(not isinstance(t.flow_task, str) for t in reads.tasks)


def test_the_clocks_of_its_reviews_and_consultations_are_read(drive, people):
    scenario = Scenario(drive, people)
    scenario.up_to("approve_legality")
    d = scenario.d
    types = {
        ContentType.objects.get_for_id(deadline.content_type_id).model
        for deadline in progress_reads(d).deadlines
    }
    assert {"legalityreview", "consultation"} <= types, types


def test_another_decision_s_tasks_and_clocks_are_not_read(drive, people):
    first, second = Scenario(drive, people), Scenario(drive, people)
    first.up_to("legality_review")
    second.up_to("draft")
    reads = progress_reads(second.d)
    assert {t.process_id for t in reads.tasks} == {second.process.pk}
    assert reads.process_ids == [second.process.pk]
    assert reads.deadlines == orm_reads(second.d)["deadlines"]
    assert set(reads.offers) == {t.pk for t in reads.tasks}

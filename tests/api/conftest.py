"""People with API tokens, subjects with a record, deadlines and notifications to read."""

import datetime

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """api(user) -> an APIClient authenticated by ``user``'s token; api(None) -> anonymous."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def administrator(make_person, county):
    return make_person("administrator", county, administrator=[county])


@pytest.fixture
def unit_head(make_person, justice_bureau):
    return make_person("unit_head", justice_bureau, unit_head=[justice_bureau])


@pytest.fixture
def inbox_task():
    """inbox_task(unit) -> the review task of a new InboxTestFlow process, offered to the
    legal advisors of ``unit``."""
    from workflows.testing.flows import InboxTestFlow

    def make(unit):
        process = InboxTestFlow.start.run(unit_id=unit.pk)
        return process.task_set.get(flow_task=InboxTestFlow.review)

    return make


@pytest.fixture
def unit_records_visible_to_its_drafters():
    """Units stand in for a domain subject: their record is readable by the unit's drafters."""
    from workflows.models import Unit
    from workflows.permissions import has_role_in_unit
    from workflows.record.access import register_subject_access, unregister_subject_access

    register_subject_access(
        Unit, lambda user, unit: has_role_in_unit(user=user, role="drafter", unit=unit)
    )
    yield
    unregister_subject_access(Unit)


@pytest.fixture
def make_deadline(db):
    """make_deadline(unit, people, due=..., status=...) -> a Deadline about ``unit``."""
    from django.contrib.contenttypes.models import ContentType

    from workflows.clocks.models import Deadline
    from workflows.clocks.selectors import jurisdiction_default

    def make(unit, people=(), *, due=None, status="open", rule_key="api_test.reply"):
        due = due or datetime.date.today() + datetime.timedelta(days=10)
        deadline = Deadline.objects.create(
            content_type=ContentType.objects.get_for_model(unit),
            object_id=str(unit.pk),
            subject_label=str(unit),
            jurisdiction=jurisdiction_default(),
            rule_key=f"{rule_key}.{Deadline.objects.count()}",
            rule_description="Reply",
            legal_source="《重大行政决策程序暂行条例》第十四条",
            start=due - datetime.timedelta(days=7),
            unit="working",
            amount=5,
            due=due,
            status=status,
            responsible_unit=unit,
        )
        deadline.responsible_people.set(people)
        return deadline

    return make


# The decision procedure's people and catalogue (tests/decisions) serve the API tests too.
from tests.decisions import conftest as _decisions  # noqa: E402

people = _decisions.people
catalogue_item = _decisions.catalogue_item
drive = _decisions.drive


def normdoc_consultation(*, drafting_body, drafter):
    """司法局's draft normative document, out for comment since yesterday for 40 days."""
    from normdocs import services
    from workflows.consultations.services import consultation_open

    document = services.normdoc_create(
        by=drafter,
        drafting_body=drafting_body,
        title="规定",
        text="第一条",
        touches_public_interest=True,
    )
    now = datetime.datetime.now(datetime.UTC)
    return consultation_open(
        subject=document,
        by=drafter,
        title="规定",
        draft_text="第一条",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=40),
    )

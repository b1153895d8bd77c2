"""The record timeline of one subject: who may read it, and what it shows."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from workflows.models import Unit
from workflows.record.access import register_subject_access, unregister_subject_access
from workflows.record.services import record_append

from .tampering import tamper

pytestmark = pytest.mark.django_db


def _url(unit: Unit) -> str:
    return reverse(
        "record:timeline", kwargs={"subject_type": "workflows.unit", "object_id": unit.pk}
    )


@pytest.fixture
def unit(make_unit):
    unit = make_unit("财政局")
    record_append(actor="system", action="unit.created", subject=unit, payload={"name": "财政局"})
    record_append(
        actor="public",
        action="comment.received",
        subject=unit,
        payload={"comment": "<script>alert('x')</script>"},
    )
    return unit


@pytest.fixture
def own_unit_may_read():
    """Staff may read the record of their own unit (what decisions/normdocs will register)."""
    register_subject_access(Unit, lambda user, unit: user.profile.unit_id == unit.pk)
    yield
    unregister_subject_access(Unit)


def test_the_url_has_the_documented_shape(unit):
    assert _url(unit) == f"/record/workflows.unit/{unit.pk}/"


def test_an_archivist_sees_every_event_with_its_hash_and_a_check_mark(client, archivist, unit):
    client.force_login(archivist)
    response = client.get(_url(unit))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="record-timeline"' in html
    assert html.count('data-testid="record-event"') == 2
    assert html.count('data-verified="true"') == 3  # the subject and both events
    for event in response.context["events"]:
        assert event.hash in html
        assert event.hash_sm3 in html


def test_a_tampered_event_shows_as_not_verified(client, archivist, unit):
    tamper("""UPDATE record_event SET payload = '{"name": "改过的"}' WHERE seq = 1""")
    client.force_login(archivist)
    html = client.get(_url(unit)).content.decode()
    rows = dict(re.findall(r'data-seq="(\d+)"[^>]*?data-verified="(true|false)"', html, re.S))
    assert rows == {"1": "false", "2": "true"}
    timeline = re.search(
        r'data-testid="record-timeline"[^>]*?data-verified="(true|false)"', html, re.S
    )
    assert timeline.group(1) == "false"


def test_a_script_in_a_payload_is_escaped(client, archivist, unit):
    client.force_login(archivist)
    html = client.get(_url(unit)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_an_actor_name_with_markup_is_escaped(client, archivist, make_unit, make_person, county):
    person = make_person("evil", county)
    person.first_name = "<b>坏人</b>"
    person.save()
    unit = make_unit("教育局")
    record_append(actor=person, action="unit.created", subject=unit)
    client.force_login(archivist)
    html = client.get(_url(unit)).content.decode()
    assert "<b>坏人</b>" not in html
    assert "&lt;b&gt;坏人&lt;/b&gt;" in html


def test_a_superuser_sees_the_record(client, unit):
    admin = get_user_model().objects.create_superuser("root", password="x-secret-123456")
    client.force_login(admin)
    assert client.get(_url(unit)).status_code == 200


def test_an_outsider_gets_404_when_nobody_registered_access_for_the_model(client, outsider, unit):
    client.force_login(outsider)
    assert client.get(_url(unit)).status_code == 404


def test_staff_see_a_subject_the_registered_predicate_allows(
    client, drafter, justice_bureau, own_unit_may_read
):
    record_append(actor=drafter, action="unit.created", subject=justice_bureau)
    client.force_login(drafter)
    assert client.get(_url(justice_bureau)).status_code == 200


def test_staff_get_404_for_a_subject_the_registered_predicate_refuses(
    client, outsider, unit, own_unit_may_read
):
    client.force_login(outsider)
    assert client.get(_url(unit)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, unit):
    response = client.get(_url(unit))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "subject_type, object_id",
    [
        ("nosuch.model", "1"),
        ("workflows", "1"),
        ("workflows.unit", "999999"),
        ("workflows.unit", "abc"),
    ],
)
def test_an_unknown_subject_is_404_even_for_an_archivist(
    client, archivist, subject_type, object_id
):
    client.force_login(archivist)
    url = reverse("record:timeline", kwargs={"subject_type": subject_type, "object_id": object_id})
    assert client.get(url).status_code == 404


def test_the_record_of_a_deleted_subject_stays_readable_for_an_archivist(client, archivist, unit):
    url = _url(unit)
    unit.delete()
    client.force_login(archivist)
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="record-event"') == 2


# --- admin ----------------------------------------------------------------------------------


def test_the_admin_shows_events_but_offers_no_add_change_or_delete(client, unit):
    admin = get_user_model().objects.create_superuser("root", password="x-secret-123456")
    client.force_login(admin)
    assert client.get("/admin/record/event/").status_code == 200
    assert client.get("/admin/record/event/add/").status_code == 403
    assert client.get("/admin/record/event/1/delete/").status_code == 403
    detail = client.get("/admin/record/event/1/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert client.post("/admin/record/event/1/change/", {"action": "x.y"}).status_code == 403

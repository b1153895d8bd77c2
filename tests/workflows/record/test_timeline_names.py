"""The timeline looks up the names its payloads give by id all at once, one query per model
(issue 22), and shows the same names, links and bare ids as one look-up at a time; its pages
are counted by the subject's verification."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import Decision
from workflows.record.labels import Resolver, payload_fields, payloads_prefetch
from workflows.record.services import record_append

pytestmark = pytest.mark.django_db


def _url(unit) -> str:
    return reverse(
        "record:timeline", kwargs={"subject_type": "workflows.unit", "object_id": unit.pk}
    )


def _people(make_person, unit, n: int) -> list:
    return [make_person(f"named{k}", unit) for k in range(n)]


def _name_in_events(subject, people, units) -> None:
    for person, unit in zip(people, units, strict=True):
        record_append(
            actor="system",
            action="unit.created",
            subject=subject,
            payload={"reviewer": person.pk, "lead_unit": unit.pk, "attendees": [person.pk]},
        )


def _page_queries(client, url) -> int:
    client.get(url)  # content types and the like cached
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_naming_more_people_and_units_costs_no_more_queries(
    client, archivist, make_unit, make_person
):
    few, many = make_unit("少数局"), make_unit("多数局")
    units = [make_unit(f"单位{k}") for k in range(6)]
    _name_in_events(few, _people(make_person, few, 2), units[:2])
    _name_in_events(many, [*_people(make_person, many, 6)], units)
    client.force_login(archivist)
    assert _page_queries(client, _url(many)) == _page_queries(client, _url(few))
    html = client.get(_url(many)).content.decode()
    for unit in units:
        assert unit.name in html


def test_names_looked_up_together_are_those_looked_up_one_by_one(county, drafter):
    decision = Decision.objects.create(
        title="关于城区供热价格的决定",
        government=county,
        lead_unit=county,
        created_by=drafter,
        out_of_catalogue_reason="临时事项",
    )
    payloads = [
        {"reviewer": drafter.pk, "lead_unit": county.pk, "decision": decision.pk},
        {"attendees": [drafter.pk, 987654], "government": 876543, "decision": 765432},
        {"levels": {"unit": county.pk}, "session": 1234567},
    ]
    together = Resolver()
    payloads_prefetch(payloads, together)
    with CaptureQueriesContext(connection) as queries:
        fields_together = [payload_fields(p, together) for p in payloads]
    assert len(queries) == 0
    one_by_one = Resolver()
    assert fields_together == [payload_fields(p, one_by_one) for p in payloads]


def test_a_long_record_is_paged_with_every_event_on_some_page(client, archivist, make_unit):
    unit = make_unit("长记录局")
    for k in range(101):  # the page holds 100
        record_append(actor="system", action="unit.created", subject=unit, payload={"n": k})
    client.force_login(archivist)
    first = client.get(_url(unit))
    second = client.get(_url(unit) + "?page=2")
    assert first.context["paginator"].count == 101
    assert first.content.decode().count('data-testid="record-event"') == 100
    assert second.content.decode().count('data-testid="record-event"') == 1
    assert client.get(_url(unit) + "?page=3").status_code == 404

"""Units and people: every member of staff reads them; e-mail only for oneself or administrators."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["drafter", "legal_advisor", "archivist", "outsider"])
def test_every_member_of_staff_lists_and_reads_units(api, request, who, justice_bureau):
    client = api(request.getfixturevalue(who))
    listed = client.get("/api/v1/units/")
    assert listed.status_code == 200
    assert justice_bureau.pk in [unit["id"] for unit in listed.json()["results"]]
    detail = client.get(f"/api/v1/units/{justice_bureau.pk}/")
    assert detail.status_code == 200
    assert detail.json()["issuer_code"] == "恰司"


def test_units_filter_by_kind_and_parent(api, drafter, county, justice_bureau, township):
    client = api(drafter)
    townships = client.get("/api/v1/units/?kind=township").json()["results"]
    assert [unit["id"] for unit in townships] == [township.pk]
    children = client.get(f"/api/v1/units/?parent={county.pk}").json()["results"]
    assert {unit["id"] for unit in children} == {justice_bureau.pk, township.pk}


def test_a_person_shows_unit_and_roles_but_never_a_password(api, drafter, legal_advisor):
    body = api(drafter).get(f"/api/v1/people/{legal_advisor.pk}/").json()
    assert body["unit"]["name"] == "乌恰县司法局"
    assert {(grant["role"], grant["unit"]) for grant in body["roles"]} == {
        ("legal_advisor", unit.pk) for unit in (legal_advisor.profile.unit, _county())
    }
    assert "password" not in body


def _county():
    from workflows.models import Unit

    return Unit.objects.get(name="乌恰县人民政府")


def test_a_person_sees_only_their_own_email(api, drafter, legal_advisor):
    legal_advisor.email = "advisor@example.org"
    legal_advisor.save()
    drafter.email = "drafter@example.org"
    drafter.save()
    client = api(drafter)
    assert client.get(f"/api/v1/people/{legal_advisor.pk}/").json()["email"] is None
    assert client.get(f"/api/v1/people/{drafter.pk}/").json()["email"] == "drafter@example.org"


def test_an_administrator_sees_everybodys_email(api, administrator, legal_advisor):
    legal_advisor.email = "advisor@example.org"
    legal_advisor.save()
    body = api(administrator).get(f"/api/v1/people/{legal_advisor.pk}/").json()
    assert body["email"] == "advisor@example.org"


def test_people_filter_by_unit_and_role(api, drafter, legal_advisor, outsider, township):
    client = api(drafter)
    in_township = client.get(f"/api/v1/people/?unit={township.pk}").json()["results"]
    assert [person["username"] for person in in_township] == ["outsider"]
    advisors = client.get("/api/v1/people/?role=legal_advisor").json()["results"]
    assert [person["username"] for person in advisors] == ["legal_advisor"]


def test_an_account_without_a_unit_is_not_listed_as_staff(api, drafter, django_user_model):
    loner = django_user_model.objects.create_user("loner", password="x-very-long-password")
    usernames = [p["username"] for p in api(drafter).get("/api/v1/people/").json()["results"]]
    assert "loner" not in usernames
    assert api(drafter).get(f"/api/v1/people/{loner.pk}/").status_code == 404


def _queries(client, url) -> int:
    client.get(url)  # warm per-process caches (content types)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_people_list_costs_the_same_queries_for_1_or_50_people(
    api, drafter, make_person, justice_bureau, township, django_assert_num_queries
):
    for n in range(12):
        make_person(f"person{n}", township, drafter=[township], legal_advisor=[justice_bureau])
    client = api(drafter)
    one = _queries(client, "/api/v1/people/?page_size=1")
    with django_assert_num_queries(one):
        body = client.get("/api/v1/people/?page_size=50").json()
    assert len(body["results"]) == 13
    assert all(person["roles"] for person in body["results"])


def test_the_unit_list_costs_the_same_queries_for_1_or_50_units(
    api, drafter, county, django_assert_num_queries
):
    from workflows.services import unit_ensure

    for n in range(12):
        unit_ensure(name=f"乡{n}", kind="township", parent=county)
    client = api(drafter)
    one = _queries(client, "/api/v1/units/?page_size=1")
    with django_assert_num_queries(one):
        assert len(client.get("/api/v1/units/?page_size=50").json()["results"]) == 14

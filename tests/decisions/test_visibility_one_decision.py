"""Asking about one decision (``decision_is_visible``, ``decision_get_for_user``: the decision
page and its record) narrows every branch's subquery to that decision's rows (issue 22), and
answers exactly what the whole visible set says, decision by decision. A legality review's
copy of its decision's government, which the review office's branch reads on PostgreSQL, is
kept by the database however the review row is written."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.http import Http404
from django.test import override_settings

from decisions.models import Decision, LegalityReview
from decisions.selectors import decision_get_for_user, decision_is_visible, decisions_visible_to
from tests.decisions.test_visibility_generated import generate, spread
from workflows.models import Unit
from workflows.services import person_ensure

pytestmark = pytest.mark.django_db
# One of each way of seeing a decision besides the lead unit's and reading everything.
PEOPLE = (
    "legal_advisor",
    "office_reviewer",
    "secretary",
    "principal",
    "publisher",
    "expert",
    "drafter",
    "filing_reviewer",
    "archivist",
)


def _setup():
    call_command("demo", quiet_accounts=True)
    User = get_user_model()
    county = Unit.objects.get(name="乌恰县人民政府")
    bureau = Unit.objects.get(name="乌恰县司法局")
    drafter = User.objects.get(username="drafter")
    generated = generate(county, bureau, drafter, 90)
    person_ensure(
        username="office_reviewer",
        full_name="审查员",
        unit=bureau,
        password=None,
        roles={"legal_advisor": [bureau]},
    )
    people = {
        name: User.objects.get(username=name)
        for name in ("secretary", "principal", "drafter", "publisher", "expert")
    }
    people["third_party"] = person_ensure(
        username="third_party",
        full_name="第三方机构",
        unit=county,
        password=None,
        roles={"risk_assessor": [county]},
    )[0]
    spread(generated, people, county)
    return county


@override_settings(FAZHI_DEMO_PASSWORD="demo-password-for-tests")
def test_one_decision_is_visible_exactly_when_it_is_in_the_visible_set():
    _setup()
    User = get_user_model()
    pks = list(Decision.objects.order_by("pk").values_list("pk", flat=True))
    for name in PEOPLE:
        person = User.objects.get(username=name)
        visible = set(decisions_visible_to(user=person).values_list("pk", flat=True))
        assert 0 < len(visible), name
        for pk in pks:
            decision = Decision(pk=pk)
            assert decision_is_visible(user=person, decision=decision) == (pk in visible), (
                name,
                pk,
            )
        hidden = next((pk for pk in pks if pk not in visible), None)
        if hidden is not None:
            with pytest.raises(Http404):
                decision_get_for_user(user=person, pk=hidden)
        shown = decision_get_for_user(user=person, pk=min(visible))
        assert shown.pk == min(visible) and shown.government_id
    with pytest.raises(Http404):
        decision_get_for_user(user=User.objects.get(username="archivist"), pk="not-a-number")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@override_settings(FAZHI_DEMO_PASSWORD="demo-password-for-tests")
def test_a_reviews_government_is_its_decisions_however_the_row_is_written():
    county = _setup()
    reviews = LegalityReview.objects.all()
    assert reviews.count() > 10
    assert not reviews.exclude(government_id=county.pk).exists()
    # Written in bulk with no government, or a wrong one: the decision's is stored.
    template = reviews.order_by("pk").first()
    township = (
        Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).first()
        or Unit.objects.exclude(pk=county.pk).first()
    )
    decision = Decision.objects.exclude(legality_reviews__isnull=False).first()
    copies = []
    for government in (None, township):
        copy = LegalityReview.objects.get(pk=template.pk)
        copy.pk, copy.decision_id, copy.government = None, decision.pk, government
        copy.opinion_serial, copy.opinion_number, copy.deadline_id = None, "", None
        copies.append(copy)
    made = LegalityReview.objects.bulk_create(copies)
    assert set(
        LegalityReview.objects.filter(pk__in=[r.pk for r in made]).values_list(
            "government_id", flat=True
        )
    ) == {county.pk}
    # An update cannot set another government either.
    LegalityReview.objects.filter(pk=made[0].pk).update(government=township)
    assert LegalityReview.objects.get(pk=made[0].pk).government_id == county.pk
    # The decision's government changes: its reviews follow, the others stay.
    Decision.objects.filter(pk=decision.pk).update(government=township)
    moved = LegalityReview.objects.filter(decision=decision)
    assert set(moved.values_list("government_id", flat=True)) == {township.pk}
    assert not reviews.exclude(decision=decision).exclude(government_id=county.pk).exists()

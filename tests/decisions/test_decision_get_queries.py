"""Reading one decision for a person (``decision_get_for_user``, ``decision_is_visible``: every
decision page, its record and its task pages) asks the person's grants and then one statement
with the decision, its units and its catalogue item (issue 22: it was four). Who sees what is
checked by test_visibility_one_decision, test_visibility_by_office and
test_visibility_generated; here, what it costs, so that a regression fails."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from decisions.selectors import decision_get_for_user, decision_is_visible, reads_all

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["drafter", "legal_advisor", "outsider"])
def test_one_decision_is_read_with_the_grants_and_one_statement(
    drive, people, django_assert_max_num_queries, who
):
    d = drive.initiate()
    person = people[who]
    reads_all(person)  # a request has read the person's groups for its menu already
    with django_assert_max_num_queries(2):
        try:
            got = decision_get_for_user(user=person, pk=d.pk)
        except Http404:
            got = None
    with django_assert_max_num_queries(2):
        visible = decision_is_visible(user=person, decision=d)
    assert visible == (got is not None)
    assert visible == (who != "outsider")


def test_what_the_decision_page_shows_of_it_is_read_with_it(drive, people):
    d = drive.initiate()
    got = decision_get_for_user(user=people["drafter"], pk=d.pk)
    with CaptureQueriesContext(connection) as captured:
        assert got.catalogue_item.pk == d.catalogue_item_id
        assert got.lead_unit.pk == d.lead_unit_id
        assert got.government.pk == d.government_id
    assert captured.captured_queries == []


def test_whoever_reads_everything_is_answered_in_one_statement(
    drive, people, django_assert_max_num_queries
):
    d = drive.initiate()
    archivist = people["archivist"]
    reads_all(archivist)
    with django_assert_max_num_queries(1):
        assert decision_get_for_user(user=archivist, pk=d.pk) == d

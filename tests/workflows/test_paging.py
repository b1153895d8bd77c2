"""Pages that never count everything (issue 22): the count stops at the cap, the pages past it
are read with one row more, and the inbox page says "N+" pages."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workflows.inbox import InboxItem, register_inbox_source
from workflows.inbox.items import _sources
from workflows.models import Unit
from workflows.paging import CappedPaginator
from workflows.services import unit_ensure

pytestmark = pytest.mark.django_db


class SmallCap(CappedPaginator):
    cap = 5


def _units(n):
    for i in range(n):
        unit_ensure(name=f"分页单位{i}", kind=Unit.Kind.DEPARTMENT, issuer_code=f"页{i}")
    return Unit.objects.filter(name__startswith="分页单位").order_by("name")


def test_below_the_cap_it_pages_exactly_as_django_does():
    paginator = SmallCap(_units(4), 2)
    assert (paginator.count, paginator.capped, paginator.pages_label) == (4, False, "2")
    assert not paginator.page(2).has_next()
    with pytest.raises(EmptyPage):
        paginator.page(3)


def test_above_the_cap_it_counts_no_further_and_pages_on_with_one_row_more():
    units = _units(9)
    paginator = SmallCap(units, 2)
    with CaptureQueriesContext(connection) as queries:
        assert (paginator.count, paginator.capped, paginator.pages_label) == (6, True, "2+")
    assert "LIMIT 6" in queries[0]["sql"]
    names = list(units.values_list("name", flat=True))
    assert [u.name for u in paginator.page(1)] == names[:2] and paginator.page(1).has_next()
    third = paginator.page(3)
    assert [u.name for u in third] == names[4:6] and third.has_next() and third.has_previous()
    last = paginator.page(5)
    assert [u.name for u in last] == names[8:] and not last.has_next()
    with pytest.raises(EmptyPage):
        paginator.page(6)


@pytest.fixture
def sources():
    saved = dict(_sources)
    _sources.clear()
    yield
    _sources.clear()
    _sources.update(saved)


def test_the_inbox_page_past_the_cap_shows_more_pages_without_a_total(
    sources, client, legal_advisor, monkeypatch
):
    monkeypatch.setattr(CappedPaginator, "cap", 100)
    register_inbox_source(
        "test",
        lambda user: [
            InboxItem(
                kind="test",
                title=f"k{n}",
                subject="s",
                url="",
                due=date(2030, 1, 1) + timedelta(days=n),
                unit="u",
                stage="st",
                created=datetime(2020, 1, 1, tzinfo=UTC),
                key=f"k{n}",
            )
            for n in range(180)
        ],
    )
    client.force_login(legal_advisor)
    url = reverse("workbench:inbox:index")
    first = client.get(url).content.decode()
    assert first.count('data-testid="inbox-item"') == 50 and "2+" in first
    third = client.get(url, {"page": 3}).content.decode()
    assert third.count('data-testid="inbox-item"') == 50
    assert 'data-key="k100"' in third and "?page=4" in third
    fourth = client.get(url, {"page": 4}).content.decode()
    assert fourth.count('data-testid="inbox-item"') == 30 and "?page=5" not in fourth
    assert client.get(url, {"page": 5}).status_code == 404

"""The decision lock: one query with the units, and a lock on the decision alone."""

import psycopg
import pytest
from django.db import connection, transaction

from decisions import services as s
from decisions.services._common import lock

from .conftest import LEGAL_BASIS


def _initiate(people, catalogue_item, title="关于调整城区供热价格的决定"):
    return s.decision_initiate(
        by=people["drafter"],
        lead_unit=people["bureau"],
        catalogue_item=catalogue_item,
        title=title,
        problem="供热成本上涨，现行价格难以为继。",
        legal_basis=LEGAL_BASIS,
    )


def _database_url() -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{settings.get('USER') or 'postgres'}{password}@{host}:{port}/{settings['NAME']}"


def test_locking_a_decision_brings_its_units_in_the_same_query_when_given_its_id(
    people, catalogue_item, django_assert_num_queries
):
    decision = _initiate(people, catalogue_item)
    with transaction.atomic(), django_assert_num_queries(1):
        locked = lock(decision.pk)
        assert (locked.lead_unit, locked.government) == (people["bureau"], people["county"])


def test_locking_a_decision_leaves_its_units_free_when_another_decision_of_the_unit_moves(
    transactional_db, people, catalogue_item
):
    decision = _initiate(people, catalogue_item)
    other = _initiate(people, catalogue_item, title="关于调整城区供水价格的决定")
    with transaction.atomic():
        lock(decision)
        with psycopg.connect(_database_url(), autocommit=False) as elsewhere:
            elsewhere.execute("SET lock_timeout = '5s'")
            # The other decision of the same unit and government can be locked meanwhile...
            elsewhere.execute(
                "SELECT id FROM decisions_decision WHERE id = %s FOR UPDATE", [other.pk]
            )
            elsewhere.execute(
                "SELECT id FROM workflows_unit WHERE id IN (%s, %s) FOR UPDATE NOWAIT",
                [people["bureau"].pk, people["county"].pk],
            )
            # ...but not the locked decision itself.
            with pytest.raises(psycopg.errors.LockNotAvailable):
                elsewhere.execute(
                    "SELECT id FROM decisions_decision WHERE id = %s FOR UPDATE NOWAIT",
                    [decision.pk],
                )
            elsewhere.rollback()


def _locked_elsewhere(decision) -> bool:
    """Whether another connection finds the decision's row locked."""
    with psycopg.connect(_database_url(), autocommit=False) as elsewhere:
        try:
            elsewhere.execute(
                "SELECT id FROM decisions_decision WHERE id = %s FOR UPDATE NOWAIT", [decision.pk]
            )
        except psycopg.errors.LockNotAvailable:
            return True
        finally:
            elsewhere.rollback()
    return False


@pytest.mark.parametrize("act", ["dispose", "hide"])
def test_a_comment_is_disposed_of_or_hidden_under_the_decisions_lock(
    transactional_db, drive, people, act
):
    """第十五条: the adoption report counts the dispositions under the decision's lock; a
    disposition or a hiding taken meanwhile waits for it rather than changing what it counted."""
    d = drive.initiate()
    consultation = drive.consult(d, comments=("建议分步调整",), dispose=False)
    comment = consultation.comments.get()
    with transaction.atomic():
        if act == "dispose":
            s.decision_comment_dispose(comment=comment, by=people["drafter"], outcome="adopted")
        else:
            s.decision_comment_hide(comment=comment, by=people["drafter"], reason="含侮辱性言论")
        assert _locked_elsewhere(d)
    assert not _locked_elsewhere(d)

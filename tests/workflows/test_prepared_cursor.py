"""``workflows.connections.prepared_cursor``: the long statements of every staff page are
bound on the server and kept prepared by the connection (issue 22), still seen by Django's
execute wrappers (the benchmarks' and tests' statement counts), and plain when turned off."""

import psycopg
import pytest
from django.db import connection

from workflows.connections import prepared_cursor

pytestmark = pytest.mark.django_db

SQL = "SELECT %s::int + 1 AS fazhi_prepared_probe"


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%fazhi_prepared_probe%"],
        )
        return [row[0] for row in cursor.fetchall()]


def _run(times: int) -> list:
    answers = []
    for n in range(times):
        with prepared_cursor() as cursor:
            cursor.execute(SQL, [n])
            answers.append(cursor.fetchone()[0])
    return answers


def test_a_repeated_statement_is_prepared_once_on_the_connection(settings):
    settings.FAZHI_PREPARED_READS = True
    assert _run(3) == [1, 2, 3]
    assert _prepared() == ["SELECT $1::int + 1 AS fazhi_prepared_probe"]
    with prepared_cursor() as cursor:
        assert isinstance(cursor.cursor, psycopg.Cursor)
        assert not isinstance(cursor.cursor, psycopg.ClientCursor)
    # The connection's other cursors keep Django's client-side binding.
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, psycopg.ClientCursor)


def test_turned_off_the_cursor_is_plain_and_nothing_is_prepared(settings):
    settings.FAZHI_PREPARED_READS = False
    _run(3)
    assert _prepared() == []
    with prepared_cursor() as cursor:
        assert isinstance(cursor.cursor, psycopg.ClientCursor)


def test_its_statements_reach_djangos_execute_wrappers(settings):
    settings.FAZHI_PREPARED_READS = True
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        _run(2)
    assert seen == [SQL, SQL]


def test_a_logged_connection_binds_on_the_client_and_logs_each_statement_with_its_values(
    settings, django_assert_num_queries
):
    """Django's query log (DEBUG, CaptureQueriesContext) reads each statement's text with its
    values, which psycopg does not keep for a statement run prepared."""
    settings.FAZHI_PREPARED_READS = True
    with django_assert_num_queries(3) as captured:
        _run(3)
    assert [q["sql"] for q in captured.captured_queries] == [
        "SELECT 0::int + 1 AS fazhi_prepared_probe",
        "SELECT 1::int + 1 AS fazhi_prepared_probe",
        "SELECT 2::int + 1 AS fazhi_prepared_probe",
    ]
    assert _prepared() == []

"""The runtime role of deploy/postgres-init.sql appends to the record and cannot unprotect it.

A throw-away role is made by running the shipped init SQL on the test database, then used over
its own connection (trust authentication on 127.0.0.1), as the web, worker and beat would be.
"""

import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from tests.conftest import _database_url_of
from workflows.models import Unit
from workflows.record.canonical import canonical_bytes, sha256_hex, sm3_hex
from workflows.record.services import record_append
from workflows.record.verify import record_verify

ROOT = Path(__file__).resolve().parents[3]
INIT_SQL = ROOT / "deploy" / "postgres-init.sql"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def runtime_role():
    """A role made by deploy/postgres-init.sql under a unique name; dropped afterwards."""
    name = f"fazhi_rt_{uuid.uuid4().hex[:12]}"
    url = _database_url_of(connection.settings_dict)
    result = subprocess.run(
        ["psql", url, "--no-psqlrc", "-v", f"runtime_role={name}", "-v", "runtime_password=x"]
        + ["-f", str(INIT_SQL)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    try:
        assert result.returncode == 0, result.stderr
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{name}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{name}"')


@pytest.fixture
def as_runtime_role(runtime_role):
    settings = connection.settings_dict
    with psycopg.connect(
        host="127.0.0.1",
        port=settings.get("PORT") or 5432,
        dbname=settings["NAME"],
        user=runtime_role,
        password="x",
        autocommit=True,
    ) as conn:
        yield conn


@pytest.mark.parametrize(
    "sql",
    [
        "TRUNCATE record_event",
        "TRUNCATE record_checkpoint",
        "ALTER TABLE record_event DISABLE TRIGGER record_event_append_only",
        "ALTER TABLE record_event DISABLE TRIGGER ALL",
        "DROP TRIGGER record_event_append_only ON record_event",
        "DROP TRIGGER record_event_no_truncate ON record_event",
        "ALTER TABLE record_checkpoint DISABLE TRIGGER record_checkpoint_append_only",
    ],
)
def test_the_runtime_role_cannot_truncate_or_switch_off_the_triggers(as_runtime_role, sql):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_runtime_role.execute(sql)


def test_the_runtime_role_is_refused_changing_an_event_by_the_trigger(as_runtime_role):
    unit = Unit.objects.create(name="财政局", kind=Unit.Kind.DEPARTMENT)
    record_append(actor="system", action="unit.created", subject=unit)
    with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
        as_runtime_role.execute("UPDATE record_event SET actor_label = 'somebody else'")


def test_the_runtime_role_appends_an_event_that_verifies(as_runtime_role):
    unit = Unit.objects.create(name="财政局", kind=Unit.Kind.DEPARTMENT)
    record_append(actor="system", action="unit.created", subject=unit)
    content_type = ContentType.objects.get_for_model(Unit)
    with as_runtime_role.transaction():
        # The statements record_append runs: claim the next number under the head's lock,
        # insert the event, point the head at it.
        seq, prev_hash = as_runtime_role.execute(
            "UPDATE record_chainhead SET last_seq = last_seq + 1 WHERE id = 1 "
            "RETURNING last_seq, last_hash"
        ).fetchone()
        at = timezone.now()
        data = canonical_bytes(
            seq=seq,
            at=at,
            actor_kind="system",
            actor_user_id=None,
            actor_label="system",
            action="unit.renamed",
            content_type="workflows.unit",
            object_id=str(unit.pk),
            payload={},
            prev_hash=prev_hash,
        )
        as_runtime_role.execute(
            "INSERT INTO record_event (seq, at, actor_user_id, actor_kind, actor_label, action, "
            "content_type_id, object_id, payload, prev_hash, hash, hash_sm3) "
            "VALUES (%s, %s, NULL, 'system', 'system', 'unit.renamed', %s, %s, '{}', %s, %s, %s)",
            [seq, at, content_type.pk, str(unit.pk), prev_hash, sha256_hex(data), sm3_hex(data)],
        )
        as_runtime_role.execute(
            "UPDATE record_chainhead SET last_hash = %s WHERE id = 1", [sha256_hex(data)]
        )
    result = record_verify()
    assert (result.ok, result.checked, result.head) == (True, 2, (2, sha256_hex(data)))

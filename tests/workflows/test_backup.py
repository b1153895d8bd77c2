"""A backup of a demo installation (database and media files) restores into an empty database
and media folder, and the restored record ends at the backup's chain head; a restore into a
database that is not empty, or from a damaged backup, is refused."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from tests.conftest import _database_url_of
from workflows.backup import MANIFEST, MEDIA
from workflows.models import Unit
from workflows.record.models import ChainHead
from workflows.record.services import record_append

ROOT = Path(__file__).resolve().parents[2]


def manage(*arguments, env, timeout=300):
    """Run manage.py in its own process; its exit status and everything it printed."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result.returncode, result.stdout + result.stderr


def expected_head(backup: Path) -> str:
    head = json.loads((backup / MANIFEST).read_text())["chain_head"]
    return f"{head['seq']}:{head['hash']}"


@pytest.fixture
def empty_database():
    """A throw-away database on the test server, named after ours; dropped afterwards."""
    settings = dict(connection.settings_dict)
    name = f"{settings['NAME'].removeprefix('test_')}_restore_{uuid.uuid4().hex[:10]}"
    params = {
        "host": settings.get("HOST") or "127.0.0.1",
        "port": settings.get("PORT") or 5432,
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
        "dbname": settings["NAME"],
    }
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _database_url_of({**settings, "NAME": name})
    finally:
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_demo_backup_restores_into_an_empty_postgresql_database_with_its_chain_head(
    settings, tmp_path, empty_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", quiet_accounts=True)
    default_storage.save("decisions/attachments/opinion.pdf", ContentFile(b"%PDF-1.4 demo\n"))
    default_storage.save("uploads/说明.txt", ContentFile("材料".encode()))
    backup = tmp_path / "backup"

    call_command("backup", str(backup))

    manifest = json.loads((backup / MANIFEST).read_text())
    assert manifest["database"]["kind"] == "postgresql"
    assert manifest["chain_head"]["seq"] > 0
    assert {m["path"] for m in manifest["media"]} == {
        "decisions/attachments/opinion.pdf",
        "uploads/说明.txt",
    }
    restored_media = tmp_path / "restored-media"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": empty_database,
        "FAZHI_MEDIA_ROOT": str(restored_media),
    }

    status, output = manage("restore", str(backup), env=env)

    assert status == 0, output
    assert "Chain head is the expected one" in output
    status, output = manage("record_verify", "--expect-head", expected_head(backup), env=env)
    assert status == 0, output
    assert f"Chain head: seq {manifest['chain_head']['seq']} " in output
    assert (restored_media / "uploads/说明.txt").read_text() == "材料"
    assert (restored_media / "decisions/attachments/opinion.pdf").read_bytes() == (
        backup / MEDIA / "decisions/attachments/opinion.pdf"
    ).read_bytes()

    # Into the database just restored (not empty any more): refused, nothing touched.
    status, output = manage("restore", str(backup), env=env)
    assert status != 0
    assert "not empty" in output
    # Unless forced: then everything in it is replaced, and checked again.
    status, output = manage("restore", "--force", str(backup), env=env)
    assert status == 0, output
    assert "Chain head is the expected one" in output


def test_a_demo_backup_restores_into_an_empty_sqlite_installation(tmp_path):
    """The embedded default: SQLite under FAZHI_VAR_DIR, each installation its own process."""
    source, target, backup = tmp_path / "source", tmp_path / "target", tmp_path / "backup"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "FAZHI_MEDIA_ROOT")
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    source_env = {**env, "FAZHI_VAR_DIR": str(source)}
    target_env = {**env, "FAZHI_VAR_DIR": str(target)}
    source.mkdir()
    target.mkdir()
    for arguments in (["migrate", "-v0"], ["demo", "--quiet-accounts"]):
        status, output = manage(*arguments, env=source_env)
        assert status == 0, output
    (source / "media/uploads").mkdir(parents=True)
    (source / "media/uploads/scan.pdf").write_bytes(b"%PDF-1.4 scan\n")
    status, output = manage("backup", str(backup), env=source_env)
    assert status == 0, output

    status, output = manage("restore", str(backup), env=target_env)

    assert status == 0, output
    status, output = manage("record_verify", "--expect-head", expected_head(backup), env=target_env)
    assert status == 0, output
    assert (target / "media/uploads/scan.pdf").read_bytes() == b"%PDF-1.4 scan\n"
    status, output = manage("restore", str(backup), env=target_env)
    assert status != 0 and "not empty" in output

    # A damaged backup is refused before anything is restored.
    (backup / MEDIA / "uploads/scan.pdf").write_bytes(b"%PDF-1.4 changed\n")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    status, output = manage("restore", str(backup), env={**env, "FAZHI_VAR_DIR": str(fresh)})
    assert status != 0
    assert "uploads/scan.pdf does not match its SHA-256" in output
    assert not (fresh / "media/uploads/scan.pdf").exists()


@pytest.mark.django_db
def test_record_verify_fails_when_the_chain_head_is_not_the_expected_one():
    unit = Unit.objects.create(name="乌恰县司法局")
    record_append(actor="system", action="unit.created", subject=unit, payload={})
    head = ChainHead.objects.get()

    call_command("record_verify", "--expect-head", f"{head.last_seq}:{head.last_hash}")
    with pytest.raises(CommandError, match="Chain head differs from the expected one"):
        call_command("record_verify", "--expect-head", f"{head.last_seq - 1}:{head.last_hash}")
    with pytest.raises(CommandError, match="wants SEQ:HASH"):
        call_command("record_verify", "--expect-head", "latest")

"""Backups an operator can check: the database, the media files and a manifest saying what was
saved, and a restore that proves it brought back the record that was saved.

A backup folder holds:

``database.dump``
    PostgreSQL: ``pg_dump -Fc`` of the database, taken in a snapshot (``--snapshot``) that the
    manifest's chain head was read in, so that head is exactly the dump's.
``database.sqlite3``
    SQLite (the embedded default): a copy made with SQLite's online backup API; the manifest's
    head is read from the copy.
``media/``
    Every file under MEDIA_ROOT (uploaded attachments, which a database dump does not hold).
``manifest.json``
    Written last (a folder without it is an unfinished backup): the time, the database kind,
    the dump file and its SHA-256, every media file with its SHA-256 and size, the record's
    chain head (seq and hash) and newest signed checkpoint, the applied migrations and the
    application's version.

A restore refuses a target database that has any table and a media folder that has any file
(unless forced), refuses a backup whose files do not match the manifest's hashes, restores,
and then re-walks the whole record (``record_verify``) and requires the chain head the
manifest names: an intact record from another (older) backup is refused as well.

The record's signing key (FAZHI_RECORD_SIGNING_KEY) is deliberately not in the backup: it is
kept apart from the dump, so that whoever holds a dump cannot sign a rewritten chain.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from importlib import metadata
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from workflows.record.models import ChainHead, Checkpoint

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
MEDIA = "media"
FORMAT = "fazhi-backup/1"
POSTGRESQL, SQLITE = "postgresql", "sqlite"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


# --- helpers --------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in (POSTGRESQL, SQLITE):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _pg_params(alias: str) -> dict[str, str]:
    """Connection parameters of ``alias`` as libpq environment variables."""
    db = connections[alias].settings_dict
    options = db.get("OPTIONS") or {}
    env = {
        "PGDATABASE": db["NAME"] or "",
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGSSLMODE": options.get("sslmode", ""),
    }
    return {key: value for key, value in env.items() if value}


def _pg_run(arguments: list[str], *, alias: str) -> None:
    """Run a PostgreSQL client from PATH with only what it needs in its environment (the
    password in PGPASSWORD, never on the command line)."""
    program = shutil.which(arguments[0])
    if program is None:
        raise BackupError(f"{arguments[0]} is not on PATH (install the PostgreSQL client).")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
    env.update(_pg_params(alias))
    completed = subprocess.run(
        [program, *arguments[1:]], env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise BackupError(
            f"{arguments[0]} failed (exit {completed.returncode}): {completed.stderr.strip()}"
        )


def _pg_connect(alias: str) -> psycopg.Connection:
    params = _pg_params(alias)
    return psycopg.connect(
        dbname=params.get("PGDATABASE"),
        user=params.get("PGUSER"),
        password=params.get("PGPASSWORD"),
        host=params.get("PGHOST"),
        port=params.get("PGPORT"),
        sslmode=params.get("PGSSLMODE"),
    )


def _record_state(cursor, quote) -> dict:
    """The chain head, the newest checkpoint and the applied migrations, read with ``cursor``
    (a DB-API cursor on the snapshot or the copy)."""
    cursor.execute(
        f"SELECT last_seq, last_hash FROM {quote(ChainHead._meta.db_table)} WHERE id = 1"
    )
    row = cursor.fetchone()
    head = {"seq": int(row[0]), "hash": row[1]} if row and row[0] else {"seq": 0, "hash": ""}
    cursor.execute(
        f"SELECT serial, seq, head_hash, key_fingerprint FROM "
        f"{quote(Checkpoint._meta.db_table)} ORDER BY serial DESC LIMIT 1"
    )
    row = cursor.fetchone()
    checkpoint = (
        {"serial": int(row[0]), "seq": int(row[1]), "hash": row[2], "key_fingerprint": row[3]}
        if row
        else None
    )
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    return {"chain_head": head, "latest_checkpoint": checkpoint, "migrations": migrations}


def _app_version() -> str:
    try:
        return metadata.version("fazhi")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- backup ---------------------------------------------------------------------------------


def backup_create(*, directory: Path, alias: str = "default") -> dict:
    """Back up the database and the media files into ``directory`` (new or empty) and return
    the manifest, which is written last."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new folder.")
    directory.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    vendor = _vendor(alias)
    if vendor == POSTGRESQL:
        dump, state = _pg_dump(directory / PG_DUMP, alias=alias)
    else:
        dump, state = _sqlite_dump(directory / SQLITE_DUMP, alias=alias)
    media = _media_copy(Path(settings.MEDIA_ROOT), directory / MEDIA)
    manifest = {
        "format": FORMAT,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "app_version": _app_version(),
        "database": {
            "kind": vendor,
            "file": dump.name,
            "sha256": file_sha256(dump),
            "size": dump.stat().st_size,
        },
        "media": media,
        **state,
    }
    partial = directory / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    partial.replace(directory / MANIFEST)
    return manifest


def _pg_dump(target: Path, *, alias: str) -> tuple[Path, dict]:
    # A repeatable-read transaction exports its snapshot; pg_dump dumps exactly that snapshot
    # while the transaction stays open, and the head is read in it: the two agree even while
    # the application goes on appending events.
    with closing(_pg_connect(alias)) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        with conn.cursor() as cursor:
            state = _record_state(cursor, _pg_quote)
        _pg_run(["pg_dump", "-Fc", f"--snapshot={snapshot}", f"--file={target}"], alias=alias)
        conn.rollback()
    return target, state


def _pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_dump(target: Path, *, alias: str) -> tuple[Path, dict]:
    connection = connections[alias]
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
        state = _record_state(copy.cursor(), _pg_quote)
    return target, state


def _media_copy(source: Path, target: Path) -> list[dict]:
    """Copy every file under ``source`` into ``target``; each with its SHA-256, by path."""
    entries = []
    target.mkdir(parents=True, exist_ok=True)
    if not source.is_dir():
        return entries
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        relative = path.relative_to(source).as_posix()
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        # The hash of the copy: what the backup holds is what the manifest vouches for.
        entries.append(
            {
                "path": relative,
                "sha256": file_sha256(destination),
                "size": destination.stat().st_size,
            }
        )
    return entries


# --- restore --------------------------------------------------------------------------------


def backup_manifest_read(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} is missing: not a backup folder, or an unfinished backup.")
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except ValueError as error:
        raise BackupError(f"{path} cannot be read: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a {FORMAT} manifest.")
    return manifest


def backup_check(directory: Path) -> dict:
    """The manifest, once every file it lists matches its SHA-256 (else BackupError naming
    each one that does not)."""
    directory = Path(directory)
    manifest = backup_manifest_read(directory)
    problems = []
    database = manifest["database"]
    wanted = [(database["file"], database["sha256"])]
    wanted += [(f"{MEDIA}/{entry['path']}", entry["sha256"]) for entry in manifest["media"]]
    for relative, expected in wanted:
        path = directory / relative
        if ".." in Path(relative).parts or not path.is_file():
            problems.append(f"{relative} is missing")
        elif file_sha256(path) != expected:
            problems.append(f"{relative} does not match its SHA-256 in the manifest")
    if problems:
        raise BackupError("The backup is damaged: " + "; ".join(problems) + ".")
    return manifest


def database_tables(alias: str = "default") -> list[str]:
    """The tables in the target database (an empty list for an empty database)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def backup_restore(*, directory: Path, alias: str = "default", force: bool = False) -> dict:
    """Restore the backup in ``directory`` into the database ``alias`` and MEDIA_ROOT; return
    the manifest. Refuses (BackupError) a damaged backup, a backup of another database kind,
    and, unless ``force``, a database with any table or a media folder with any file."""
    directory = Path(directory)
    manifest = backup_check(directory)
    vendor = _vendor(alias)
    if manifest["database"]["kind"] != vendor:
        raise BackupError(
            f"The backup is of a {manifest['database']['kind']} database; the target is {vendor}."
        )
    tables = database_tables(alias)
    media_root = Path(settings.MEDIA_ROOT)
    media_files = [p for p in media_root.rglob("*") if p.is_file()] if media_root.is_dir() else []
    if not force:
        if tables:
            raise BackupError(
                f"The target database is not empty ({len(tables)} tables). Restore into a new, "
                "empty database, or pass --force to replace everything in it."
            )
        if media_files:
            raise BackupError(
                f"The media folder {media_root} is not empty ({len(media_files)} files). "
                "Restore into an empty folder, or pass --force to replace its files."
            )
    dump = directory / manifest["database"]["file"]
    if vendor == POSTGRESQL:
        _pg_restore(dump, alias=alias, tables=tables)
    else:
        _sqlite_restore(dump, alias=alias)
    _media_restore(directory / MEDIA, media_root, manifest["media"], clear=bool(media_files))
    return manifest


def _pg_restore(dump: Path, *, alias: str, tables: list[str]) -> None:
    connection = connections[alias]
    if tables:  # forced: what the dump does not hold must not survive either
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {_pg_quote(table)} CASCADE")
    connection.close()
    arguments = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
    if tables:
        arguments += ["--clean", "--if-exists"]
    _pg_run(
        [
            *arguments,
            "--single-transaction",
            f"--dbname={_pg_params(alias)['PGDATABASE']}",
            str(dump),
        ],
        alias=alias,
    )


def _sqlite_restore(dump: Path, *, alias: str) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    with closing(sqlite3.connect(dump)) as source:
        # The backup API replaces every page of the target: nothing of it survives.
        source.backup(connection.connection)
    connection.close()


def _media_restore(source: Path, target: Path, entries: list[dict], *, clear: bool) -> None:
    if clear:
        for child in target.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    target.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        destination = target / entry["path"]
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / entry["path"], destination)
        if file_sha256(destination) != entry["sha256"]:
            raise BackupError(f"{destination} does not match its SHA-256 after copying.")


def migrations_unapplied(alias: str = "default") -> list[str]:
    """Migrations this code has that the restored database has not (run ``migrate``)."""
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan]

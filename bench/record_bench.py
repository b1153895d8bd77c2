"""Benchmark of the full-process record on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fazhi .venv/bin/python bench/record_bench.py --events 100000

DATABASE_URL only says which server to use: the script creates its own scratch database
``fazhi_bench_record`` there (dropping a leftover one), migrates it, and drops it at the end
(unless --keep). It measures

* appends per second through ``record_append``, one transaction per event, with 1 and with 4
  writer threads (all writers queue on the one chain-head lock, so 4 threads show the cost of
  that serialisation rather than a speed-up);
* events verified per second by ``record_verify()`` over N valid chained events, generated
  in Python (hashes included) and loaded with COPY;
* for comparison, how fast hashlib alone hashes the same canonical bytes (SHA-256, and
  SHA-256 + SM3 as the verifier does), and the pure-Python gmssl SM3.

It prints a table, then one JSON line with every figure.
"""

import argparse
import datetime as dt
import json
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DATABASE = "fazhi_bench_record"
SUBJECTS = 1000
HASH_SAMPLE_MAX = 200_000


def _server_connect(url: str):
    import psycopg

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(maintenance, autocommit=True)


def _database_create(url: str) -> str:
    with _server_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))


def _database_drop(url: str) -> None:
    with _server_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')


def _django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _generate_chain(n: int) -> tuple[list[bytes], float]:
    """Write ``n`` valid chained events with COPY; return a sample of their bytes and the time."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from workflows.models import Unit
    from workflows.record.canonical import (
        GENESIS_HASH,
        canonical_bytes,
        json_safe,
        sha256_hex,
        sm3_hex,
    )
    from workflows.record.models import ChainHead

    units = Unit.objects.bulk_create(
        Unit(name=f"单位 {i}", kind=Unit.Kind.DEPARTMENT) for i in range(SUBJECTS)
    )
    user = get_user_model().objects.create(username="bench", first_name="测试员")
    content_type = ContentType.objects.get_for_model(Unit)
    label = f"{content_type.app_label}.{content_type.model}"
    start_at = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    statuses = ["draft", "comment", "review", "meeting", "published"]
    sample: list[bytes] = []
    prev_hash = GENESIS_HASH
    columns = (
        "seq, at, actor_kind, actor_user_id, actor_label, action, content_type_id, "
        "object_id, payload, prev_hash, hash, hash_sm3"
    )
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY record_event ({columns}) FROM STDIN") as copy:
            for seq in range(1, n + 1):
                person = seq % 3 == 0
                payload = json_safe(
                    {
                        "opinion": f"经审查，第{seq}号草案符合法定程序，同意提交常务会议。",
                        "status": {"old": statuses[seq % 5], "new": statuses[(seq + 1) % 5]},
                        "sha256": sha256_hex(seq.to_bytes(8, "big")),
                        "n": seq,
                    }
                )
                fields = {
                    "seq": seq,
                    "at": start_at + dt.timedelta(milliseconds=seq),
                    "actor_kind": "person" if person else "system",
                    "actor_user_id": user.pk if person else None,
                    "actor_label": "测试员 (bench)" if person else "system",
                    "action": "decision.reviewed",
                    "object_id": str(units[seq % SUBJECTS].pk),
                    "payload": payload,
                    "prev_hash": prev_hash,
                }
                data = canonical_bytes(content_type=label, **fields)
                digest = sha256_hex(data)
                if len(sample) < HASH_SAMPLE_MAX:
                    sample.append(data)
                copy.write_row(
                    (
                        seq,
                        fields["at"],
                        fields["actor_kind"],
                        fields["actor_user_id"],
                        fields["actor_label"],
                        fields["action"],
                        content_type.pk,
                        fields["object_id"],
                        json.dumps(payload, ensure_ascii=False),
                        prev_hash,
                        digest,
                        sm3_hex(data),
                    )
                )
                prev_hash = digest
        ChainHead.objects.create(id=ChainHead.SINGLETON_ID, last_seq=n, last_hash=prev_hash)
    elapsed = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE record_event")
    return sample, elapsed


def _verify_rate(n_expected: int, runs: int = 2) -> float:
    from workflows.record.verify import record_verify

    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        result = record_verify()
        best = min(best, time.perf_counter() - began)
        if not (result.ok and result.checked == n_expected):
            raise SystemExit(f"the generated chain does not verify: {result}")
    return n_expected / best


def _hash_rates(sample: list[bytes]) -> dict[str, float]:
    import hashlib

    from gmssl import func, sm3

    from workflows.record.canonical import sm3_hex

    rates = {}
    began = time.perf_counter()
    for data in sample:
        hashlib.sha256(data).hexdigest()
    rates["sha256"] = len(sample) / (time.perf_counter() - began)
    began = time.perf_counter()
    for data in sample:
        hashlib.sha256(data).hexdigest()
        sm3_hex(data)
    rates["sha256_sm3"] = len(sample) / (time.perf_counter() - began)
    few = sample[:300]
    began = time.perf_counter()
    for data in few:
        sm3.sm3_hash(func.bytes_to_list(data))
    rates["gmssl_sm3"] = len(few) / (time.perf_counter() - began)
    return rates


def _append_rate(total: int, threads: int) -> float:
    from django.db import connection, transaction

    from workflows.models import Unit
    from workflows.record.services import record_append

    units = list(Unit.objects.order_by("pk")[:threads])
    barrier = threading.Barrier(threads + 1)
    errors: list[BaseException] = []
    per_thread = total // threads

    def writer(index: int) -> None:
        try:
            unit = units[index]
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    record_append(
                        actor="system",
                        action="decision.reviewed",
                        subject=unit,
                        payload={"opinion": "同意。", "writer": index, "i": i},
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=writer, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise SystemExit(f"an append failed: {errors[0]!r}")
    return per_thread * threads / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="events to verify")
    parser.add_argument("--appends", type=int, default=2000, help="appends per thread setting")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server (its database is not used)")
    bench_url = _database_create(server_url)
    try:
        _django_setup(bench_url)
        from django.db import connections

        sample, generate_seconds = _generate_chain(args.events)
        verify = _verify_rate(args.events)
        hashes = _hash_rates(sample)
        append_1 = _append_rate(args.appends, threads=1)
        append_4 = _append_rate(args.appends, threads=4)

        from workflows.record.verify import record_verify

        final = record_verify()
        expected = args.events + args.appends + (args.appends // 4) * 4
        if not (final.ok and final.checked == expected):
            raise SystemExit(f"the chain does not verify after the appends: {final}")
        connections.close_all()
    finally:
        if not args.keep:
            _database_drop(server_url)

    figures = {
        "events": args.events,
        "appends": args.appends,
        "append_per_s_1_thread": round(append_1),
        "append_per_s_4_threads": round(append_4),
        "verify_per_s": round(verify),
        "hashlib_sha256_per_s": round(hashes["sha256"]),
        "hashlib_sha256_sm3_per_s": round(hashes["sha256_sm3"]),
        "gmssl_sm3_per_s": round(hashes["gmssl_sm3"]),
        "generate_copy_per_s": round(args.events / generate_seconds),
        "verify_seconds": round(args.events / verify, 2),
        "cpus": os.cpu_count(),
    }
    rows = [
        ("append, 1 writer thread (1 event per transaction)", figures["append_per_s_1_thread"]),
        ("append, 4 writer threads (1 event per transaction)", figures["append_per_s_4_threads"]),
        (f"verify, whole chain of {args.events} events", figures["verify_per_s"]),
        ("hashlib SHA-256 of the same bytes", figures["hashlib_sha256_per_s"]),
        ("hashlib SHA-256 + SM3 of the same bytes", figures["hashlib_sha256_sm3_per_s"]),
        ("gmssl (pure Python) SM3 of the same bytes", figures["gmssl_sm3_per_s"]),
        ("generate + COPY valid chained events", figures["generate_copy_per_s"]),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  {'events/s':>12}")
    print(f"{'-' * width}  {'-' * 12}")
    for name, value in rows:
        print(f"{name:<{width}}  {value:>12,}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

"""Record: appends per second (1 and 4 writers) and verification per second over 1,000,000
chained events, against hashlib hashing the same bytes.

    DATABASE_URL=postgres://… .venv/bin/python -m bench.record [--quick] [--events N]

The chain is generated in Python with valid hashes and loaded with COPY on the run's scratch
database. The
verifier recomputes SHA-256 and SM3 for every event, so its reference is hashlib doing exactly
that (SHA-256 + SM3 through OpenSSL) on the same canonical bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import threading
import time

from bench import harness

SUBJECTS = 1000
HASH_SAMPLE_MAX = 200_000


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.common_arguments(parser)
    parser.add_argument("--events", type=int, default=None)
    parser.add_argument("--appends", type=int, default=None)
    args = parser.parse_args()
    events = args.events or (50_000 if args.quick else 1_000_000)
    appends = args.appends or (400 if args.quick else 2000)

    name = harness.setup("record")
    try:
        from workflows.record.verify import record_verify

        sample, generate_s = _generate_chain(events)
        verify = _verify_rate(events, runs=2)
        hashes = _hash_rates(sample)
        del sample
        append_1 = _append_rate(appends, threads=1)
        append_4 = _append_rate(appends, threads=4)
        started = time.perf_counter()
        final = record_verify()
        final_s = time.perf_counter() - started
        expected = events + appends + (appends // 4) * 4
        if not (final.ok and final.checked == expected):
            raise SystemExit(f"the chain does not verify after the appends: {final}")
    finally:
        harness.teardown(name, keep=args.keep)

    figures = {
        "events": events,
        "appends": appends,
        "append_per_s_1_writer": round(append_1),
        "append_per_s_4_writers": round(append_4),
        "verify_per_s": round(verify),
        "verify_s": round(events / verify, 1),
        "hashlib_sha256_per_s": round(hashes["sha256"]),
        "hashlib_sha256_sm3_per_s": round(hashes["sha256_sm3"]),
        "verify_ratio_to_hashlib_sha256_sm3": harness.ratio(verify, hashes["sha256_sm3"]),
        "verify_ratio_to_hashlib_sha256": harness.ratio(verify, hashes["sha256"]),
        "generate_copy_per_s": round(events / generate_s),
        "final_verify_s": round(final_s, 1),
    }
    rows = [
        ("append, 1 writer (1 event per transaction)", f"{figures['append_per_s_1_writer']:,}/s"),
        ("append, 4 writers (1 event per transaction)", f"{figures['append_per_s_4_writers']:,}/s"),
        (
            f"verify whole chain of {events:,} events",
            f"{figures['verify_per_s']:,}/s ({figures['verify_s']} s)",
        ),
        ("hashlib SHA-256 + SM3 of the same bytes", f"{figures['hashlib_sha256_sm3_per_s']:,}/s"),
        ("hashlib SHA-256 alone", f"{figures['hashlib_sha256_per_s']:,}/s"),
        (
            "verify / hashlib SHA-256+SM3 (target ≥ 0.30)",
            f"{figures['verify_ratio_to_hashlib_sha256_sm3']}",
        ),
        ("verify / hashlib SHA-256 alone", f"{figures['verify_ratio_to_hashlib_sha256']}"),
        ("generate + COPY", f"{figures['generate_copy_per_s']:,}/s"),
    ]
    harness.emit("record", figures, rows)


if __name__ == "__main__":
    main()

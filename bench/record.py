"""Record: appends per second (1 and 4 writers) and verification per second over 1,000,000
chained events, against hashlib hashing the same bytes.

    DATABASE_URL=postgres://… .venv/bin/python -m bench.record [--quick] [--events N]

The chain is generated in Python with valid hashes and loaded with COPY (``bench.record_bench``
does the work; this module runs it on the run's scratch database and reports ratios). The
verifier recomputes SHA-256 and SM3 for every event, so its reference is hashlib doing exactly
that (SHA-256 + SM3 through OpenSSL) on the same canonical bytes.
"""

from __future__ import annotations

import argparse
import time

from bench import harness


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
        from bench.record_bench import _append_rate, _generate_chain, _hash_rates, _verify_rate
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

"""Cleanup: opening a regular cleanup campaign over 10,000 in-force normative documents.

    DATABASE_URL=postgres://… .venv/bin/python -m bench.cleanup [--quick] [--documents N]

The documents (spread over 54 drafting bodies, as in the seed) are bulk-created; then
``normdocs.services.cleanup_open`` is timed and its queries counted. The reference, on the same
database: one set-based ``INSERT … SELECT`` writing one row per in-force document with its
drafting body into a scratch table — what any campaign has to pay at least.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from bench import harness


def populate(documents: int, bodies: int) -> object:
    from django.utils import timezone

    from normdocs.models import DraftingBody, NormativeDocument, Status
    from workflows.models import Unit

    government = Unit.objects.create(
        name="基准测试县人民政府", kind="government", issuer_code="基准"
    )
    made = [
        DraftingBody.objects.create(
            unit=government,
            kind="government",
            legal_basis="组织法",
            issuer_codes=["基准"],
            registered_at=timezone.now(),
        )
    ]
    for i in range(1, bodies):
        unit = Unit.objects.create(name=f"基准测试局{i}", kind="department", parent=government)
        made.append(
            DraftingBody.objects.create(
                unit=unit,
                kind="department",
                legal_basis="三定方案",
                issuer_codes=[f"基{i}"],
                registered_at=timezone.now(),
            )
        )
    NormativeDocument.objects.bulk_create(
        [
            NormativeDocument(
                title=f"基准文件{n}",
                drafting_body=made[n % len(made)],
                issuer_code="基准",
                status=Status.IN_FORCE,
                number=f"基准规〔2020〕{n + 1}号",
                published_on=date(2020, 1, 1),
            )
            for n in range(documents)
        ],
        batch_size=5000,
    )
    return government


def reference_s() -> float:
    from django.db import connection, transaction

    from normdocs.models import NormativeDocument, Status

    table = NormativeDocument._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_items (document_id bigint, body_id bigint, due date) "
            "ON COMMIT DROP"
        )
        started = time.perf_counter()
        cursor.execute(
            f"INSERT INTO bench_items SELECT id, drafting_body_id, %s FROM {table} "
            "WHERE status = %s",
            [date(2026, 7, 1), Status.IN_FORCE],
        )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.common_arguments(parser)
    parser.add_argument("--documents", type=int, default=None)
    parser.add_argument("--bodies", type=int, default=54)
    args = parser.parse_args()
    documents = args.documents or (2000 if args.quick else 10_000)

    name = harness.setup("cleanup")
    try:
        from django.db import connection, transaction

        from normdocs.services import cleanup_open

        government = populate(documents, args.bodies)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        ref = min(reference_s() for _ in range(3))
        counter = harness.SqlCounter(connection)
        started = time.perf_counter()
        # In an outer transaction only to time its commit apart: the deferred foreign-key
        # checks run there (of the bodies' shares and clocks: no row is written per document,
        # each share keeps the snapshot of its documents).
        with counter.counting(), transaction.atomic():
            campaign = cleanup_open(
                kind="regular",
                government=government,
                by="system",
                title="基准清理",
                on=date(2026, 6, 1),
            )
            before_commit = time.perf_counter()
        elapsed = time.perf_counter() - started
        from normdocs.selectors import cleanup_documents

        items = cleanup_documents(campaign).count()
    finally:
        harness.teardown(name, keep=args.keep)

    figures = {
        "documents": documents,
        "bodies": args.bodies,
        "items": items,
        "open_s": round(elapsed, 3),
        "commit_ms": round((elapsed - (before_commit - started)) * 1000, 1),
        "queries": counter.statements,
        "reference_ms": round(ref * 1000, 2),
        "ratio_to_reference": harness.ratio(elapsed, ref, 1),
        "items_per_s": round(items / elapsed),
    }
    rows = [
        (
            f"cleanup_open over {documents:,} in-force documents",
            f"{figures['open_s']} s, {counter.statements} queries, {items:,} documents in scope",
        ),
        ("  of which the commit (deferred foreign-key checks)", f"{figures['commit_ms']} ms"),
        ("reference: one INSERT … SELECT of the same rows", f"{figures['reference_ms']} ms"),
        ("cleanup_open / reference", f"{figures['ratio_to_reference']}×"),
    ]
    harness.emit("cleanup", figures, rows)


if __name__ == "__main__":
    main()

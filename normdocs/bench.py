"""Benchmark: opening a cleanup campaign over many in-force documents.

    DATABASE_URL=postgres://… python -m normdocs.bench [--documents 10000] [--bodies 54]

Creates the documents, opens a regular campaign and reports the time and the number of queries
of the opening alone, then rolls everything back: the database is left as it was.
"""

import argparse
import os
import time
from datetime import date


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--bodies", type=int, default=54)  # the seed: 54 drafting bodies
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from normdocs.models import DraftingBody, NormativeDocument, Status
    from normdocs.services import cleanup_open
    from workflows.models import Unit

    try:
        with transaction.atomic():
            government = Unit.objects.create(
                name="基准测试县人民政府", kind="government", issuer_code="基准"
            )
            bodies = [
                DraftingBody.objects.create(
                    unit=government,
                    kind="government",
                    legal_basis="组织法",
                    issuer_codes=["基准"],
                    registered_at=django.utils.timezone.now(),
                )
            ]
            for i in range(1, args.bodies):
                unit = Unit.objects.create(
                    name=f"基准测试局{i}", kind="department", parent=government
                )
                bodies.append(
                    DraftingBody.objects.create(
                        unit=unit,
                        kind="department",
                        legal_basis="三定方案",
                        issuer_codes=[f"基{i}"],
                        registered_at=django.utils.timezone.now(),
                    )
                )
            NormativeDocument.objects.bulk_create(
                [
                    NormativeDocument(
                        title=f"基准文件{n}",
                        drafting_body=bodies[n % len(bodies)],
                        issuer_code="基准",
                        status=Status.IN_FORCE,
                        number=f"基准规〔2020〕{n + 1}号",
                        published_on=date(2020, 1, 1),
                    )
                    for n in range(args.documents)
                ],
                batch_size=5000,
            )
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                campaign = cleanup_open(
                    kind="regular",
                    government=government,
                    by="system",
                    title="基准清理",
                    on=date(2026, 6, 1),
                )
            elapsed = time.perf_counter() - started
            items = campaign.items.count()
            print(
                f"cleanup_open: {items} items for {len(bodies)} drafting bodies in {elapsed:.2f} s, "
                f"{len(queries)} queries"
            )
            raise _Rollback
    except _Rollback:
        pass


if __name__ == "__main__":
    main()

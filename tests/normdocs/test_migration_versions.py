"""The data step of migration 0007 (issue 17): each document's text of before the versions
becomes its version 1 with the text's SHA-256 — as issued once registered, else the draft for
review — and a document without text gets none."""

import hashlib
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("normdocs", "0006_cleanup_scope_snapshot_verdict_rows")
AFTER = ("normdocs", "0007_versions_review")
ISSUED_TEXT = "第一条　为了加强农村公路养护管理，制定本办法。\n第二条　本办法自印发之日起施行。"
DRAFT_TEXT = "第一条　本县居民办理证明事项，不收取任何费用。"


@pytest.mark.django_db(transaction=True)
def test_migration_0007_turns_each_documents_text_into_version_one_with_its_hash(
    county_body, bureau_body, county_drafter, drafter
):
    registered_at = datetime(2020, 3, 28, 2, 0, tzinfo=UTC)
    try:
        MigrationExecutor(connection).migrate([BEFORE])
        old = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
        document = old.get_model("normdocs", "NormativeDocument")
        issued = document.objects.create(
            title="乌恰县农村公路养护管理办法",
            drafting_body_id=county_body.pk,
            issuer_code="恰政",
            status="in_force",
            text=ISSUED_TEXT,
            created_by_id=county_drafter.pk,
            number="恰政规〔2020〕2号",
            registered_at=registered_at,
        )
        draft = document.objects.create(
            title="乌恰县司法局证明事项办理规定",
            drafting_body_id=bureau_body.pk,
            issuer_code="恰司",
            status="review",
            text=DRAFT_TEXT,
            created_by_id=drafter.pk,
        )
        empty = document.objects.create(
            title="无正文的旧文件",
            drafting_body_id=county_body.pk,
            issuer_code="恰政",
            status="in_force",
            created_by_id=county_drafter.pk,
            number="恰政规〔2019〕1号",
            registered_at=registered_at,
        )

        MigrationExecutor(connection).migrate([AFTER])

        new = MigrationExecutor(connection).loader.project_state([AFTER]).apps
        version = new.get_model("normdocs", "DocumentVersion")
        rows = {
            v.document_id: v for v in version.objects.filter(document_id__in=[issued.pk, draft.pk])
        }
        first = rows[issued.pk]
        assert (first.number, first.kind, first.text) == (1, "as_issued", ISSUED_TEXT)
        assert first.sha256 == hashlib.sha256(ISSUED_TEXT.encode("utf-8")).hexdigest()
        assert first.created_at == registered_at and first.created_by_id == county_drafter.pk
        assert first.note == "恰政规〔2020〕2号"
        second = rows[draft.pk]
        assert (second.number, second.kind, second.text) == (1, "for_review", DRAFT_TEXT)
        assert second.sha256 == hashlib.sha256(DRAFT_TEXT.encode("utf-8")).hexdigest()
        assert version.objects.filter(document_id__in=[issued.pk, draft.pk]).count() == 2
        assert not version.objects.filter(document_id=empty.pk).exists()
    finally:
        # Leave the schema as every later migration made it, whatever happened above: going
        # back to 0006 unapplied the decisions migrations that depend on normdocs too, and the
        # tests that follow need all of them.
        latest = MigrationExecutor(connection)
        latest.migrate(latest.loader.graph.leaf_nodes())

"""The scope of a cleanup campaign (清理, 国办发〔2018〕37号 五(十八)): which in-force documents a
campaign reviews, and the snapshot of them each drafting body's share keeps from the opening."""

import hashlib

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from workflows.models import Unit

from ..models import CleanupAssignment, CleanupCampaign, NormativeDocument, Status
from ..rules import RuleRefusal

SCOPE_KEYS = (
    "drafting_bodies",
    "issuer_codes",
    "published_from",
    "published_to",
    "keyword",
    "documents",
)


def cleanup_scope_documents(*, government: Unit, scope: dict) -> QuerySet[NormativeDocument]:
    """In-force documents of ``government`` and the bodies under it that match ``scope``.

    Scope keys (all optional, combined with AND): drafting_bodies (ids), issuer_codes,
    published_from / published_to (ISO dates), keyword (title, laws cited or text: a changed
    law such as 行政处罚法), documents (an explicit list of ids).
    """
    unknown = set(scope) - set(SCOPE_KEYS)
    if unknown:
        raise RuleRefusal(
            _("Unknown scope keys: %(keys)s."),
            code="unknown_scope_keys",
            params={"keys": ", ".join(sorted(unknown))},
        )
    documents = NormativeDocument.objects.filter(status=Status.IN_FORCE).filter(
        Q(drafting_body__unit=government) | Q(drafting_body__unit__parent=government)
    )
    if scope.get("drafting_bodies"):
        documents = documents.filter(drafting_body_id__in=scope["drafting_bodies"])
    if scope.get("issuer_codes"):
        documents = documents.filter(issuer_code__in=scope["issuer_codes"])
    if scope.get("published_from"):
        documents = documents.filter(published_on__gte=scope["published_from"])
    if scope.get("published_to"):
        documents = documents.filter(published_on__lte=scope["published_to"])
    if scope.get("keyword"):
        word = scope["keyword"]
        documents = documents.filter(
            Q(title__contains=word) | Q(cited_laws__contains=word) | Q(text__contains=word)
        )
    if scope.get("documents"):
        documents = documents.filter(pk__in=scope["documents"])
    return documents


def assignments_insert(
    *, campaign: CleanupCampaign, documents: QuerySet[NormativeDocument], due_on
) -> tuple[list[CleanupAssignment], int, str]:
    """Each drafting body's share of the campaign with the snapshot of its documents in scope
    (谁制定谁清理; 国办发〔2018〕37号 五(十八)): one row per body. Returns the assignments (by
    body), how many documents are in scope and the SHA-256 of their ids in ascending order
    joined by commas (the record's evidence of the scope)."""
    if connection.vendor == "postgresql":
        return _assignments_insert_sql(campaign=campaign, documents=documents, due_on=due_on)
    ids_of: dict[int, list[int]] = {}
    ids = list(documents.order_by("pk").values_list("pk", "drafting_body_id"))
    for document, body in ids:
        ids_of.setdefault(body, []).append(document)
    assignments = CleanupAssignment.objects.bulk_create(
        [
            CleanupAssignment(campaign=campaign, drafting_body_id=body, due_on=due_on, documents=d)
            for body, d in sorted(ids_of.items())
        ]
    )
    digest = hashlib.sha256(",".join(str(d) for d, _body in ids).encode()).hexdigest()
    return assignments, len(ids), digest


def _assignments_insert_sql(
    *, campaign: CleanupCampaign, documents: QuerySet[NormativeDocument], due_on
) -> tuple[list[CleanupAssignment], int, str]:
    """``_assignments_insert`` on PostgreSQL in one set-based INSERT … SELECT: no document id
    travels through Python."""
    table = CleanupAssignment._meta
    quote = connection.ops.quote_name
    column = {
        name: quote(table.get_field(name).column)
        for name in ("campaign", "drafting_body", "due_on", "documents")
    }
    scope_sql, scope_params = (
        documents.order_by()
        .values(document=F("pk"), body=F("drafting_body_id"))
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH d AS MATERIALIZED ({scope_sql}), made AS ("
            f"INSERT INTO {quote(table.db_table)} ({column['campaign']}, "
            f"{column['drafting_body']}, {column['due_on']}, {column['documents']}) "
            "SELECT %s, d.body, %s, to_jsonb(array_agg(d.document ORDER BY d.document)) FROM d "
            "GROUP BY d.body ORDER BY d.body "
            f"RETURNING id, {column['drafting_body']} AS body) "
            "SELECT made.id, made.body, (SELECT count(*) FROM d), "
            "(SELECT encode(sha256(convert_to(coalesce(string_agg(d.document::text, ',' "
            "ORDER BY d.document), ''), 'UTF8')), 'hex') FROM d) "
            "FROM made ORDER BY made.body",
            [*scope_params, campaign.pk, due_on],
        )
        rows = cursor.fetchall()
    # The snapshots stay in the database: these instances name the shares for their clocks.
    assignments = [
        CleanupAssignment(pk=pk, campaign=campaign, drafting_body_id=body, due_on=due_on)
        for pk, body, _count, _digest in rows
    ]
    if not rows:
        return assignments, 0, hashlib.sha256(b"").hexdigest()
    return assignments, rows[0][2], rows[0][3]

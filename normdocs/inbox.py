"""The human steps of normative documents, in the same inbox as decision tasks (issue 5 §2).

A document's lifecycle is a ``viewflow.fsm`` field and filing and cleanup are status records,
so none of their steps is a viewflow Task. This module is the inbox source that lists them.
Each step is one branch of a single ``UNION ALL`` query: the whole source costs one SQL query
however many items it finds. Who sees a step is decided in SQL from the person's (role, unit)
grants, with the same roles the services and ``permissions.py`` require for that step:

==================== ================================== ===================================
step                 waiting when                       offered to (role for which unit)
==================== ================================== ===================================
legality_review      current review has no outcome      legal_advisor, drafting unit (115号)
amendments           review asked for amendments        drafter, drafting unit
send_to_deliberation review lawful / amendments made    drafter, drafting unit
deliberation         in deliberation, none adopted      meeting_secretary / unit_head
register             adopted, not yet numbered          publisher, drafting unit (三统一)
publish              registered and numbered            publisher, drafting unit
renewal              an expiry notice clock is running  unit_head / principal, drafting unit
filing_submit        filing due or returned (补正)       publisher / unit_head / principal
filing_review        filing received                    filing_reviewer, receiving government
filing_correction    correction requested (有错必纠)      drafter / unit_head / principal
cleanup              the body has undecided items       drafter / unit_head, drafting body
cleanup_close        every item decided, still open     legal_advisor, the government
==================== ================================== ===================================

Due dates are the running clocks (workflows.clocks Deadline) of the step, read by a subquery;
a renewal is due on the last day of the validity period.

The query is built with the ORM once per process (per set of content-type ids) and kept as
SQL: building twelve branches cost far more than running them. Who holds which role comes in
as a common table expression ``inbox_grants`` (permission codename, unit id): either the
grants the inbox read for the request (``RoleGrants``), or read from guardian's table inside
the same query when the source is called alone. The rows come out in inbox order with their
total, so the inbox page reads only the items it shows.
"""

from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermission

from workflows.clocks.models import Deadline
from workflows.inbox import InboxItem, InboxSlice, RoleGrants
from workflows.models import Unit
from workflows.record.models import Event
from workflows.roles import unit_permission_codename

from . import clockrules
from .models import (
    CleanupAssignment,
    CleanupCampaign,
    CleanupItem,
    Deliberation,
    Filing,
    LegalityReview,
    NormativeDocument,
    Status,
)

COLUMNS = (
    "i_kind",
    "i_ref",
    "i_document",
    "i_campaign",
    "i_title",
    "i_number",
    "i_unit",
    "i_state",
    "i_due",
    "i_created",
    "i_count",
)

TITLES = {
    "legality_review": _("Conclude the legality review"),
    "amendments": _("Record the amendments made"),
    "send_to_deliberation": _("Send to deliberation"),
    "deliberation": _("Record the deliberation"),
    "register": _("Register and number"),
    "publish": _("Publish"),
    "renewal": _("Decide whether to renew before the validity period ends"),
    "filing_submit": _("Submit the filing"),
    "filing_review": _("Review the filing"),
    "filing_correction": _("Correct the document: amend or revoke it"),
    "cleanup": _("Review your documents in the cleanup"),
    "cleanup_close": _("Close the cleanup and publish its results"),
}

# Typed NULLs: PostgreSQL reads a bare NULL in a UNION branch as text.
_NO_ID = Cast(Value(None), BigIntegerField())
_NO_DATE = Cast(Value(None), DateField())


def _ct(model) -> int:
    return ContentType.objects.get_for_model(model).pk


def _subject_is(model, ref: str) -> Q:
    # Deadlines and events name their subject by content type and text id.
    return Q(content_type_id=_ct(model), object_id=Cast(OuterRef(ref), CharField()))


def _clock_due(model, ref: str, *rule_keys: str) -> Subquery:
    """The due date of the step's running clock, if one runs."""
    return Subquery(
        Deadline.objects.filter(
            _subject_is(model, ref), rule_key__in=rule_keys, status__in=Deadline.RUNNING
        )
        .order_by("due")
        .values("due")[:1],
        output_field=DateField(),
    )


def _clock_opened(model, ref: str, *rule_keys: str) -> Subquery:
    return Subquery(
        Deadline.objects.filter(
            _subject_is(model, ref), rule_key__in=rule_keys, status__in=Deadline.RUNNING
        )
        .order_by("opened_at")
        .values("opened_at")[:1],
        output_field=DateTimeField(),
    )


def _last_event_at(ref: str, fallback: str) -> Coalesce:
    """When the document's last recorded step happened: since then this step has waited."""
    return Coalesce(
        Subquery(
            Event.objects.filter(_subject_is(NormativeDocument, ref))
            .order_by("-seq")
            .values("at")[:1],
            output_field=DateTimeField(),
        ),
        F(fallback),
    )


def _row(queryset, kind: str, **columns):
    """One branch of the union: the same columns, of the same types, in the same order."""
    columns.setdefault("i_campaign", _NO_ID)
    columns.setdefault("i_count", Value(0, output_field=IntegerField()))
    return (
        queryset.order_by()
        .annotate(i_kind=Value(kind, output_field=CharField()))
        .annotate(**{name: columns[name] for name in COLUMNS[1:]})
        .values(*COLUMNS)
    )


def _document_columns(prefix: str = "", **overrides) -> dict:
    """Columns of a branch whose subject is a document (reached through ``prefix``)."""
    ref = "document_id" if prefix == "document__" else "pk"
    return {
        "i_ref": F("pk"),
        "i_document": F(ref),
        "i_title": F(f"{prefix}title"),
        "i_number": Coalesce(F(f"{prefix}number"), Value("")),
        "i_unit": F(f"{prefix}drafting_body__unit__name"),
        "i_state": F(f"{prefix}status"),
        "i_due": _NO_DATE,
        "i_created": _last_event_at(ref, f"{prefix}created_at"),
        **overrides,
    }


def _units(*roles: str) -> RawSQL:
    """The units for which the person holds any of ``roles``, from ``inbox_grants``.

    Plain ``IN (...)`` rather than an array parameter: the embedded default runs on SQLite."""
    perms = [unit_permission_codename(role) for role in roles]
    placeholders = ", ".join(["%s"] * len(perms))
    return RawSQL(f"SELECT unit_id FROM {_GRANTS} WHERE perm IN ({placeholders})", perms)


def _branches() -> list:
    units = _units

    is_current_review = ~Exists(
        LegalityReview.objects.filter(document=OuterRef("document"), pk__gt=OuterRef("pk"))
    )
    reviews = LegalityReview.objects.filter(
        is_current_review, document__status=Status.LEGALITY_REVIEW
    )
    adopted = Exists(Deliberation.objects.filter(document=OuterRef("pk"), adopted=True))
    documents = NormativeDocument.objects.all()
    drafting_unit = "document__drafting_body__unit_id__in"
    undecided = CleanupItem.objects.filter(outcome="")
    return [
        _row(
            reviews.filter(outcome="", **{drafting_unit: units("legal_advisor")}),
            "legality_review",
            **_document_columns(
                "document__",
                i_due=Coalesce(
                    _clock_due(NormativeDocument, "document_id", clockrules.LEGALITY_REVIEW),
                    F("due_on"),
                ),
            ),
        ),
        _row(
            reviews.filter(
                outcome=LegalityReview.Outcome.NEEDS_AMENDMENT,
                amendments_recorded_at=None,
                **{drafting_unit: units("drafter")},
            ),
            "amendments",
            **_document_columns("document__"),
        ),
        _row(
            reviews.filter(
                Q(outcome=LegalityReview.Outcome.LAWFUL)
                | Q(
                    outcome=LegalityReview.Outcome.NEEDS_AMENDMENT,
                    amendments_recorded_at__isnull=False,
                ),
                **{drafting_unit: units("drafter")},
            ),
            "send_to_deliberation",
            **_document_columns("document__"),
        ),
        _row(
            documents.filter(
                ~adopted,
                status=Status.DELIBERATION,
                drafting_body__unit_id__in=units("meeting_secretary", "unit_head"),
            ),
            "deliberation",
            **_document_columns(),
        ),
        _row(
            documents.filter(
                adopted, status=Status.DELIBERATION, drafting_body__unit_id__in=units("publisher")
            ),
            "register",
            **_document_columns(),
        ),
        _row(
            documents.filter(
                status=Status.REGISTERED, drafting_body__unit_id__in=units("publisher")
            ),
            "publish",
            **_document_columns(),
        ),
        _row(
            documents.filter(
                Exists(
                    Deadline.objects.filter(
                        _subject_is(NormativeDocument, "pk"),
                        rule_key__in=(clockrules.EXPIRY_FIRST, clockrules.EXPIRY_LAST),
                        status__in=Deadline.RUNNING,
                    )
                ),
                status__in=(Status.PUBLISHED, Status.IN_FORCE),
                drafting_body__unit_id__in=units("unit_head", "principal"),
            ),
            "renewal",
            # Renewal must be decided before the period lapses (令第218号): that day is the due.
            **_document_columns(
                i_due=F("valid_until"),
                i_created=_clock_opened(
                    NormativeDocument, "pk", clockrules.EXPIRY_FIRST, clockrules.EXPIRY_LAST
                ),
            ),
        ),
        _row(
            Filing.objects.filter(
                status__in=(Filing.Status.DUE, Filing.Status.RETURNED),
                receiving_unit__isnull=False,
                **{drafting_unit: units("publisher", "unit_head", "principal")},
            ),
            "filing_submit",
            **_document_columns(
                "document__",
                i_state=F("status"),
                i_due=_clock_due(NormativeDocument, "document_id", clockrules.FILING),
            ),
        ),
        _row(
            Filing.objects.filter(
                status=Filing.Status.RECEIVED,
                receiving_unit_id__in=units("filing_reviewer"),
            ),
            "filing_review",
            **_document_columns(
                "document__",
                i_unit=F("receiving_unit__name"),
                i_state=F("status"),
                i_due=Coalesce(
                    _clock_due(Filing, "pk", clockrules.FILING_REVIEW), F("review_due_on")
                ),
            ),
        ),
        _row(
            Filing.objects.filter(
                status=Filing.Status.CORRECTION_REQUESTED,
                **{drafting_unit: units("drafter", "unit_head", "principal")},
            ),
            "filing_correction",
            **_document_columns(
                "document__",
                i_state=F("status"),
                i_due=Coalesce(
                    _clock_due(Filing, "pk", clockrules.FILING_CORRECTION),
                    F("correction_due_on"),
                ),
            ),
        ),
        _row(
            CleanupAssignment.objects.filter(
                Exists(undecided.filter(assignment=OuterRef("pk"))),
                campaign__closed_at=None,
                drafting_body__unit_id__in=units("drafter", "unit_head"),
            ),
            "cleanup",
            i_ref=F("pk"),
            i_document=_NO_ID,
            i_campaign=F("campaign_id"),
            i_title=F("campaign__title"),
            i_number=Value(""),
            i_unit=F("drafting_body__unit__name"),
            i_state=Value(""),
            i_due=Coalesce(
                _clock_due(CleanupAssignment, "pk", clockrules.CLEANUP_ITEM), F("due_on")
            ),
            i_created=Cast("campaign__opened_on", DateTimeField()),
            i_count=Subquery(
                undecided.filter(assignment=OuterRef("pk"))
                .order_by()
                .values("assignment")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
        ),
        _row(
            CleanupCampaign.objects.filter(
                ~Exists(undecided.filter(campaign=OuterRef("pk"))),
                closed_at=None,
                government_id__in=units("legal_advisor"),
            ),
            "cleanup_close",
            i_ref=F("pk"),
            i_document=_NO_ID,
            i_campaign=F("pk"),
            i_title=F("title"),
            i_number=Value(""),
            i_unit=F("government__name"),
            i_state=Value(""),
            i_due=F("due_on"),
            i_created=Cast("opened_on", DateTimeField()),
        ),
    ]


_GRANTS = "inbox_grants"


def _content_types() -> tuple[int, ...]:
    models = (NormativeDocument, Filing, CleanupAssignment, Unit)
    found = ContentType.objects.get_for_models(*models)  # cached by Django after the first
    return tuple(found[model].pk for model in models)


@cache
def _compiled(content_types: tuple[int, ...]) -> tuple[str, tuple]:
    """The union of every branch as SQL and its fixed parameters, in inbox order with the
    total, waiting for ``inbox_grants`` and a LIMIT. Keyed by the content-type ids it embeds:
    a flushed test database may number them anew."""
    first, *rest = _branches()
    union, params = first.union(*rest, all=True).query.sql_with_params()
    sql = (
        f"SELECT items.*, COUNT(*) OVER () AS i_total FROM ({union}) AS items "
        "ORDER BY items.i_due ASC NULLS LAST, items.i_created ASC, items.i_kind, items.i_ref "
        "LIMIT %s"
    )
    return sql, tuple(params)


@cache
def _grants_from_guardian() -> str:
    q = connection.ops.quote_name
    table = q(UserObjectPermission._meta.db_table)
    permission = q(UserObjectPermission._meta.get_field("permission").related_model._meta.db_table)
    # guardian stores object_pk as text; the unit content type's are integers.
    return (
        f"SELECT p.codename AS perm, CAST(o.object_pk AS bigint) AS unit_id FROM {table} o "
        f"JOIN {permission} p ON p.id = o.permission_id "
        "WHERE o.user_id = %s AND o.content_type_id = %s"
    )


_GRANTS_GIVEN = "SELECT perm, unit_id FROM unnest(%s::text[], %s::bigint[]) AS g(perm, unit_id)"
_NO_GRANTS = "SELECT CAST(NULL AS text) AS perm, CAST(NULL AS bigint) AS unit_id WHERE 1 = 0"


def _grants_given(pairs: list[tuple[str, int]]) -> tuple[str, list]:
    """The grants the request already read, as the ``inbox_grants`` rows: two array
    parameters on PostgreSQL, a UNION ALL of literal rows elsewhere (SQLite, `make run`)."""
    if connection.vendor == "postgresql":
        return _GRANTS_GIVEN, [[p for p, _ in pairs], [u for _, u in pairs]]
    if not pairs:
        return _NO_GRANTS, []
    rows = " UNION ALL ".join(["SELECT %s AS perm, CAST(%s AS bigint) AS unit_id"] * len(pairs))
    return rows, [value for pair in pairs for value in pair]


def normdoc_inbox_rows(*, user, grants: RoleGrants | None = None, limit: int | None = None):
    """Every open human step of normative documents offered to ``user``, earliest due first
    then oldest first, each row with ``i_total`` (the number of rows without the limit): one
    SQL query. ``grants``: the person's grants when the request has read them already."""
    content_types = _content_types()
    sql, params = _compiled(content_types)
    if grants is None:
        head, head_params = _grants_from_guardian(), [user.pk, content_types[-1]]
    else:
        pairs = [
            (unit_permission_codename(role), unit)
            for role, units in grants.units.items()
            for unit in units
        ]
        head, head_params = _grants_given(pairs)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {_GRANTS} AS MATERIALIZED ({head}) {sql}", [*head_params, *params, limit]
        )
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _stage(kind: str, state: str) -> str:
    if kind.startswith("filing"):
        return str(Filing.Status(state).label)
    if kind.startswith("cleanup"):
        return str(_("Cleanup"))
    return str(Status(state).label)


def _subject(row) -> str:
    if row["i_document"] is None:
        return row["i_title"]
    return f"{row['i_number']} {row['i_title']}".strip()


def _title(row) -> str:
    kind = row["i_kind"]
    if kind == "cleanup":
        return _("Review %(count)s of your documents in the cleanup") % {"count": row["i_count"]}
    if kind == "filing_submit" and row["i_state"] == Filing.Status.RETURNED:
        return str(_("Complete and submit the filing again"))
    return str(TITLES[kind])


def _url(row) -> str:
    if row["i_document"] is not None:
        return reverse("normdocs:register:detail", args=[row["i_document"]])
    return reverse("normdocs:register:cleanup", args=[row["i_campaign"]])


def normdoc_inbox_items(
    user, *, grants: RoleGrants | None = None, limit: int | None = None
) -> InboxSlice:
    """The inbox source of normative documents (registered in NormdocsConfig.ready): the first
    ``limit`` steps (all when None) in inbox order, knowing how many there are in all."""
    if not user.is_authenticated or not user.is_active:
        return InboxSlice()
    rows = normdoc_inbox_rows(user=user, grants=grants, limit=limit)
    items = [
        InboxItem(
            kind=f"normdocs.{row['i_kind']}",
            title=_title(row),
            subject=_subject(row),
            url=_url(row),
            due=row["i_due"],
            unit=row["i_unit"],
            stage=_stage(row["i_kind"], row["i_state"]),
            created=row["i_created"],
            key=f"normdocs.{row['i_kind']}:{row['i_ref']}",
        )
        for row in rows
    ]
    return InboxSlice(items, total=rows[0]["i_total"] if rows else 0)

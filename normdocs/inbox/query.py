"""The normative-document inbox query: the branches compiled once per process into one
``UNION ALL`` with the person's grants as a common table expression, and its rows turned into
``InboxItem``s in inbox order."""

from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermission

from workflows.clocks.models import Deadline
from workflows.clocks.rules import UnknownRule, rule_default
from workflows.connections import prepared_cursor
from workflows.inbox import InboxItem, InboxSlice, RoleGrants
from workflows.models import Unit
from workflows.paging import COUNT_CAP
from workflows.roles import unit_permission_codename

from .. import clockrules
from ..models import (
    CleanupAssignment,
    Filing,
    NormativeDocument,
    Status,
)
from .branches import TITLES, _branches, branch_kind, branch_roles
from .columns import _GRANTS

# The steps whose due date is a clock: (the clock's subject, the row's column naming it, rule).
_CLOCKS = {
    "legality_review": (NormativeDocument, "i_document", clockrules.LEGALITY_REVIEW),
    "filing_submit": (Filing, "i_ref", clockrules.FILING),
    "filing_outcome": (Filing, "i_ref", clockrules.FILING_REVIEW),
    "filing_review": (Filing, "i_ref", clockrules.FILING_REVIEW),
    "filing_correction": (Filing, "i_ref", clockrules.FILING_CORRECTION),
    "cleanup": (CleanupAssignment, "i_ref", clockrules.CLEANUP_ITEM),
}


def _content_types() -> tuple[int, ...]:
    models = (NormativeDocument, Filing, CleanupAssignment, Unit)
    found = ContentType.objects.get_for_models(*models)  # cached by Django after the first
    return tuple(found[model].pk for model in models)


@cache
def _kinds() -> tuple[str, ...]:
    return tuple(branch_kind(branch) for branch in _branches())


def _kinds_for(roles) -> tuple[str, ...]:
    """The branches a person holding unit grants for ``roles`` may find something in."""
    held = set(roles)
    return tuple(kind for kind in _kinds() if held.intersection(branch_roles(kind)))


@cache
def _compiled(content_types: tuple[int, ...], kinds: tuple[str, ...]) -> tuple[str, tuple]:
    """The union of the branches of ``kinds`` as SQL and its fixed parameters, in inbox order
    with the total capped at ``COUNT_CAP + 1`` (never a count over every row), as a second
    common table expression after ``inbox_grants``, waiting for a LIMIT. Keyed by the
    content-type ids it embeds (a flushed test database may number them anew) and by the
    branches it holds."""
    first, *rest = [branch for branch in _branches() if branch_kind(branch) in kinds]
    union, params = first.union(*rest, all=True).query.sql_with_params()
    sql = (
        f", inbox_items AS ({union}) "
        "SELECT items.*, (SELECT COUNT(*) FROM "
        f"(SELECT 1 FROM inbox_items LIMIT {int(COUNT_CAP) + 1}) AS capped) AS i_total "
        "FROM inbox_items AS items "
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
    then oldest first, each row with ``i_total`` (the number of rows without the limit, capped
    at ``workflows.paging.COUNT_CAP + 1``): one SQL query. ``grants``: the person's grants
    when the request has read them already."""
    content_types = _content_types()
    if grants is None:
        kinds = _kinds()
        head, head_params = _grants_from_guardian(), [user.pk, content_types[-1]]
    else:
        # Only the branches of the roles the person holds a unit grant for: none, no query.
        kinds = _kinds_for(grants.units)
        if not kinds:
            return []
        pairs = [
            (unit_permission_codename(role), unit)
            for role, units in grants.units.items()
            for unit in units
        ]
        head, head_params = _grants_given(pairs)
    sql, params = _compiled(content_types, kinds)
    with prepared_cursor() as cursor:
        cursor.execute(
            f"WITH {_GRANTS} AS MATERIALIZED ({head}) {sql}",
            # No limit: PostgreSQL reads LIMIT NULL as none, SQLite wants a negative number.
            [
                *head_params,
                *params,
                -1 if limit is None and connection.vendor == "sqlite" else limit,
            ],
        )
        names = [column[0] for column in cursor.description]
        return [_typed(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def _typed(row: dict) -> dict:
    """The row's due date and creation time as the ORM reads them. SQLite (the embedded
    default) gives a union's column its declared type only when the first branch selects a
    table column: which branch is first depends on the person's roles, so a computed date
    may come back as text. Converted by the backend's own converters, as the ORM does."""
    if connection.vendor == "sqlite":
        ops = connection.ops
        row["i_due"] = ops.convert_datefield_value(row["i_due"], None, connection)
        row["i_created"] = ops.convert_datetimefield_value(row["i_created"], None, connection)
    return row


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


def _awaiting(rows) -> dict[tuple[str, int], int]:
    """(kind, ref) → the year whose holiday notice the step's clock waits for, for the rows
    without a due date: one query, and none when every row has its date (domain.md §4)."""
    wanted = {}
    for row in rows:
        if row["i_due"] is None and row["i_kind"] in _CLOCKS:
            model, column, rule = _CLOCKS[row["i_kind"]]
            subject = (ContentType.objects.get_for_model(model).pk, str(row[column]), rule)
            wanted[subject] = (row["i_kind"], row["i_ref"])
    if not wanted:
        return {}
    clocks = Deadline.objects.filter(
        due=None,
        status__in=Deadline.RUNNING,
        object_id__in={object_id for _, object_id, _ in wanted},
        rule_key__in={rule for _, _, rule in wanted},
    ).values_list("content_type_id", "object_id", "rule_key", "awaiting_year")
    return {
        wanted[(ct, object_id, rule)]: year
        for ct, object_id, rule, year in clocks
        if (ct, object_id, rule) in wanted
    }


def _legal_source(kind: str) -> str:
    """The provision the step's clock cites (its rule as registered; no query: the source
    stays one query however many rows)."""
    if kind not in _CLOCKS:
        return ""
    try:
        return rule_default(_CLOCKS[kind][2]).legal_source
    except UnknownRule:
        return ""


def normdoc_inbox_items(
    user, *, grants: RoleGrants | None = None, limit: int | None = None
) -> InboxSlice:
    """The inbox source of normative documents (registered in NormdocsConfig.ready): the first
    ``limit`` steps (all when None) in inbox order, knowing how many there are in all."""
    if not user.is_authenticated or not user.is_active:
        return InboxSlice()
    rows = normdoc_inbox_rows(user=user, grants=grants, limit=limit)
    awaiting = _awaiting(rows)
    items = [
        InboxItem(
            kind=f"normdocs.{row['i_kind']}",
            title=_title(row),
            subject=_subject(row),
            url=_url(row),
            due=row["i_due"],
            awaiting=awaiting.get((row["i_kind"], row["i_ref"])),
            unit=row["i_unit"],
            stage=_stage(row["i_kind"], row["i_state"]),
            created=row["i_created"],
            key=f"normdocs.{row['i_kind']}:{row['i_ref']}",
            legal_source=_legal_source(row["i_kind"]),
            process="normdocs",
        )
        for row in rows
    ]
    return InboxSlice(items, total=rows[0]["i_total"] if rows else 0)

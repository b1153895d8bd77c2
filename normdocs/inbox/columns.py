"""The columns every branch of the normative-document inbox query gives (``COLUMNS``) and what
the branches build them from: a step's due date and opening read from its running clock, the
time of the document's last recorded step, and the units for which the person holds the roles a
step is offered to (from ``inbox_grants``)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BigIntegerField,
    CharField,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce

from workflows.clocks.models import Deadline
from workflows.record.models import Event
from workflows.roles import unit_permission_codename

from ..models import NormativeDocument
from ..steps import roles_of_inbox_kind

# The common table expression of the person's grants: (permission codename, unit id).
_GRANTS = "inbox_grants"

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


# The lookup of a branch whose subject reaches the drafting unit through its document.
_DRAFTING_UNIT = "document__drafting_body__unit_id__in"

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


def _roles(kind: str) -> RawSQL:
    """The units for which the person holds a role the steps listed as ``kind`` are offered
    to (``normdocs.steps``): the inbox and the page offer a step to the same people."""
    return _units(*roles_of_inbox_kind(kind))

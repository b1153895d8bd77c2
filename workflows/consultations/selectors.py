"""Reads for consultations."""

from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone

from workflows.connections import prepared_cursor
from workflows.rows import columns

from .models import Comment, Consultation


def consultations_for_subject(*, subject: Model) -> QuerySet[Consultation]:
    return Consultation.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    )


def consultation_latest(*, subject: Model) -> Consultation | None:
    """The subject's latest consultation (by its opening, then its id), or None.

    Asked at several steps of every decision (the flow's timer, the drafting step, the
    package checklist): its statement is written once (``_latest_sql``) and sent through
    ``prepared_cursor`` rather than composed by the ORM at each call (issue 15). The subject's
    content type is a parameter, never part of the kept statement (a test database numbers
    content types anew). Elsewhere than on PostgreSQL the ORM's own read: SQLite's datetimes
    need the backend's converters, which ``workflows.rows.Columns`` does not apply."""
    if connection.vendor != "postgresql" or subject.pk is None:
        return _latest_orm(subject)
    subject_type = ContentType.objects.get_for_model(subject)  # cached by Django
    with prepared_cursor() as cursor:
        cursor.execute(_latest_sql(connection.vendor), [subject_type.pk, subject.pk])
        row = cursor.fetchone()
    return None if row is None else columns(Consultation, "c").load(row)


def _latest_orm(subject: Model) -> Consultation | None:
    """``consultation_latest`` as the ORM asks it (what ``_latest_sql`` stands for)."""
    return consultations_for_subject(subject=subject).order_by("-opens_at", "-pk").first()


@cache
def _latest_sql(vendor: str) -> str:
    """``_latest_orm``'s statement (PostgreSQL's), written from the model's metadata."""
    q = connection.ops.quote_name
    field = Consultation._meta.get_field
    return (
        f"SELECT {columns(Consultation, 'c').sql} FROM {q(Consultation._meta.db_table)} c"
        f" WHERE c.{q(field('subject_type').column)} = %s"
        f" AND c.{q(field('subject_id').column)} = %s"
        f" ORDER BY c.{q(field('opens_at').column)} DESC, c.{q(Consultation._meta.pk.column)} DESC"
        " LIMIT 1"
    )


def consultations_open_now(*, at=None) -> QuerySet[Consultation]:
    """What the public portal lists: open and within the period."""
    at = at or timezone.now()
    return Consultation.objects.filter(
        status=Consultation.Status.OPEN, opens_at__lte=at, closes_at__gt=at
    )


def comments_public(*, consultation: Consultation) -> QuerySet[Comment]:
    """Comments as the public may see them: hidden ones out, and never the contact field."""
    return consultation.comments.filter(hidden=False).only(
        "pk", "name", "show_name", "text", "paragraph_ref", "submitted_at", "consultation_id"
    )


def comments_without_disposition(*, consultation: Consultation) -> QuerySet[Comment]:
    return consultation.comments.filter(disposition__isnull=True)

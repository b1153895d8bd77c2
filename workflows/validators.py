"""Dates, times and numbers people type, held to what the law and the database can carry.

Python and the forms accept years up to 9999, offsets up to ±23:59 and integers of any size;
PostgreSQL does not (a time-zone offset past ±15:59, an integer past its column), and no legal
date of this system lies outside ``EARLIEST_YEAR``–``LATEST_YEAR``. Out-of-range input is
refused here, on its field, by the pages' forms and, through the same forms and fields, by the
API (``workflows.api.forms``), before any service or the database sees it.
"""

from datetime import date, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from workflows.consultations.rules import MAXIMUM_DAYS

# The legal dates here (decisions, documents, filings, meetings, publications) are of the
# People's Republic: none before 1949. 2100 is far beyond any period the law sets (the longest,
# a normative document's validity, is 5 years) and within the holiday calendar's reach.
EARLIEST_YEAR = 1949
LATEST_YEAR = 2100
# The farthest real time zones are UTC+14:00 (Kiribati) and UTC-12:00; PostgreSQL refuses
# offsets past ±15:59, which Python accepts.
MAX_UTC_OFFSET = timedelta(hours=14)
# A database id (a bigint primary key).
MAX_ID = 2**63 - 1


def validate_legal_date(value: date | datetime | None) -> None:
    """A date (or a moment) between 1 January ``EARLIEST_YEAR`` and 31 December
    ``LATEST_YEAR``."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )


def validate_utc_offset(value: datetime | None) -> None:
    """A moment whose time-zone offset exists somewhere on Earth (at most ±14:00)."""
    offset = value.utcoffset() if isinstance(value, datetime) else None
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        raise ValidationError(
            _("Enter a time-zone offset between -14:00 and +14:00."),
            code="offset_out_of_range",
        )


def period_too_long_error() -> ValidationError:
    """A public comment period longer than ``consultations.rules.MAXIMUM_DAYS``."""
    return ValidationError(
        _("A comment period may last at most %(days)s days."),
        code="period_too_long",
        params={"days": MAXIMUM_DAYS},
    )


class LegalDateField(forms.DateField):
    """A date of the procedure (``validate_legal_date``)."""

    default_validators = [validate_legal_date]


class LegalDateTimeField(forms.DateTimeField):
    """A moment of the procedure: a legal date with a real time-zone offset."""

    default_validators = [validate_utc_offset, validate_legal_date]


class IdField(forms.IntegerField):
    """The id of a row, as a hidden field carries it: 1 up to the largest bigint."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

"""The branches of the normative-document inbox query: one ORM queryset per step, each giving
the same columns (``COLUMNS``), with the step's due date read from its running clock and the
roles that may act on it (see the package's docstring for the table)."""

from django.contrib.contenttypes.models import ContentType
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
from django.utils.translation import gettext_lazy as _

from workflows.clocks.models import Deadline
from workflows.models import Unit
from workflows.record.models import Event
from workflows.roles import unit_permission_codename

from .. import clockrules
from ..models import (
    CleanupAssignment,
    CleanupCampaign,
    CleanupItem,
    Deliberation,
    DraftingBody,
    Filing,
    LegalityReview,
    NormativeDocument,
    ScopeSize,
    Status,
)
from ..steps import document_steps, name_of_inbox_kind, roles_of_inbox_kind

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

# Each entry is titled by the name of the step it stands for (``normdocs.steps``), except
# those that stand for several steps or say more than the step's name.
TITLES = {
    kind: name_of_inbox_kind(kind)
    for kind in (
        "legality_review",
        "amendments",
        "send_to_deliberation",
        "deliberation",
        "register",
        "publish",
        "filing_submit",
    )
} | {
    "renewal": _("Decide whether to renew before the validity period ends"),
    "filing_review": _("Review the filing"),
    "filing_outcome": _("Record the filing body's receipt and outcome"),
    "filing_correction": _("Correct the document: amend or revoke it"),
    "cleanup": _("Review your documents in the cleanup"),
    "cleanup_close": _("Close the cleanup and publish its results"),
}

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


def _deliberation_offered() -> Q:
    """The deliberation step's offers (``normdocs.steps``), in SQL: its roles over the issuing
    unit, and the meeting secretary of the government whose government office issues the
    document (``steps.government_meeting_unit``: it deliberates at the government's meeting)."""
    own, government = document_steps()["deliberate"].offered_to
    governments = Unit.objects.filter(
        general_office=OuterRef("drafting_body__unit_id"), pk__in=_units(*government.roles)
    )
    return Q(drafting_body__unit_id__in=_units(*own.roles)) | Q(
        Exists(governments), ~Q(drafting_body__kind=DraftingBody.Kind.GOVERNMENT)
    )


def branch_roles(kind: str) -> tuple[str, ...]:
    """The roles whose unit grants a branch reads (``_units``): a person holding none of them
    finds nothing in it, so the inbox leaves it out of the query (issue 22: planning all the
    branches cost ten times more than running them)."""
    if kind == "deliberation":
        return tuple(
            role for offer in document_steps()["deliberate"].offered_to for role in offer.roles
        )
    if kind == "cleanup":
        return ("drafter", "unit_head")
    if kind == "cleanup_close":
        return ("legal_advisor",)
    return roles_of_inbox_kind(kind)


def branch_kind(branch) -> str:
    """The kind a branch of ``_branches`` lists (its ``i_kind`` column)."""
    return branch.query.annotations["i_kind"].value


def _branches() -> list:
    """Every branch of the union, in the order of the package's table: the legality review and
    what follows it, the document's own steps, filing, and the cleanup."""
    return [
        *_review_branches(),
        *_document_branches(),
        *_filing_branches(),
        *_cleanup_branches(),
    ]


def _review_branches() -> list:
    """The steps of the document's current legality review: the review itself, the drafter's
    amendments it asked for, and sending the document on to deliberation."""
    is_current_review = ~Exists(
        LegalityReview.objects.filter(document=OuterRef("document"), pk__gt=OuterRef("pk"))
    )
    reviews = LegalityReview.objects.filter(
        is_current_review, document__status=Status.LEGALITY_REVIEW
    )
    return [
        _row(
            reviews.filter(outcome="", **{_DRAFTING_UNIT: _roles("legality_review")}),
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
                **{_DRAFTING_UNIT: _roles("amendments")},
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
                **{_DRAFTING_UNIT: _roles("send_to_deliberation")},
            ),
            "send_to_deliberation",
            **_document_columns("document__"),
        ),
    ]


def _document_branches() -> list:
    """The steps on the document itself: deliberation, registering and publishing it, and
    deciding on its renewal while an expiry notice clock runs."""
    adopted = Exists(Deliberation.objects.filter(document=OuterRef("pk"), adopted=True))
    documents = NormativeDocument.objects.all()
    return [
        _row(
            documents.filter(
                _deliberation_offered(),
                ~adopted,
                status=Status.DELIBERATION,
            ),
            "deliberation",
            **_document_columns(),
        ),
        _row(
            documents.filter(
                adopted, status=Status.DELIBERATION, drafting_body__unit_id__in=_roles("register")
            ),
            "register",
            **_document_columns(),
        ),
        _row(
            documents.filter(
                status=Status.REGISTERED, drafting_body__unit_id__in=_roles("publish")
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
                drafting_body__unit_id__in=_roles("renewal"),
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
    ]


def _filing_branches() -> list:
    """The steps of a document's filing: submitting it, recording an outside body's receipt and
    outcome, the receiving government's review, and the correction it asked for."""
    return [
        _row(
            Filing.objects.filter(
                status__in=(Filing.Status.DUE, Filing.Status.RETURNED),
                **{_DRAFTING_UNIT: _roles("filing_submit")},
            ),
            "filing_submit",
            **_document_columns(
                "document__",
                i_state=F("status"),
                i_due=_clock_due(Filing, "pk", clockrules.FILING),
            ),
        ),
        # A body outside the installation: the clerk records its receipt, then its outcome,
        # due when its 30 days of review end (令第218号; chased when overdue).
        _row(
            Filing.objects.filter(
                status__in=(Filing.Status.SUBMITTED, Filing.Status.RECEIVED),
                receiving_body__isnull=False,
                **{_DRAFTING_UNIT: _roles("filing_outcome")},
            ),
            "filing_outcome",
            **_document_columns(
                "document__",
                i_unit=F("receiving_body__name"),
                i_state=F("status"),
                i_due=Coalesce(
                    _clock_due(Filing, "pk", clockrules.FILING_REVIEW), F("review_due_on")
                ),
            ),
        ),
        _row(
            Filing.objects.filter(
                status=Filing.Status.RECEIVED,
                receiving_unit_id__in=_roles("filing_review"),
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
                **{_DRAFTING_UNIT: _roles("filing_correction")},
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
    ]


def _cleanup_branches() -> list:
    """The steps of an open cleanup campaign: each drafting body reviewing its share of the
    documents, and the government's legal advisor closing the campaign once all are decided."""
    # A share's documents without a verdict yet (国办发〔2018〕37号 五(十八)).
    undecided = ScopeSize() - Coalesce(
        Subquery(
            CleanupItem.objects.filter(assignment=OuterRef("pk"))
            .order_by()
            .values("assignment")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )
    shares_undecided = CleanupAssignment.objects.annotate(undecided=undecided).filter(
        undecided__gt=0
    )
    return [
        _row(
            shares_undecided.filter(
                campaign__status=CleanupCampaign.Status.OPEN,
                drafting_body__unit_id__in=_units("drafter", "unit_head"),
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
            i_count=F("undecided"),
        ),
        _row(
            CleanupCampaign.objects.filter(
                ~Exists(shares_undecided.filter(campaign=OuterRef("pk"))),
                status=CleanupCampaign.Status.OPEN,
                government_id__in=_units("legal_advisor"),
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

"""Who may do what with a normative document. Every answer goes through the per-unit role grants
in workflows.permissions, so the question has one answer everywhere."""

from django.db.models import Q, QuerySet

from workflows.models import Unit
from workflows.permissions import has_role, has_role_in_unit, unit_role_grants

from .models import DraftingBody, NormativeDocument, Status

# Once published, a document is public: every member of staff may read it.
PUBLIC_STATES = (
    Status.PUBLISHED,
    Status.IN_FORCE,
    Status.AMENDED,
    Status.REPEALED,
    Status.EXPIRED,
    Status.DECLARED_INVALID,
    Status.REVOKED,
)


def is_drafter_for(*, user, body: DraftingBody) -> bool:
    return has_role_in_unit(user=user, role="drafter", unit=body.unit)


def is_legality_reviewer_for(*, user, document: NormativeDocument) -> bool:
    """国办发〔2018〕115号 二(二): 司法局 reviews government documents, a department's legal unit its own.

    Both are expressed as the legal_advisor role granted *for the issuing unit*: the county grants
    it over the county government to 司法局's advisors, a department to its own legal unit.
    """
    return has_role_in_unit(user=user, role="legal_advisor", unit=document.drafting_body.unit)


def is_deliberation_recorder_for(*, user, document: NormativeDocument) -> bool:
    unit = document.drafting_body.unit
    if has_role_in_unit(user=user, role="meeting_secretary", unit=unit) or has_role_in_unit(
        user=user, role="unit_head", unit=unit
    ):
        return True
    # The government office's documents go to its government's meeting (issue 17).
    from .services.bodies import drafting_body_meeting_unit

    meeting_unit = drafting_body_meeting_unit(document.drafting_body)
    return meeting_unit != unit and has_role_in_unit(
        user=user, role="meeting_secretary", unit=meeting_unit
    )


def is_publisher_for(*, user, document: NormativeDocument) -> bool:
    return has_role_in_unit(user=user, role="publisher", unit=document.drafting_body.unit)


def is_issuer_head_for(*, user, document: NormativeDocument) -> bool:
    unit = document.drafting_body.unit
    return has_role_in_unit(user=user, role="unit_head", unit=unit) or has_role_in_unit(
        user=user, role="principal", unit=unit
    )


def is_filing_reviewer_for(*, user, unit: Unit | None) -> bool:
    return unit is not None and has_role_in_unit(user=user, role="filing_reviewer", unit=unit)


def is_legal_affairs_officer_for(*, user, government: Unit) -> bool:
    """Opens special and dynamic cleanups: a legal advisor for that government (司法局)."""
    return has_role_in_unit(user=user, role="legal_advisor", unit=government)


def units_with_any_role(user) -> QuerySet:
    """Ids of units for which ``user`` holds any role, as one subquery (no grants in Python)."""
    return unit_role_grants(user=user).values("unit_id")


def is_archivist(user) -> bool:
    return has_role(user=user, role="archivist")


def documents_visible_to(user) -> QuerySet[NormativeDocument]:
    """Published documents for all staff; unpublished ones only for people of the issuing unit
    and, for a government office's, its government's meeting secretary (who records their
    deliberation); archivists and superusers read every record. Others get a 404, never a 403."""
    if not user.is_authenticated or not user.is_active:
        return NormativeDocument.objects.none()
    # A superuser counts as a drafter of every body (has_role_in_unit), so must also see
    # every draft: otherwise they could create a document they cannot open.
    if user.is_superuser or is_archivist(user):
        return NormativeDocument.objects.all()
    return NormativeDocument.objects.filter(
        Q(status__in=PUBLIC_STATES)
        | Q(drafting_body__unit_id__in=units_with_any_role(user))
        | Q(drafting_body__unit_id__in=government_offices_deliberated_by(user))
    )


def government_offices_deliberated_by(user) -> QuerySet:
    """Ids of the government offices whose documents ``user`` records the deliberation of as
    their government's meeting secretary (is_deliberation_recorder_for), as one subquery."""
    secretary_of = unit_role_grants(user=user).filter(role="meeting_secretary").values("unit_id")
    return Unit.objects.filter(pk__in=secretary_of, general_office__isnull=False).values(
        "general_office_id"
    )


def may_see_document(*, user, document: NormativeDocument) -> bool:
    return documents_visible_to(user).filter(pk=document.pk).exists()

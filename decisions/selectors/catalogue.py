"""Who reads the catalogue of major decisions (决策事项目录): its published items everyone, its
drafts only the people compiling it."""

from django.db.models import QuerySet

from workflows.permissions import has_role

from ..models import CatalogueItem
from .offices import reads_all


def catalogue_visible_to(*, user) -> QuerySet[CatalogueItem]:
    """Published items are public knowledge; drafts only to the people compiling them."""
    if not user.is_authenticated:
        return CatalogueItem.objects.filter(status__in=["published", "adjusted"])
    return (
        CatalogueItem.objects.all()
        if reads_all(user) or has_role(user=user, role="legal_advisor")
        else CatalogueItem.objects.filter(status__in=["published", "adjusted"])
    )

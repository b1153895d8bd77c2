"""The decision catalogue (决策事项目录): compiled, published and adjusted (第三条)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.record.services import record_append
from workflows.transactions import service_atomic

from ..models import CatalogueItem
from ..rules import start as start_rules
from ._common import act_on, act_time, missing_error

# The justice bureau compiles the list for the government (domain.md §1, stage 0); the
# government's administrator or a legal advisor (of the 司法局) scoped to it acts here.
COMPILER_ROLES = ("administrator", "legal_advisor")


def _require_compiler(*, by, government) -> None:
    from ._common import require_any_role

    require_any_role(user=by, roles=COMPILER_ROLES, unit=government)


@service_atomic
def catalogue_item_create(
    *, by, government, year: int, title: str, lead_unit, description: str = ""
) -> CatalogueItem:
    _require_compiler(by=by, government=government)
    if not title.strip():
        raise ValidationError(_("A catalogue item needs a title."), code="title_required")
    item = CatalogueItem.objects.create(
        government=government,
        year=year,
        title=title.strip(),
        lead_unit=lead_unit,
        description=description,
        created_by=by,
    )
    record_append(
        actor=by,
        action="decision_catalogue.item_created",
        subject=item,
        payload={"year": year, "title": item.title, "lead_unit": lead_unit.pk},
    )
    return item


@service_atomic
def catalogue_party_consent_record(
    *, by, government, year: int, consented_by: str, consented_on: date | None, reference: str
) -> int:
    """The same-level Party committee consented to the year's catalogue: who, when, under which
    reference (第三条: 经同级党委同意后向社会公布). Recorded on every item of that year not yet
    published; returns how many."""
    _require_compiler(by=by, government=government)
    missing = start_rules.party_consent_missing(
        consented_by=consented_by, consented_on=consented_on, reference=reference
    )
    if missing:
        raise missing_error(
            _("Record who in the Party committee consented, when, and the reference: %(missing)s."),
            missing,
            "party_consent_incomplete",
        )
    items = list(
        CatalogueItem.objects.select_for_update()
        .filter(government=government, year=year, status=CatalogueItem.Status.DRAFT)
        .order_by("pk")
    )
    if not items:
        raise ValidationError(
            _("There is no unpublished catalogue item of %(year)s."),
            code="nothing_to_consent",
            params={"year": year},
        )
    for item in items:
        item.party_consent_by = consented_by.strip()
        item.party_consent_on = consented_on
        item.party_consent_reference = reference.strip()
        item.party_consent_recorded_by = by
        item.save(
            update_fields=[
                "party_consent_by",
                "party_consent_on",
                "party_consent_reference",
                "party_consent_recorded_by",
            ]
        )
        record_append(
            actor=by,
            action="decision_catalogue.party_consent_recorded",
            subject=item,
            payload={
                "year": year,
                "consented_by": item.party_consent_by,
                "consented_on": consented_on,
                "reference": item.party_consent_reference,
            },
        )
    return len(items)


@service_atomic
def catalogue_item_publish(*, item: CatalogueItem, by, at: datetime | None = None) -> CatalogueItem:
    """Publish the item as part of the yearly catalogue, once the same-level Party committee's
    consent is recorded (第三条: 经同级党委同意后向社会公布). ``at``: when, given when it is
    entered after the fact."""
    _require_compiler(by=by, government=item.government)
    item = CatalogueItem.objects.select_for_update().get(pk=item.pk)
    if item.status != CatalogueItem.Status.DRAFT:
        raise ValidationError(_("This item is already published."), code="already_published")
    if start_rules.party_consent_missing(
        consented_by=item.party_consent_by,
        consented_on=item.party_consent_on,
        reference=item.party_consent_reference,
    ):
        raise ValidationError(
            _("The catalogue is published only after the Party committee consented: record it."),
            code="party_consent_required",
        )
    item.status = CatalogueItem.Status.PUBLISHED
    item.published_at = act_time(at)
    item.published_by = by
    item.save(update_fields=["status", "published_at", "published_by"])
    record_append(
        actor=by,
        action="decision_catalogue.item_published",
        subject=item,
        payload={
            "party_consent_reference": item.party_consent_reference,
            **act_on(item.published_at),
        },
    )
    return item


@service_atomic
def catalogue_item_adjust(
    *, item: CatalogueItem, by, reason: str, title: str | None = None, lead_unit=None
) -> CatalogueItem:
    """Adjust a published item (the catalogue is adjusted dynamically, 第三条); the reason is kept."""
    _require_compiler(by=by, government=item.government)
    if not reason.strip():
        raise ValidationError(_("An adjustment needs a reason."), code="reason_required")
    item = CatalogueItem.objects.select_for_update().get(pk=item.pk)
    if item.status == CatalogueItem.Status.DRAFT:
        raise ValidationError(_("Only a published item is adjusted."), code="not_published")
    before = {"title": item.title, "lead_unit": item.lead_unit_id}
    if title:
        item.title = title.strip()
    if lead_unit is not None:
        item.lead_unit = lead_unit
    item.status = CatalogueItem.Status.ADJUSTED
    item.adjusted_at = timezone.now()
    item.adjusted_by = by
    item.adjustment_reason = reason.strip()
    item.save()
    record_append(
        actor=by,
        action="decision_catalogue.item_adjusted",
        subject=item,
        payload={
            "before": before,
            "after": {"title": item.title, "lead_unit": item.lead_unit_id},
            "reason": item.adjustment_reason,
        },
    )
    return item

"""A normative document as an item on the government's agenda: proposed by the unit that drafts
it, while it awaits deliberation, passed by its own legality review, and once (国办发〔2018〕
115号 一(三)、37号 三(四)). ``agenda`` proposes the item and asks these."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from normdocs.rules.drafting import deliberation_refusal
from workflows.models import Unit

from ..models import AgendaItem, Outcome


def document_review_refusal(document):
    """Why the document's own legality review keeps it from the meeting, or None (国办发
    〔2018〕115号 一(三)：未经合法性审核或者经审核不合法的，不得提交集体审议)."""
    review = document.reviews.order_by("-id").first()
    return deliberation_refusal(
        review_outcome=(review.outcome or None) if review else None,
        amendments_recorded=bool(review and review.amendments_recorded_at),
    )


def _require_document_proposable(*, document, lead_unit: Unit, government: Unit) -> None:
    """A normative document goes to the government's meeting as an item of the unit that drafts
    it (the government and its government office issue in the government's name, 国办发〔2018〕
    37号 三(四)), while it awaits deliberation, passed by its own legality review (115号 一(三)),
    and once: not while it is on an agenda undecided or after it was adopted."""
    from normdocs.models import Status as DocumentStatus

    own = document.drafting_body.unit_id
    in_governments_name = {government.pk, government.general_office_id}
    if own != lead_unit.pk and not (
        own in in_governments_name and lead_unit.pk in in_governments_name
    ):
        raise ValidationError(
            _("The document is drafted by another unit than the lead unit."),
            code="document_not_of_unit",
        )
    latest = document.deliberations.order_by("-pk").first()
    if document.status != DocumentStatus.DELIBERATION or (latest is not None and latest.adopted):
        raise ValidationError(
            _("The document is not awaiting deliberation."),
            code="document_not_awaiting_deliberation",
        )
    refusal = document_review_refusal(document)
    if refusal is not None:
        raise refusal
    waiting = AgendaItem.objects.filter(document=document).exclude(
        deliberation__head_decision__in=[Outcome.DEFERRED, Outcome.REJECTED]
    )
    if waiting.exists():
        raise ValidationError(
            _("The document is proposed to the meeting already."), code="document_on_agenda"
        )


def proposable_document_locked(*, document, lead_unit: Unit, government: Unit):
    """``document`` read afresh under its lock, once it may be proposed as ``lead_unit``'s item
    (``_require_document_proposable``): two proposals of one document do not both pass."""
    from normdocs.selectors import document_locked

    document = document_locked(document)
    _require_document_proposable(document=document, lead_unit=lead_unit, government=government)
    return document

"""Filing with the receiving government (备案), its lifecycle from rules.FILING_LIFECYCLE."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField

from workflows.models import Unit

from .. import rules
from .documents import NormativeDocument


class Filing(models.Model):
    """Filing of a published document with the receiving government (备案, 有件必备、有备必审、有错必纠)."""

    class Status(models.TextChoices):
        DUE = "due", _("Awaiting submission")
        RECEIVED = "received", _("Received, under review")
        RETURNED = "returned", _("Returned for completion")
        ACCEPTED = "accepted", _("Accepted")
        CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
        AMENDED_BY_ISSUER = "amended_by_issuer", _("Amended by the issuer")
        REVOKED_BY_ISSUER = "revoked_by_issuer", _("Revoked by the issuer")
        REVOKED_BY_FILING_BODY = "revoked_by_filing_body", _("Revoked by the filing body")

    document = models.OneToOneField(
        NormativeDocument, on_delete=models.PROTECT, related_name="filing"
    )
    receiving_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="filings_received"
    )
    status = FSMField(_("status"), max_length=30, choices=Status.choices, default=Status.DUE)
    # Empty while the filing clock awaits the holiday notice of the year it reaches.
    due_on = models.DateField(_("filing due on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    review_due_on = models.DateField(_("review due on"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.TextField(_("opinion"), blank=True)
    correction_due_on = models.DateField(_("correction due on"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        indexes = [models.Index(fields=["receiving_unit", "status"])]

    def __str__(self) -> str:
        return f"{self.document} · {self.status}"

    # --- lifecycle (viewflow.fsm, from rules.FILING_LIFECYCLE); services do the work -----------

    @status.transition(source=rules.FILING_LIFECYCLE["received"][0], target=Status.RECEIVED)
    def to_received(self):
        pass

    @status.transition(source=rules.FILING_LIFECYCLE["returned"][0], target=Status.RETURNED)
    def to_returned(self):
        pass

    @status.transition(source=rules.FILING_LIFECYCLE["accepted"][0], target=Status.ACCEPTED)
    def to_accepted(self):
        pass

    @status.transition(
        source=rules.FILING_LIFECYCLE["correction_requested"][0],
        target=Status.CORRECTION_REQUESTED,
    )
    def to_correction_requested(self):
        pass

    @status.transition(
        source=rules.FILING_LIFECYCLE["amended_by_issuer"][0], target=Status.AMENDED_BY_ISSUER
    )
    def to_amended_by_issuer(self):
        pass

    @status.transition(
        source=rules.FILING_LIFECYCLE["revoked_by_issuer"][0], target=Status.REVOKED_BY_ISSUER
    )
    def to_revoked_by_issuer(self):
        pass

    @status.transition(
        source=rules.FILING_LIFECYCLE["revoked_by_filing_body"][0],
        target=Status.REVOKED_BY_FILING_BODY,
    )
    def to_revoked_by_filing_body(self):
        pass

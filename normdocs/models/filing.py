"""Filing (备案) with each receiving body, in or outside the installation; the lifecycle of a filing
from rules.FILING_LIFECYCLE.

自治区人民政府令第218号: a government's documents are filed with the next-higher government and the
same-level people's congress standing committee; a department's or township's with the county
government. The county government in the installation reviews its departments' and townships'
filings itself (``receiving_unit``); the bodies outside the installation (the prefecture
government, the county people's congress standing committee) are ``FilingBody`` rows, and the
county's clerk records what happens there (``receiving_body``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField

from workflows.models import Unit

from .. import rules
from .documents import NormativeDocument


class FilingBody(models.Model):
    """A body outside the installation that a government files its documents with (备案机关)."""

    class Kind(models.TextChoices):
        PREFECTURE_GOVERNMENT = "prefecture_government", _("Next-higher people's government")
        STANDING_COMMITTEE = (
            "peoples_congress_standing_committee",
            _("People's congress standing committee"),
        )
        OTHER = "other", _("Other filing body")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    # The government that files its own documents with this body.
    filer = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="filing_bodies",
        verbose_name=_("government filing with it"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("filing body")
        verbose_name_plural = _("filing bodies")
        ordering = ["filer", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["filer", "name"], name="normdocs_filingbody_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Filing(models.Model):
    """Filing of a published document with the receiving government (备案, 有件必备、有备必审、有错必纠)."""

    class Status(models.TextChoices):
        DUE = "due", _("Awaiting submission")
        SUBMITTED = "submitted", _("Submitted, awaiting receipt")
        RECEIVED = "received", _("Received, under review")
        RETURNED = "returned", _("Returned for completion")
        ACCEPTED = "accepted", _("Accepted")
        CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
        AMENDED_BY_ISSUER = "amended_by_issuer", _("Amended by the issuer")
        REVOKED_BY_ISSUER = "revoked_by_issuer", _("Revoked by the issuer")
        REVOKED_BY_FILING_BODY = "revoked_by_filing_body", _("Revoked by the filing body")
        CHANGED_BY_FILING_BODY = "changed_by_filing_body", _("Changed by the filing body")

    document = models.ForeignKey(
        NormativeDocument, on_delete=models.PROTECT, related_name="filings"
    )
    # The receiving body: a government of the installation, which reviews the filing with its
    # own filing reviewers, or a body outside it, whose acts the issuer's clerk records.
    receiving_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="filings_received"
    )
    receiving_body = models.ForeignKey(
        FilingBody, null=True, blank=True, on_delete=models.PROTECT, related_name="filings"
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
    # A filing outside the installation, as the clerk records it: the submission (报备), the
    # receipt the body acknowledged (``received_on``) and the outcome that came back.
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    reference = models.CharField(_("filing reference"), max_length=100, blank=True)
    materials = models.TextField(_("materials submitted"), blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    outcome_reference = models.CharField(_("outcome reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        indexes = [models.Index(fields=["receiving_unit", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(receiving_unit__isnull=True, receiving_body__isnull=False)
                | models.Q(receiving_unit__isnull=False, receiving_body__isnull=True),
                name="normdocs_filing_one_receiver",
            ),
            models.UniqueConstraint(
                fields=["document", "receiving_unit"],
                condition=models.Q(receiving_unit__isnull=False),
                name="normdocs_filing_unique_unit",
            ),
            models.UniqueConstraint(
                fields=["document", "receiving_body"],
                condition=models.Q(receiving_body__isnull=False),
                name="normdocs_filing_unique_body",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} · {self.receiver} · {self.get_status_display()}"

    @property
    def is_external(self) -> bool:
        """Filed with a body outside the installation: the clerk records its acts."""
        return self.receiving_body_id is not None

    @property
    def receiver(self):
        return self.receiving_body if self.is_external else self.receiving_unit

    # --- lifecycle (viewflow.fsm, from rules.FILING_LIFECYCLE); services do the work -----------

    @status.transition(source=rules.FILING_LIFECYCLE["submitted"][0], target=Status.SUBMITTED)
    def to_submitted(self):
        pass

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

    @status.transition(
        source=rules.FILING_LIFECYCLE["changed_by_filing_body"][0],
        target=Status.CHANGED_BY_FILING_BODY,
    )
    def to_changed_by_filing_body(self):
        pass

"""Administrative normative documents (行政规范性文件): drafting bodies, the document and its
lifecycle, legality review, the issuer's register (三统一), filing and cleanup campaigns.

The document's status is a viewflow.fsm field whose transitions are generated from
``rules.LIFECYCLE``: the table that names the rule is the table that drives the machine.
Status only changes through normdocs.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from viewflow.fsm import FSMField, State

from workflows.models import Unit

from . import rules


class DraftingBody(models.Model):
    """An entry of the published list of bodies allowed to issue normative documents (制定主体)."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        DEPARTMENT = "department", _("Government department")
        TOWNSHIP = "township", _("Township government")
        AUTHORISED_ORGANISATION = "authorised_organisation", _("Organisation authorised by law")
        # Listed so that the refusal can name them; the register never accepts them.
        TEMPORARY = "temporary", _("Temporary body")
        COORDINATION = "coordination", _("Coordination body")
        INTERNAL_DIVISION = "internal_division", _("Internal division")

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="drafting_body"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    legal_basis = models.TextField(_("legal basis of the power to issue"))
    # Issuer codes this body numbers its documents under, e.g. ["恰政"] or ["恰政办"].
    issuer_codes = models.JSONField(_("issuer codes"), default=list)
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("drafting body")
        verbose_name_plural = _("drafting bodies")
        ordering = ["unit__name"]

    def __str__(self) -> str:
        return self.unit.name


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("normative document status", "Draft")
    LEGALITY_REVIEW = "legality_review", pgettext_lazy("normative document", "Legality review")
    DELIBERATION = "deliberation", _("Deliberation")
    REGISTERED = "registered", _("Registered and numbered")
    PUBLISHED = "published", _("Published")
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("Amended")
    REPEALED = "repealed", _("Repealed")
    EXPIRED = "expired", _("Expired")
    DECLARED_INVALID = "declared_invalid", _("Declared invalid")


ENDED_STATES = (Status.AMENDED, Status.REPEALED, Status.EXPIRED, Status.DECLARED_INVALID)


class IssuerRegister(models.Model):
    """One issuer's register for one document type and year: the number sequence (三统一).

    Numbers are allocated under ``select_for_update`` on this row, so there are no gaps and no
    duplicates however many people register at once.
    """

    issuer_code = models.CharField(_("issuer code"), max_length=20)
    doc_type = models.CharField(_("document type"), max_length=4)
    year = models.PositiveIntegerField(_("year"))
    last_serial = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("issuer register")
        verbose_name_plural = _("issuer registers")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_code", "doc_type", "year"], name="normdocs_one_register_per_issuer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer_code}{self.doc_type}〔{self.year}〕"


class NormativeDocument(models.Model):
    title = models.CharField(_("title"), max_length=300)
    drafting_body = models.ForeignKey(
        DraftingBody,
        verbose_name=_("drafting body"),
        on_delete=models.PROTECT,
        related_name="documents",
        help_text=_("The lead body for joint documents."),
    )
    co_drafting_bodies = models.ManyToManyField(
        DraftingBody, verbose_name=_("joint drafting bodies"), blank=True, related_name="+"
    )
    issuer_code = models.CharField(_("issuer code"), max_length=20)
    doc_type = models.CharField(_("document type"), max_length=4, default="规")
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    text = models.TextField(_("text"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    cited_laws = models.TextField(_("laws cited"), blank=True)
    touches_public_interest = models.BooleanField(_("touches the public interest"), default=False)
    amends = models.ForeignKey(
        "self",
        verbose_name=_("amends"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # 三统一: the register entry. ``number`` is the canonical text (also for imported documents).
    register = models.ForeignKey(
        IssuerRegister, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    serial = models.PositiveIntegerField(_("serial"), null=True, blank=True)
    # NULL until registered: many unnumbered drafts, yet every number unique.
    number = models.CharField(_("document number"), max_length=60, null=True, blank=True)  # noqa: DJ001
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    index_number = models.CharField(_("index number"), max_length=60, null=True, blank=True)  # noqa: DJ001

    published_on = models.DateField(_("published on"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    immediate_effect_reason = models.TextField(_("reason for immediate effect"), blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    ended_on = models.DateField(_("ceased to apply on"), null=True, blank=True)
    end_reason = models.TextField(_("why it ceased to apply"), blank=True)

    class Meta:
        verbose_name = _("normative document")
        verbose_name_plural = _("normative documents")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="normdocs_number_unique"),
            models.UniqueConstraint(fields=["index_number"], name="normdocs_index_number_unique"),
            models.UniqueConstraint(
                fields=["register", "serial"], name="normdocs_serial_unique_in_register"
            ),
        ]
        indexes = [models.Index(fields=["drafting_body", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    # --- lifecycle (viewflow.fsm); bodies are empty: services do the work ---------------------

    def _review_allows_deliberation(self):
        review = self.reviews.order_by("-id").first()
        refusal = rules.deliberation_refusal(
            review_outcome=review.outcome or None if review else None,
            amendments_recorded=bool(review and review.amendments_recorded_at),
        )
        return State.CONDITION(refusal is None, refusal or "")

    def _adopted_at_deliberation(self):
        adopted = self.deliberations.filter(adopted=True).exists()
        return State.CONDITION(
            adopted,
            "" if adopted else "Not adopted by collective deliberation: 国办发〔2018〕37号 三(四)",
        )

    @status.transition(source=rules.LIFECYCLE["legality_review"][0], target=Status.LEGALITY_REVIEW)
    def to_legality_review(self):
        pass

    @status.transition(
        source=rules.LIFECYCLE["deliberation"][0],
        target=Status.DELIBERATION,
        conditions=[_review_allows_deliberation],
    )
    def to_deliberation(self):
        pass

    @status.transition(source=rules.LIFECYCLE["draft"][0], target=Status.DRAFT)
    def to_draft(self):
        pass

    @status.transition(
        source=rules.LIFECYCLE["registered"][0],
        target=Status.REGISTERED,
        conditions=[_adopted_at_deliberation],
    )
    def to_registered(self):
        pass

    @status.transition(source=rules.LIFECYCLE["published"][0], target=Status.PUBLISHED)
    def to_published(self):
        pass

    @status.transition(source=rules.LIFECYCLE["in_force"][0], target=Status.IN_FORCE)
    def to_in_force(self):
        pass

    @status.transition(source=rules.LIFECYCLE["amended"][0], target=Status.AMENDED)
    def to_amended(self):
        pass

    @status.transition(source=rules.LIFECYCLE["repealed"][0], target=Status.REPEALED)
    def to_repealed(self):
        pass

    @status.transition(source=rules.LIFECYCLE["expired"][0], target=Status.EXPIRED)
    def to_expired(self):
        pass

    @status.transition(
        source=rules.LIFECYCLE["declared_invalid"][0], target=Status.DECLARED_INVALID
    )
    def to_declared_invalid(self):
        pass

    @property
    def is_government_document(self) -> bool:
        return self.drafting_body.kind == DraftingBody.Kind.GOVERNMENT


class LegalityReview(models.Model):
    """One submission of a draft for legality review (合法性审核, 国办发〔2018〕115号)."""

    class Outcome(models.TextChoices):
        LAWFUL = "lawful", _("Lawful")
        NEEDS_AMENDMENT = "needs_amendment", _("Lawful after amendment")
        UNLAWFUL = "unlawful", _("Unlawful")

    document = models.ForeignKey(
        NormativeDocument, on_delete=models.PROTECT, related_name="reviews"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_on = models.DateField(_("submitted on"))
    # Both empty while the count reaches a year whose holiday notice is not known yet: the
    # clock waits (workflows.clocks), the earliest conclusion is computed when it is needed.
    earliest_conclusion_on = models.DateField(_("earliest conclusion"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    amendments_note = models.TextField(_("amendments made"), blank=True)
    amendments_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("normative document", "legality review")
        verbose_name_plural = pgettext_lazy("normative document", "legality reviews")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.document} · {self.submitted_on:%Y-%m-%d} · {self.outcome or '…'}"


class Deliberation(models.Model):
    """The collective deliberation of a reviewed draft (国办发〔2018〕37号 三(四))."""

    class MeetingKind(models.TextChoices):
        EXECUTIVE = "executive_meeting", _("Executive meeting")
        PLENARY = "plenary_meeting", _("Plenary meeting")
        OFFICE = "office_meeting", _("Office meeting")

    document = models.ForeignKey(
        NormativeDocument, on_delete=models.PROTECT, related_name="deliberations"
    )
    meeting_kind = models.CharField(_("meeting"), max_length=20, choices=MeetingKind.choices)
    meeting_on = models.DateField(_("meeting date"))
    adopted = models.BooleanField(_("adopted"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("deliberation")
        verbose_name_plural = _("deliberations")

    def __str__(self) -> str:
        return f"{self.document} · {self.meeting_kind} {self.meeting_on:%Y-%m-%d}"


class Renewal(models.Model):
    """A recorded decision to keep a document in force past its validity period."""

    document = models.ForeignKey(
        NormativeDocument, on_delete=models.PROTECT, related_name="renewals"
    )
    decision_reference = models.CharField(_("decision"), max_length=200)
    reason = models.TextField(_("reason"))
    previous_valid_until = models.DateField()
    new_valid_until = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.document} → {self.new_valid_until:%Y-%m-%d}"


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
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DUE)
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


class CleanupCampaign(models.Model):
    """A cleanup of in-force documents (清理): regular every two years, special, or dynamic."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        SPECIAL = "special", _("Special")
        DYNAMIC = "dynamic", _("Dynamic")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    government = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    # The filter that chose the documents, kept as evidence of what was in scope.
    scope = models.JSONField(_("scope"), default=dict, blank=True)
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Empty while the clock awaits the holiday notice of the year it reaches.
    due_on = models.DateField(_("due on"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    results_published_on = models.DateField(_("results published on"), null=True, blank=True)
    results_published_where = models.CharField(
        _("results published where"), max_length=200, blank=True
    )
    # The law or instruction that ordered a special cleanup (e.g. 《中华人民共和国行政处罚法》):
    # the annual report names the special cleanups by it.
    ordered_by = models.CharField(_("ordered by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cleanup campaign")
        verbose_name_plural = _("cleanup campaigns")
        ordering = ["-opened_on", "-id"]
        constraints = [
            # Two beat runs on the same day cannot open the same regular cleanup twice.
            models.UniqueConstraint(
                fields=["government", "opened_on"],
                condition=Q(kind="regular"),
                name="normdocs_one_regular_cleanup_per_day",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CleanupAssignment(models.Model):
    """One drafting body's share of a campaign (谁制定谁清理): its items and its deadline."""

    campaign = models.ForeignKey(
        CleanupCampaign, on_delete=models.CASCADE, related_name="assignments"
    )
    drafting_body = models.ForeignKey(DraftingBody, on_delete=models.PROTECT, related_name="+")
    # Empty while the clock awaits the holiday notice of the year it reaches.
    due_on = models.DateField(_("due on"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "drafting_body"], name="normdocs_one_assignment_per_body"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.drafting_body}"


class CleanupItem(models.Model):
    class Outcome(models.TextChoices):
        CONTINUE = "continue", _("Continue in force")
        AMEND = "amend", _("Amend")
        REPEAL = "repeal", _("Repeal")
        DECLARE_INVALID = "declare_invalid", _("Declare invalid")

    campaign = models.ForeignKey(CleanupCampaign, on_delete=models.CASCADE, related_name="items")
    assignment = models.ForeignKey(
        CleanupAssignment, on_delete=models.CASCADE, related_name="items"
    )
    document = models.ForeignKey(
        NormativeDocument, on_delete=models.PROTECT, related_name="cleanup_items"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    successor = models.ForeignKey(
        NormativeDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("cleanup item")
        verbose_name_plural = _("cleanup items")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "document"], name="normdocs_one_item_per_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.document} · {self.outcome or '…'}"

"""A normative document from draft to the end of its validity: the drafting bodies, the
issuer's register (三统一), the document and its lifecycle (rules.LIFECYCLE), its legality reviews,
deliberations and renewals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from viewflow.fsm import FSMField, State

from workflows.models import Unit

from .. import rules


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
    EXPIRED = "expired", _("Lapsed")  # 失效: automatic at the end of validity
    DECLARED_INVALID = "declared_invalid", _("Declared invalid")
    # 撤销: by the issuer correcting it after filing review, or by the filing body (issue 17).
    REVOKED = "revoked", _("Revoked")


ENDED_STATES = (
    Status.AMENDED,
    Status.REPEALED,
    Status.EXPIRED,
    Status.DECLARED_INVALID,
    Status.REVOKED,
)


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

    @status.transition(source=rules.LIFECYCLE["revoked"][0], target=Status.REVOKED)
    def to_revoked(self):
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
    # The version of the text submitted (送审稿) and the materials with it (115号 二(三)).
    version = models.ForeignKey(
        "normdocs.DocumentVersion",
        verbose_name=_("version reviewed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    drafting_explanation = models.TextField(_("drafting explanation"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    comment_account = models.TextField(_("public comment and its adoption"), blank=True)
    # The day the drafter needs the opinion by: at least the minimum working days after
    # submission unless a reason is recorded (115号 三(二)); shown, not enforced on the reviewer.
    opinion_needed_by = models.DateField(_("opinion needed by"), null=True, blank=True)
    short_notice_reason = models.TextField(_("reason for a shorter review time"), blank=True)
    # Empty while the count reaches a year whose holiday notice is not known yet: the clock
    # waits (workflows.clocks). The 15-working-day limit of the reviewer.
    due_on = models.DateField(_("due on"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    amendments_note = models.TextField(_("amendments made"), blank=True)
    amendments_recorded_at = models.DateTimeField(null=True, blank=True)
    # The content-limit checklist of the conclusion (rules.CONTENT_LIMITS): key -> {"ok", "note"}.
    content_checklist = models.JSONField(_("content-limit checklist"), default=dict, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("normative document", "legality review")
        verbose_name_plural = pgettext_lazy("normative document", "legality reviews")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.document} · {self.submitted_on:%Y-%m-%d} · {self.outcome or '…'}"

    def checklist_items(self) -> list[tuple]:
        """The content-limit checklist in its fixed order: (label, complies, note)."""
        return [
            (label, answer.get("ok"), answer.get("note", ""))
            for key, label in rules.CONTENT_LIMITS.items()
            if (answer := self.content_checklist.get(key)) is not None
        ]


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
    version = models.ForeignKey(
        "normdocs.DocumentVersion",
        verbose_name=_("version deliberated"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliberations",
    )
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

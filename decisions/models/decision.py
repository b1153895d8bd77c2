"""The decision itself, its draft versions and its attachments (第十条至第十三条)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from viewflow.fsm import FSMField
from viewflow.workflow.models import Process

from workflows.choices import choice_display
from workflows.rowwrites import ComposedRowWrites

from .. import rules


class Stage(models.TextChoices):
    DRAFTING = "drafting", _("Drafting")
    CONSULTATION = "consultation", _("Public consultation")
    DISPOSITION = "disposition", _("Handling comments")
    ASSESSMENT = "assessment", _("Expert argumentation and risk assessment")
    LEGALITY_REVIEW = "legality_review", _("Legality review")
    PACKAGE = "package", _("Submission package")
    MEETING = "meeting", _("Collective decision")
    AMENDING = "amending", _("Incorporating the amendments")
    PARTY_REPORT = "party_report", _("Report to the Party committee")
    PUBLICATION = "publication", _("Publication")
    ARCHIVING = "archiving", _("Archiving")
    ARCHIVED = "archived", _("Archived")


class Outcome(models.TextChoices):
    NONE = "", _("Not decided")
    ADOPTED = "adopt", pgettext_lazy("decision outcome", "Adopted")
    ADOPTED_WITH_AMENDMENTS = "adopt_with_amendments", _("Adopted with amendments")
    REJECTED = "reject", _("Rejected")
    DEFERRED = "defer", _("Deferred for further discussion")


# Its row changes at nearly every transition (the stage): written by statements composed once
# (workflows.rowwrites).
class Decision(ComposedRowWrites, models.Model):
    government = models.ForeignKey(
        "workflows.Unit",
        verbose_name=_("deciding government"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_unit = models.ForeignKey(
        "workflows.Unit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    catalogue_item = models.ForeignKey(
        "decisions.CatalogueItem",
        verbose_name=_("catalogue item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    out_of_catalogue_reason = models.TextField(
        _("reason for starting outside the catalogue"), blank=True
    )
    title = models.CharField(_("title"), max_length=300)
    # The government's decision to start it and the lead unit it names (第十条、第十一条):
    # who decided (the administrative head or the executive meeting), when, under which
    # reference (批示, meeting number). Required before the draft is submitted.
    start_decided_by = models.CharField(_("start decided by"), max_length=200, blank=True)
    start_decided_on = models.DateField(_("start decided on"), null=True, blank=True)
    start_reference = models.CharField(
        _("reference of the start decision"), max_length=200, blank=True
    )
    problem = models.TextField(_("problem to solve"))
    necessity = models.TextField(_("necessity and feasibility"), blank=True)
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)
    draft_text = models.TextField(_("draft"), blank=True)
    # 决策草案说明: published with the draft for public comment (第十四条); required at
    # submission of the draft.
    drafting_explanation = models.TextField(_("drafting explanation"), blank=True)
    # Alternative options (第十三条): a list of {"title": ..., "text": ...}.
    options = models.JSONField(_("options"), default=list, blank=True)

    not_disclosable = models.BooleanField(_("not disclosable by law"), default=False)
    not_disclosable_reason = models.TextField(_("why it is not disclosable"), blank=True)
    hearing_needed = models.BooleanField(_("hearing needed"), default=False)
    expert_argumentation_needed = models.BooleanField(
        _("expert argumentation needed"), default=False
    )
    affects_market_actors = models.BooleanField(_("affects market actors"), default=False)
    fair_competition_review = models.TextField(_("fair competition review"), blank=True)

    # Written only by ``decisions.lifecycle`` through the transitions generated below from
    # ``rules.LIFECYCLE``; the flow's gates read it (tests/decisions/test_lifecycle.py).
    stage = FSMField(_("stage"), max_length=30, choices=Stage.choices, default=Stage.DRAFTING)
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=Outcome.choices, blank=True, default=""
    )
    # Their labels read once per language (workflows.choices): lists and inboxes show both on
    # every row, and Django's own get_FOO_display rebuilds the choices at each call.
    get_stage_display = choice_display("stage")
    get_outcome_display = choice_display("outcome")
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("adjusts decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjusted_by",
    )
    suspended_at = models.DateTimeField(_("execution suspended at"), null=True, blank=True)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seal_checklist = models.JSONField(_("archiving checklist"), default=dict, blank=True)
    seal_sha256 = models.CharField(_("SHA-256 of the sealed record"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("major decision")
        verbose_name_plural = _("major decisions")
        ordering = ["-created_at"]
        # The register lists the newest first, fifty at a time: read from this index instead
        # of sorting every visible decision (issue 22).
        # The meeting's and the publishers' decisions are those of a government from a stage
        # on (decisions.selectors): read from this index, not by testing each of its rows.
        indexes = [
            models.Index(fields=["-created_at"], name="decision_created_idx"),
            models.Index(fields=["government", "stage"], name="decision_government_stage_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(catalogue_item__isnull=False)
                | ~models.Q(out_of_catalogue_reason=""),
                name="decision_catalogue_or_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(not_disclosable=False) | ~models.Q(not_disclosable_reason=""),
                name="decision_not_disclosable_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_sealed(self) -> bool:
        return self.sealed_at is not None


def _stage_transition(name: str, move: rules.StageMove):
    """``Decision.move_<name>``: the viewflow.fsm transition of one row of ``rules.LIFECYCLE``.
    Its body is empty: ``decisions.lifecycle`` saves and the services do the work."""

    def transition(self):
        pass

    transition.__name__ = transition.__qualname__ = f"move_{name}"
    transition.__doc__ = f"{' | '.join(move.sources)} → {move.target}: {move.legal_source}"
    return Decision.stage.transition(source=move.sources, target=move.target)(transition)


for _name, _move in rules.LIFECYCLE.items():
    setattr(Decision, f"move_{_name}", _stage_transition(_name, _move))


class DecisionProcess(Process):
    """The viewflow process carrying one decision; all data lives on ``decision``."""

    decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="process"
    )

    class Meta:
        verbose_name = _("decision process")
        verbose_name_plural = _("decision processes")


# Written at transitions: by statements composed once (workflows.rowwrites).
class DraftVersion(ComposedRowWrites, models.Model):
    """Every saved version of the draft, kept with its hash (第三十三条: full-process record).

    An ``amended`` version carries the amendments a meeting decided (第三十条: 修改后通过): the
    lead unit's drafter enters it, its unit head approves it and, when the amendments are
    substantive, the review office confirms it is lawful; it is what is published (第三十二条).
    """

    class Kind(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AMENDED = "amended", _("Amended after the meeting")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("draft"))
    options = models.JSONField(default=list, blank=True)
    legal_basis = models.JSONField(default=list, blank=True)
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DRAFT)
    meeting = models.ForeignKey(
        "decisions.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amended_versions",
    )
    amendments = models.TextField(_("amendments decided"), blank=True)
    substantive = models.BooleanField(_("substantive amendments"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_confirmed_at = models.DateTimeField(_("lawfulness confirmed at"), null=True, blank=True)
    review_opinion = models.TextField(_("review office's opinion"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("draft version")
        verbose_name_plural = _("draft versions")
        ordering = ["decision", "number"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "number"], name="draft_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} v{self.number}"


def attachment_path(instance, filename: str) -> str:
    # Stored under a content hash, never under the uploaded name.
    return f"decisions/{instance.decision_id}/{instance.sha256}.{instance.file_type}"


class Attachment(models.Model):
    class FileType(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        OFD = "ofd", "OFD"

    class Kind(models.TextChoices):
        MATERIAL = "material", _("Material")
        HEARING_RECORD = "hearing_record", _("Hearing record")
        EXPERT_OPINION = "expert_opinion", _("Expert opinion")
        RISK_REPORT = "risk_report", _("Risk assessment report")
        LEGALITY_OPINION = "legality_opinion", _("Legality opinion")
        OTHER = "other", _("Other")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.MATERIAL)
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("original name"), max_length=255)
    file_type = models.CharField(_("type"), max_length=10, choices=FileType.choices)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

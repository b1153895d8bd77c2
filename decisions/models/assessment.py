"""Hearing (第十六、十七条), expert argumentation (第十九至二十一条), risk assessment (第二十二至二十四条)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.rowwrites import ComposedRowWrites

from .decision import Decision


class Hearing(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="hearings")
    materials_sent_on = models.DateField(_("materials sent to participants on"))
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    # Published before the hearing (第十七条).
    participants = models.TextField(_("participants"))
    # The hearing notice (听证公告: matter, time, place, how to take part), shown on the portal
    # with the participant list once announced (第十六条、第十七条).
    notice = models.TextField(_("hearing notice"), blank=True)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    record = models.TextField(_("hearing record"), blank=True)
    record_signed = models.BooleanField(_("record signed by the participants"), default=False)
    recorded_at = models.DateTimeField(null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["held_on"]

    def __str__(self) -> str:
        return f"{self.decision_id} @ {self.held_on}"


class ExpertProfile(models.Model):
    """The expert pool (专家库): who may be asked, in which fields, and what they declared."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile"
    )
    fields = models.JSONField(_("fields of expertise"), default=list, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    active = models.BooleanField(_("in the pool"), default=True)
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("expert pool")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class ExpertInterest(models.Model):
    """A declared interest. An expert with a direct interest may not argue the decision
    (第二十条: experts are independent and without direct interest)."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="interests")
    description = models.TextField(_("description"))
    unit = models.ForeignKey(
        "workflows.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared interest")
        verbose_name_plural = _("declared interests")

    def __str__(self) -> str:
        return self.description[:60]


class ExpertSelection(models.Model):
    """An expert the lead unit chose from the pool to argue this decision (第十九条、第二十一条).
    Only chosen experts may give an opinion; the stage waits for each of them unless the lead
    unit records why one withdrew."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="expert_selections"
    )
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="selections")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField()
    withdrawn_reason = models.TextField(_("why the expert withdrew"), blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("chosen expert")
        verbose_name_plural = _("chosen experts")
        ordering = ["chosen_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "expert"], name="expert_chosen_once"),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at=None) | ~models.Q(withdrawn_reason=""),
                name="expert_withdrawal_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} ⇐ {self.decision_id}"


class ExpertOpinion(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="expert_opinions")
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="opinions")
    text = models.TextField(_("opinion"))
    signed = models.BooleanField(_("signed by the expert"), default=False)
    submitted_at = models.DateTimeField()
    # How the lead unit handled it (第二十九条(三)).
    handling = models.TextField(_("handling of the opinion"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("expert opinion")
        verbose_name_plural = _("expert opinions")
        constraints = [
            models.UniqueConstraint(fields=["decision", "expert"], name="one_opinion_per_expert")
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.decision_id}"


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    UNCONTROLLABLE = "uncontrollable", _("Uncontrollable")


# Written at transitions: by statements composed once (workflows.rowwrites).
class RiskAssessment(ComposedRowWrites, models.Model):
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="risk_assessments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    third_party = models.CharField(_("third-party assessor"), max_length=200, blank=True)
    contingency_plan = models.TextField(_("contingency plan"))
    overall_level = models.CharField(_("overall level"), max_length=20, choices=RiskLevel.choices)
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.overall_level}"


class RiskDimension(models.Model):
    class Dimension(models.TextChoices):
        SOCIAL_STABILITY = "social_stability", _("Social stability")
        PUBLIC_SAFETY = "public_safety", _("Public safety")
        ECOLOGICAL_ENVIRONMENT = "ecological_environment", _("Ecological environment")
        ECONOMY = "economy", _("Economy")

    assessment = models.ForeignKey(
        RiskAssessment, on_delete=models.PROTECT, related_name="dimensions"
    )
    dimension = models.CharField(max_length=30, choices=Dimension.choices)
    level = models.CharField(
        max_length=20,
        choices=[(v, label) for v, label in RiskLevel.choices if v != RiskLevel.UNCONTROLLABLE],
    )
    risk_points = models.TextField(_("risk points"))
    mitigations = models.TextField(_("mitigations"))

    class Meta:
        verbose_name = _("risk dimension")
        verbose_name_plural = _("risk dimensions")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension"], name="one_row_per_dimension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.level}"

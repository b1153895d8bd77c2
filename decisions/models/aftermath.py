"""After the meeting: Party report (第三十一条), publication (第三十二条), execution (第三十四、三十五条),
post-evaluation (第三十六条), adjustment and suspension (第三十七条)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.rowwrites import ComposedRowWrites

from .decision import Decision


# Written at transitions: by statements composed once (workflows.rowwrites).
class PartyReport(ComposedRowWrites, models.Model):
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="party_report")
    reported_on = models.DateField(_("reported on"))
    reference = models.CharField(_("reference"), max_length=100)
    recipient = models.CharField(_("reported to"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report to the Party committee")
        verbose_name_plural = _("reports to the Party committee")

    def __str__(self) -> str:
        return self.reference


# Written at transitions: by statements composed once (workflows.rowwrites).
class Publication(ComposedRowWrites, models.Model):
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="publication")
    published = models.BooleanField(_("published"))
    not_published_reason = models.TextField(_("why it is not published"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=200, blank=True)
    url = models.URLField(_("address"), blank=True)
    text = models.TextField(_("decision as published"), blank=True)
    # The version published: the approved amended version when the meeting adopted it with
    # amendments, else the draft the meeting adopted (第三十二条).
    version = models.ForeignKey(
        "decisions.DraftVersion",
        verbose_name=_("version published"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text_sha256 = models.CharField(_("SHA-256 of the published text"), max_length=64, blank=True)
    interpretation = models.TextField(_("interpretation"), blank=True)
    adoption_report = models.TextField(_("adoption report"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        state = _("published") if self.published else _("not published")
        return f"{self.decision_id}: {state}"


class ExecutionReport(models.Model):
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="execution_reports"
    )
    executing_unit = models.ForeignKey("workflows.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=100)
    text = models.TextField(_("report"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("execution report")
        verbose_name_plural = _("execution reports")
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"{self.decision_id} {self.period}"


class PostEvaluation(models.Model):
    class Trigger(models.TextChoices):
        GOAL_UNMET = "goal_unmet", _("The goal is clearly not being met")
        MANY_COMPLAINTS = "many_complaints", _("Many complaints from the public")
        GOVERNMENT_DECIDED = "government_decided", _("The government decided to evaluate")

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="post_evaluations"
    )
    trigger = models.CharField(_("trigger"), max_length=30, choices=Trigger.choices)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    evaluator_organisation = models.CharField(
        _("evaluating organisation"), max_length=200, blank=True
    )
    report = models.TextField(_("report"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("post-evaluation")
        verbose_name_plural = _("post-evaluations")

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.trigger}"


class Adjustment(models.Model):
    class Kind(models.TextChoices):
        ADJUST = "adjust", _("Adjustment (new decision)")
        URGENT_SUSPENSION = "urgent_suspension", _("Urgent suspension by the head")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="adjustments")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    new_decision = models.OneToOneField(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="adjusts"
    )
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.kind}"

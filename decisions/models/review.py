"""Legality review (合法性审查, 《重大行政决策程序暂行条例》第二十五条至第二十八条)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .decision import Decision, DraftVersion


class LegalityReview(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Under review")
        COMPLETED = "completed", _("Completed")

    class Outcome(models.TextChoices):
        LAWFUL = "lawful", _("Lawful")
        LAWFUL_WITH_AMENDMENTS = "lawful_with_amendments", _("Lawful with amendments")
        UNLAWFUL = "unlawful", _("Unlawful")

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="legality_reviews"
    )
    draft_version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    legal_basis = models.JSONField(_("legal basis"), default=list)
    procedures_account = models.TextField(_("account of the procedures done"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    # The reviewer gets at least this long (第二十六条: 一般不少于7个工作日). Empty while the
    # clock awaits the holiday notice of the year it reaches (the clock says which).
    due_on = models.DateField(_("review due on"), null=True, blank=True)
    deadline_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    amendments = models.TextField(_("amendments required"), blank=True)
    exploratory_reform = models.BooleanField(_("exploratory reform"), default=False)
    legal_risk_statement = models.TextField(_("stated legal risk"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("legality review")
        verbose_name_plural = _("legality reviews")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.outcome or self.status}"

"""The yearly catalogue of major decision items (决策事项目录, 《重大行政决策程序暂行条例》第三条)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CatalogueItem(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("catalogue status", "Draft")
        PUBLISHED = "published", _("Published")
        ADJUSTED = "adjusted", _("Adjusted")

    government = models.ForeignKey(
        "workflows.Unit", verbose_name=_("government"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    lead_unit = models.ForeignKey(
        "workflows.Unit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="catalogue_items",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # 第三条: the catalogue is published after the same-level Party committee consented.
    party_consent_by = models.CharField(_("Party committee consenting"), max_length=200, blank=True)
    party_consent_on = models.DateField(_("Party consent given on"), null=True, blank=True)
    party_consent_reference = models.CharField(
        _("reference of the Party consent"), max_length=200, blank=True
    )
    party_consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adjusted_at = models.DateTimeField(_("adjusted at"), null=True, blank=True)
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adjustment_reason = models.TextField(_("reason for the adjustment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

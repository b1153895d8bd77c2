"""Every export of an archive package, and legal holds."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArchiveExport(models.Model):
    """One export of one subject's package: who asked, when, what came out (a controlled
    transfer, DA/T 70-2018 security). Rows are never deleted; a disposed copy keeps its row."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        DISPOSED = "disposed", _("Copy disposed of")

    kind = models.CharField(_("kind"), max_length=30)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("subject type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("subject id"), max_length=64)
    subject_label = models.CharField(_("subject"), max_length=500)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.CharField(_("current step"), max_length=200, blank=True)
    # Where the package is: a directory given on the command line, or the zip the task keeps
    # under FAZHI_ARCHIVE_ROOT for download.
    package_path = models.CharField(_("package"), max_length=1000, blank=True)
    # SHA-256 and SM3 of tagmanifest-sha256.txt, which fixes every other file of the package.
    package_sha256 = models.CharField(_("package SHA-256"), max_length=64, blank=True)
    package_sm3 = models.CharField(_("package SM3"), max_length=64, blank=True)
    download_sha256 = models.CharField(_("zip SHA-256"), max_length=64, blank=True)
    check_passed = models.BooleanField(_("four-property check passed"), null=True)
    check_report = models.JSONField(_("four-property check"), default=dict, blank=True)
    retention_code = models.CharField(_("retention"), max_length=10, blank=True)
    kept_until = models.DateField(_("kept until"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("archive export")
        verbose_name_plural = _("archive exports")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="archive_export_subj")]

    def __str__(self) -> str:
        return f"{self.subject_label} @ {timezone.localtime(self.requested_at):%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def retention_label(self) -> str:
        """The retention class as a reader names it (永久, 30年), not its code (issue 18)."""
        from .conf import RETENTION_CLASSES

        entry = RETENTION_CLASSES.get(self.retention_code)
        return str(entry[0]) if entry else self.retention_code


class LegalHold(models.Model):
    """A subject that must not be disposed of, whatever its retention period, until released."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("subject type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("subject id"), max_length=64)
    subject_label = models.CharField(_("subject"), max_length=500)
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed at"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_reason = models.TextField(_("reason for the release"), blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(released_at__isnull=True),
                name="archive_one_active_hold",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | ~Q(release_reason=""),
                name="archive_release_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_label} ({'released' if self.released_at else 'on hold'})"

    def delete(self, *args, **kwargs):
        raise PermissionError("a legal hold is released, never deleted")

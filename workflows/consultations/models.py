"""Public consultation (公开征求意见) on any subject: a decision draft, a normative document.

Generic on purpose: the subject is a GenericForeignKey so that normative documents reuse the
same comment, disposition and adoption-report machinery as major decisions.
Legal source: 《重大行政决策程序暂行条例》第十四条、第十五条; comments are never deleted, only
hidden with a reason, because the full-process record must stay complete (第三十三条).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..rowwrites import ComposedRowWrites

COMMENT_MAX_CHARS = 5000


# Written at transitions: by statements composed once (workflows.rowwrites).
class Consultation(ComposedRowWrites, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("consultation status", "Open")
        CLOSED = "closed", _("Closed, awaiting dispositions")
        FINISHED = "finished", _("Finished")

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")

    title = models.CharField(_("title"), max_length=300)
    # The text put out for comment, frozen: later drafts do not change what the public saw.
    draft_text = models.TextField(_("text put out for comment"))
    draft_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    minimum_days = models.PositiveIntegerField(_("minimum period in days"))
    legal_source = models.CharField(_("legal source of the minimum period"), max_length=200)
    # Published on the public page when the period is shorter than the minimum (第十五条).
    short_period_reason = models.TextField(_("reason for a shorter period"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    adoption_report = models.TextField(_("adoption report"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title


# Written at transitions: by statements composed once (workflows.rowwrites).
class Comment(ComposedRowWrites, models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="comments"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    # The commenter's consent to show the name on public pages; without it they read "anonymous".
    show_name = models.BooleanField(_("show my name publicly"), default=False)
    # Never shown publicly: only staff handling the consultation may read it.
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    text = models.TextField(_("comment"), max_length=COMMENT_MAX_CHARS)
    paragraph_ref = models.CharField(_("paragraph"), max_length=100, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    hidden = models.BooleanField(_("hidden from the public"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hidden=False) | ~models.Q(hidden_reason=""),
                name="comment_hidden_needs_reason",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.text[:40]}"


# Written at transitions: by statements composed once (workflows.rowwrites).
class Disposition(ComposedRowWrites, models.Model):
    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    comment = models.OneToOneField(Comment, on_delete=models.PROTECT, related_name="disposition")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.outcome}"


def attachment_path(instance, filename: str) -> str:
    # Stored under a content hash, never under the uploaded name.
    return f"consultations/{instance.consultation_id}/{instance.sha256}.{instance.file_type}"


class ConsultationAttachment(models.Model):
    """A document published with the consultation (the draft's attachments, 第十四条: the
    public sees the draft and its explanatory materials). PDF, DOCX or OFD, type read from the
    content; the file is public exactly while the consultation is."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("original name"), max_length=255)
    file_type = models.CharField(_("type"), max_length=10)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consultation attachment")
        verbose_name_plural = _("consultation attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

"""The versions of a document's text (征求意见稿 → 送审稿 → 修改稿 → 印发稿).

Every time the text is set — at creation, when put out for comment or sent to review, when
revised, and as issued at registration — a version is kept with the SHA-256 of its text, who
and when. ``NormativeDocument.text`` is the current text; it is written only together with a new
version, by ``normdocs.services.versions.version_write``. The legality review and the
deliberation name the version they saw. (Documents have no attachment model yet: a version
carries its text only.)
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .documents import NormativeDocument


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DocumentVersion(models.Model):
    class Kind(models.TextChoices):
        FOR_COMMENT = "for_comment", _("Draft for comment")
        FOR_REVIEW = "for_review", _("Draft for review")
        REVISED = "revised", _("Revised draft")
        AS_ISSUED = "as_issued", _("Text as issued")

    document = models.ForeignKey(
        NormativeDocument, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"), blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("version of the text")
        verbose_name_plural = _("versions of the text")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="normdocs_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} · v{self.number} {self.get_kind_display()}"

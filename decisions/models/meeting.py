"""Collective decision at the executive or plenary meeting (《重大行政决策程序暂行条例》第三十条)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.rowwrites import ComposedRowWrites

from .decision import Decision, Outcome


# Written at transitions: by statements composed once (workflows.rowwrites).
class Meeting(ComposedRowWrites, models.Model):
    class Kind(models.TextChoices):
        EXECUTIVE = "executive", _("Executive meeting")
        PLENARY = "plenary", _("Plenary meeting")

    class Status(models.TextChoices):
        OPEN = "open", _("In session")
        CONCLUDED = "concluded", _("Concluded")

    # Empty for an agenda item that is not a major decision.
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    # The agenda item of a numbered session this meeting deliberates (its 议题).
    item = models.OneToOneField(
        "decisions.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliberation",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_at = models.DateTimeField(_("held at"))
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("administrative head"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    head_decision = models.CharField(
        _("decision of the head"), max_length=30, choices=Outcome.choices, blank=True
    )
    head_statement = models.TextField(_("statement of the head"), blank=True)
    # Required at the meeting when the head decides against the majority (第三十条).
    head_reason = models.TextField(_("reason for deciding against the majority"), blank=True)
    majority_view = models.CharField(max_length=10, blank=True)
    # What the meeting decided to amend (required when adopted with amendments, 第三十条).
    amendments = models.TextField(_("amendments decided"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["held_at", "pk"]

    def __str__(self) -> str:
        if self.item_id and self.item.session_id:
            return f"{self.item.session} · {self.item.title}"
        return f"{self.get_kind_display()} {self.held_at:%Y-%m-%d}"


class Attendance(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        PRINCIPAL = "principal", _("Administrative head")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    present = models.BooleanField(_("present"))
    absence_reason = models.CharField(_("reason for absence"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="one_attendance_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({'present' if self.present else 'absent'})"


# Written at transitions: by statements composed once (workflows.rowwrites).
class Statement(ComposedRowWrites, models.Model):
    class Position(models.TextChoices):
        SUPPORT = "support", _("Support")
        OPPOSE = "oppose", _("Oppose")
        ABSTAIN = "abstain", _("Abstain")
        CONDITIONAL = "conditional", _("Support with conditions")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="statements")
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField()
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    # Verbatim: dissent is recorded as stated (第三十条).
    text = models.TextField(_("statement, verbatim"))
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="statement_order_unique"),
            models.UniqueConstraint(
                fields=["meeting", "speaker"], name="one_statement_per_speaker"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.speaker}: {self.position}"

"""Numbered sessions of the government's meetings and their agendas (议题).

A county government decides at its numbered executive or plenary sessions (县政府第N次常务会议 /
全体会议, 《重大行政决策程序暂行条例》第三十条). Each session has an agenda of several items from
several units; an item goes on the agenda only after its legality check by the review office
(议题合法性审核, 第二十五条、第二十八条): for a major decision that is its legality review. Each
item is deliberated in its own ``Meeting`` (``item.deliberation``): members speak, the head
speaks last and decides.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.rowwrites import ComposedRowWrites

from .meeting import Meeting


# Written at transitions: by statements composed once (workflows.rowwrites).
class Session(ComposedRowWrites, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("In session")
        CONCLUDED = "concluded", _("Concluded")

    government = models.ForeignKey(
        "workflows.Unit",
        verbose_name=_("government"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Meeting.Kind.choices)
    year = models.PositiveIntegerField(_("year"))
    # Gap-free per government, kind and year: assigned at planning under the government's lock.
    number = models.PositiveIntegerField(_("number"))
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
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["held_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["government", "kind", "year", "number"], name="session_number_unique"
            )
        ]

    def __str__(self) -> str:
        return _("%(government)s, %(kind)s no. %(number)s") % {
            "government": self.government.name,
            "kind": self.get_kind_display(),
            "number": self.number,
        }


class SessionAttendance(models.Model):
    class Role(models.TextChoices):
        PRINCIPAL = "principal", _("Administrative head")
        MEMBER = "member", _("Member")
        # 列席: does not deliberate; present for the unit it represents (e.g. presenting an item).
        ATTENDEE = "attendee", _("Attending without a vote")

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "workflows.Unit",
        verbose_name=_("unit represented"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    present = models.BooleanField(_("present"))
    absence_reason = models.CharField(_("reason for absence"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendance")
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="one_session_attendance_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role})"


# Written at transitions: by statements composed once (workflows.rowwrites).
class AgendaItem(ComposedRowWrites, models.Model):
    """An item (议题) proposed by a unit, checked by the review office, put on a session."""

    class Kind(models.TextChoices):
        MAJOR_DECISION = "major_decision", _("Major administrative decision")
        NORMATIVE_DOCUMENT = "normative_document", _("Normative document")
        OTHER = "other", _("Other item")

    class CheckOutcome(models.TextChoices):
        LAWFUL = "lawful", _("Lawful")
        LAWFUL_WITH_AMENDMENTS = "lawful_with_amendments", _("Lawful with amendments")
        UNLAWFUL = "unlawful", _("Unlawful")

    government = models.ForeignKey(
        "workflows.Unit",
        verbose_name=_("government"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    order = models.PositiveIntegerField(_("order"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    decision = models.ForeignKey(
        "decisions.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    document = models.ForeignKey(
        "normdocs.NormativeDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_unit = models.ForeignKey(
        "workflows.Unit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("presenter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    materials = models.TextField(_("materials"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    # The legality check of the item (议题合法性审核) by the review office.
    check_outcome = models.CharField(
        _("outcome of the legality check"), max_length=30, choices=CheckOutcome.choices, blank=True
    )
    check_opinion = models.TextField(_("opinion of the legality check"), blank=True)
    exploratory_reform = models.BooleanField(_("exploratory reform"), default=False)
    legal_risk_statement = models.TextField(_("stated legal risk"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    review = models.ForeignKey(
        "decisions.LegalityReview",
        verbose_name=_("legality review"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "order"], name="agenda_item_order_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def outcome(self) -> str:
        """What the session decided on this item ("" while undecided)."""
        meeting = getattr(self, "deliberation", None)
        return meeting.head_decision if meeting is not None else ""

"""Deadlines and what they send: one row per legal clock, its reminders, in-app notifications
and the daily reminders that clocks wait for a holiday notice."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from workflows.roles import ROLES

from ...rowwrites import ComposedRowWrites
from .calendar import Jurisdiction, PeriodUnit


# Written at transitions: by statements composed once (workflows.rowwrites).
class Deadline(ComposedRowWrites, models.Model):
    """One legal clock of one item: computed once when its step opens, then kept as evidence."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        MET = "met", _("met")
        OVERDUE = "overdue", _("overdue")
        WAIVED = "waived", _("waived")

    RUNNING = (Status.OPEN, Status.OVERDUE)

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    subject_label = models.CharField(_("item"), max_length=500)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    # The rule as it stood when the clock started: later overrides do not move this deadline.
    rule_key = models.CharField(_("rule"), max_length=100)
    rule_description = models.CharField(_("stage"), max_length=300, blank=True)
    legal_source = models.TextField(_("legal source"))
    start = models.DateField(_("start"))
    unit = models.CharField(
        pgettext_lazy("period", "unit"), max_length=10, choices=PeriodUnit.choices
    )
    amount = models.PositiveSmallIntegerField(_("amount"))
    # Empty while the count reaches a year whose State Council holiday notice is not known
    # yet (``awaiting_year``): the clock waits, visibly, and is computed the moment the notice
    # is entered (domain.md §4: never guessed, never blocking the work).
    due = models.DateField(_("due"), null=True, blank=True)
    awaiting_year = models.PositiveSmallIntegerField(
        _("awaiting the holiday notice for"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    waived_at = models.DateTimeField(_("waived at"), null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waived by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    waived_reason = models.TextField(_("reason for waiving"), blank=True)
    responsible_unit = models.ForeignKey(
        "workflows.Unit",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    # The role that acts on the clock's step for ``responsible_unit`` (the step's offer, e.g.
    # legal_advisor of the lead unit): its holders are reminded when nobody is named, and see
    # the clock (workflows.api.selectors.deadlines_mine). Empty: the unit heads act.
    responsible_role = models.CharField(
        _("responsible role"),
        max_length=50,
        blank=True,
        choices=[(role, label) for role, label in ROLES.items()],
    )
    responsible_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible people"),
        blank=True,
        related_name="deadlines",
    )

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due", "id"]
        indexes = [
            # The sweep: running clocks by due date.
            models.Index(fields=["status", "due"], name="clocks_deadline_sweep"),
            models.Index(fields=["content_type", "object_id"], name="clocks_deadline_subject"),
            # "The clocks my role acts on": a role holder's deadlines, by (unit, role) grant.
            models.Index(
                fields=["responsible_unit", "responsible_role"], name="clocks_deadline_actors"
            ),
            # The running clocks with a due date, soonest first: the inbox walks them in due
            # order to the tasks that meet them, stopping once a page is full (issue 22,
            # ``workflows.inbox.due``).
            models.Index(
                fields=["due", "id"],
                condition=Q(status__in=["open", "overdue"], due__isnull=False),
                name="clocks_deadline_running_due",
            ),
            # The few clocks awaiting a holiday notice: looked for by every sweep.
            models.Index(
                fields=["awaiting_year"],
                condition=Q(due__isnull=True),
                name="clocks_deadline_awaiting",
            ),
        ]
        constraints = [
            # A running clock per item and rule: opening it again returns the same deadline.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "rule_key"],
                condition=Q(status__in=["open", "overdue"]),
                name="clocks_one_running_clock_per_rule",
            ),
            models.CheckConstraint(
                condition=~Q(status="waived") | ~Q(waived_reason=""),
                name="clocks_waived_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(due__isnull=True) | Q(due__gt=models.F("start")),
                name="clocks_due_after_start_or_awaiting",
            ),
            # A clock either has its due date or names the notice it waits for, never both.
            models.CheckConstraint(
                condition=Q(due__isnull=False, awaiting_year__isnull=True)
                | Q(due__isnull=True, awaiting_year__isnull=False),
                name="clocks_due_or_awaiting_notice",
            ),
        ]

    def __str__(self) -> str:
        due = f"{self.due:%Y-%m-%d}" if self.due else f"awaiting {self.awaiting_year}"
        return f"{self.subject_label} · {self.rule_key} · {due}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def is_awaiting_notice(self) -> bool:
        """The due date waits for the holiday notice of ``awaiting_year``."""
        return self.due is None


class Reminder(models.Model):
    """One message to one person about one deadline on one occasion.

    The unique constraint makes a second copy impossible, whoever creates it; ``claimed_at``
    and ``sent_at`` make delivery at-most-once across sweeps, beats and worker retries.
    """

    class Kind(models.TextChoices):
        BEFORE = "before", _("before the due date")
        OVERDUE = "overdue", _("overdue")

    class Escalation(models.IntegerChoices):
        # Whom the reminder is to, which decides its words (messages.reminder_message).
        ACTOR = 0, _("to who acts on the step")
        UNIT_HEAD = 1, _("escalated to the head of the responsible unit")
        OFFICE_ABOVE = 2, _("escalated to the office above")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    escalation = models.PositiveSmallIntegerField(
        choices=Escalation.choices, default=Escalation.ACTOR
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # "before": the working day it is meant for; "overdue": the day of this daily repeat.
    occurrence = models.DateField()
    # "before" only: how many working days before the due date (FAZHI_REMINDER_WINDOWS).
    window = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the deadline was met or waived before this reminder went out.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Email(models.TextChoices):
        NONE = "", _("no e-mail")
        PENDING = "pending", _("to send")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        REFUSED = "refused", _("refused by the mail server")

    # The e-mail is sent after the reminder's commit, marked "sending" first (mark, then send):
    # a dropped database connection after the send cannot roll the send's mark back with the
    # reminder and have it sent again. A "sending" claim older than the claim timeout belongs
    # to a sender that died before it finished, and is retried.
    email_status = models.CharField(
        max_length=10, choices=Email.choices, default=Email.NONE, blank=True
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "kind", "recipient", "occurrence"],
                name="clocks_one_reminder_per_occasion",
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True, cancelled_at__isnull=True),
                name="clocks_reminder_pending",
            ),
            models.Index(
                fields=["email_claimed_at"],
                condition=Q(email_status__in=["pending", "sending"]),
                name="clocks_reminder_email_owed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurrence:%Y-%m-%d} → {self.recipient_id} ({self.deadline_id})"


class Notification(models.Model):
    """An in-app message; the bell in the toolbar counts the unread ones."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # One notification per reminder, enforced by the database as a last line of defence.
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="clocks_notification_list"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="clocks_notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CalendarNoticeReminder(models.Model):
    """One daily reminder to one administrator that clocks wait for a year's holiday notice.

    Unique per (year, recipient, day), inserted in the transaction that creates its
    notification: a second sweep on the same day finds the row and sends nothing.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    occurrence = models.DateField()
    waiting = models.PositiveIntegerField(_("clocks waiting"))
    created_at = models.DateTimeField(default=timezone.now)
    notification = models.OneToOneField(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("holiday notice reminder")
        verbose_name_plural = _("holiday notice reminders")
        ordering = ["-occurrence", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "recipient", "occurrence"],
                name="clocks_one_notice_reminder_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurrence:%Y-%m-%d} {self.year} → {self.recipient_id}"

"""Organisations and people: the units of a county government and the staff who work in them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import ROLES, unit_permission_codename


class Unit(models.Model):
    """A government, a department or a township: a body that drafts, reviews or issues."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        DEPARTMENT = "department", _("Department")
        TOWNSHIP = "township", _("Township")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    # The issuer code of its document numbers, e.g. 恰政 for the county government (恰政发〔2022〕16号).
    issuer_code = models.CharField(_("issuer code"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The offices of a government (design.md "Offices and people"): the review office
    # (负责合法性审查的部门: the 司法局 for a county government, 《重大行政决策程序暂行条例》第二十五条)
    # and the government office (政府办: the meeting secretariat, numbering and publishing).
    review_office = models.ForeignKey(
        "self",
        verbose_name=_("review office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    general_office = models.ForeignKey(
        "self",
        verbose_name=_("government office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["kind", "name"]
        permissions = [
            (unit_permission_codename(role), f"Act as {role} for this unit") for role in ROLES
        ]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """What the system needs to know about a member of staff beyond the login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people"
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.unit})"


class Heartbeat(models.Model):
    """Last time a background process proved it was alive (beat → worker round trip).

    The health endpoint reports it, so an operator sees at once when beat or the worker died.
    """

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {timezone.localtime(self.seen_at):%Y-%m-%d %H:%M:%S}"


class TaskOffer(models.Model):
    """A human task offered to whoever holds ``role`` for ``unit``.

    Our inbox reads this table instead of viewflow's ``Task.objects.user_queue``, which loads
    every guardian grant of a user into Python (design.md). One row per (role, unit) a task is
    offered to, written when the task is created: most tasks have one, some several (the risk
    assessment: the lead unit's drafters or a third-party risk assessor, 第二十二条). The query
    joins them with the user's unit grants in SQL.
    """

    # No index of its own: the unique (task, role, unit) constraint's index starts with it.
    task = models.ForeignKey(
        "viewflow.Task", on_delete=models.CASCADE, related_name="offers", db_index=False
    )
    role = models.CharField(max_length=50)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="task_offers")

    class Meta:
        indexes = [models.Index(fields=["role", "unit"])]
        constraints = [
            models.UniqueConstraint(fields=["task", "role", "unit"], name="task_offered_once")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.role}@{self.unit_id}"


class UndatedTask(models.Model):
    """An open task at a step that meets a clock whose clock gives it no due date: waived or
    met, awaiting a holiday notice (domain.md §4), or not opened yet (issue 22).

    The grouped inbox lists such tasks oldest first. Proving that a task has no running dated
    clock needs its clock read, and a legal advisor is offered ~12,500 reviews at 100,000
    decisions: the set is kept here instead, recomputed from the one definition of a task's due
    date (``workflows.inbox.task_clocks._task_clock``) wherever it can change
    (``workflows.inbox.undated``). ``created`` is the task's, copied for the order.
    """

    task = models.OneToOneField(
        "viewflow.Task", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    created = models.DateTimeField()

    class Meta:
        verbose_name = _("task without a due date")
        verbose_name_plural = _("tasks without a due date")
        indexes = [models.Index(fields=["created", "task"])]

    def __str__(self) -> str:
        return str(self.task_id)

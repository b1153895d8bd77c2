"""Where clocks run and which days count: jurisdictions, their regional holidays and local
rule lengths, and the State Council's holiday notices entered by hand."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import rules


class PeriodUnit(models.TextChoices):
    WORKING = rules.WORKING, _("working days")
    CALENDAR = rules.CALENDAR, _("calendar days")


# The seed county; migration 0002 creates it as the default jurisdiction.
DEFAULT_JURISDICTION_NAME = "新疆维吾尔自治区克孜勒苏柯尔克孜自治州乌恰县"


class Jurisdiction(models.Model):
    """Where a clock runs: its regional holidays and its local deadline rules."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    is_default = models.BooleanField(_("default"), default=False)
    # Changed on every overlay or national notice change so that every process rebuilds its
    # cached calendar (workflows.clocks.selectors.calendar_for) without a cache server.
    calendar_version = models.PositiveIntegerField(default=0, editable=False)
    # Xinjiang's 肉孜节 and 古尔邦节 (domain.md §4): administrators confirm them year by year
    # and are warned while a year is unconfirmed (workflows.clocks.regional_selectors).
    has_regional_holidays = models.BooleanField(
        _("has regional holidays (肉孜节, 古尔邦节)"),
        default=False,
        help_text=_(
            "Tick for a jurisdiction in Xinjiang: each year's regional holidays must then be "
            "confirmed from the autonomous region's notice."
        ),
    )

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="clocks_one_default_jurisdiction",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CalendarOverlay(models.Model):
    """A regional holiday (肉孜节, 古尔邦节) or a correction of one date (domain.md §4)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("holiday (no work)")
        WORKING_DAY = "working_day", _("working day")

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.CASCADE,
        related_name="calendar_overlays",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Eid al-Fitr (肉孜节)"))
    note = models.TextField(
        _("note"), blank=True, help_text=_("The notice that announced it, e.g. its number.")
    )

    class Meta:
        verbose_name = _("calendar overlay day")
        verbose_name_plural = _("calendar overlay days")
        ordering = ["jurisdiction", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "date"], name="clocks_one_overlay_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name} ({self.get_kind_display()})"

    def validate_constraints(self, exclude=None):
        # A row edited inline on its jurisdiction's page has the jurisdiction excluded from
        # validation, which skips "one row per day": a date that already has its row would
        # then reach the database and fail with an IntegrityError instead of a message.
        if exclude and "jurisdiction" in exclude and self.jurisdiction_id is not None:
            exclude = set(exclude) - {"jurisdiction"}
        super().validate_constraints(exclude=exclude)


def _is_package_year(year: int) -> bool:
    from workflows.calendar import package_years

    return year in package_years()


class CalendarYear(models.Model):
    """The State Council's holiday notice for one year, entered by an administrator.

    Used only for years the installed chinesecalendar package does not carry (it ends with the
    year of its release): the package's data are the published schedule and are never
    replaced by hand-entered rows, so a notice for a package year is refused. A wrong date in
    a package year is corrected per jurisdiction with a ``CalendarOverlay`` row instead.
    Until ``is_complete`` is ticked the year stays unknown and clocks reaching it still refuse
    to compute (domain.md §4: no silent guess).
    """

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        help_text=_(
            "A year the installed holiday package does not cover yet (after its last year)."
        ),
    )
    title = models.CharField(
        _("notice title"),
        max_length=300,
        help_text=_("The notice as published, e.g. 国务院办公厅关于2027年部分节假日安排的通知."),
    )
    reference = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("e.g. 国办发明电〔2026〕7号")
    )
    url = models.URLField(_("link"), blank=True, help_text=_("Where the notice is published."))
    published_on = models.DateField(_("published on"))
    is_complete = models.BooleanField(
        _("complete and checked"),
        default=False,
        help_text=_(
            "Tick only when every holiday and every make-up working day (调休) of the notice "
            "has been entered and checked against it. Until then the year stays unknown and "
            "deadlines reaching into it wait without a due date."
        ),
    )
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("national holiday notice")
        verbose_name_plural = _("national holiday notices")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.title}"

    def clean(self) -> None:
        if self.year is not None and _is_package_year(self.year):
            raise ValidationError(
                {
                    "year": _(
                        "The installed holiday package already carries %(year)s; its "
                        "schedule cannot be replaced here. Correct a single date for a "
                        "jurisdiction with a calendar overlay day instead."
                    )
                    % {"year": self.year}
                }
            )


class CalendarYearDay(models.Model):
    """A dated entry of a national notice: a public holiday or a make-up working day (调休).

    Ordinary weekends are not entered: a day is a working day when it is Monday to Friday and
    not a listed holiday, or when it is a listed make-up working day.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("holiday (no work)")
        WORKING_DAY = "working_day", _("make-up working day (调休)")

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=100, help_text=_("The festival it belongs to, e.g. 春节.")
    )

    class Meta:
        verbose_name = _("national holiday notice day")
        verbose_name_plural = _("national holiday notice days")
        ordering = ["date"]
        constraints = [
            # A date has one meaning, whichever notice row lists it.
            models.UniqueConstraint(fields=["date"], name="clocks_one_national_entry_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        errors = {}
        try:
            # Set from the parent form even before the notice itself is saved.
            year = self.calendar_year.year
        except CalendarYear.DoesNotExist:
            year = None
        if self.date and year and self.date.year != year:
            errors["date"] = _("This date is not in %(year)s, the year of the notice.") % {
                "year": year
            }
        elif self.date and self.kind == self.Kind.WORKING_DAY and self.date.weekday() < 5:
            errors["kind"] = _(
                "A make-up working day falls on a Saturday or Sunday; Monday to Friday are "
                "working days already."
            )
        if errors:
            raise ValidationError(errors)


class DeadlineRuleOverride(models.Model):
    """A jurisdiction's own length for a registered rule, with the local rule it comes from."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.CASCADE,
        related_name="rule_overrides",
    )
    rule_key = models.CharField(_("rule"), max_length=100)
    unit = models.CharField(
        pgettext_lazy("period", "unit"), max_length=10, choices=PeriodUnit.choices
    )
    amount = models.PositiveSmallIntegerField(_("amount"), validators=[MinValueValidator(1)])
    legal_source = models.TextField(_("legal source"))

    class Meta:
        verbose_name = _("deadline rule override")
        verbose_name_plural = _("deadline rule overrides")
        ordering = ["jurisdiction", "rule_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "rule_key"], name="clocks_one_override_per_rule"
            ),
            models.CheckConstraint(condition=Q(amount__gte=1), name="clocks_override_amount_1"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_key}: {self.amount} {self.get_unit_display()}"

    def clean(self) -> None:
        try:
            rules.rule_default(self.rule_key)
        except rules.UnknownRule:
            raise ValidationError({"rule_key": _("No deadline rule with this key.")}) from None
        if not self.legal_source.strip():
            raise ValidationError({"legal_source": _("State the rule this length comes from.")})


class RegionalHolidayYear(models.Model):
    """An administrator's confirmation of one year's regional holidays (肉孜节, 古尔邦节).

    The confirmed days themselves are ``CalendarOverlay`` rows, written with this row in one
    transaction (``regional_services.regional_year_confirm``) from the yearly notice of
    新疆维吾尔自治区人民政府办公厅 (domain.md §4). The dates the Umm al-Qura calendar expects
    (``workflows.clocks.regional``) are only offered as a starting point; until this row exists
    administrators are warned that clocks count those days as working days.
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="regional_years",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reference = models.CharField(
        _("regional notice"),
        max_length=300,
        help_text=_(
            "The notice of 新疆维吾尔自治区人民政府办公厅 the days were taken from: its title "
            "and document number."
        ),
    )
    note = models.TextField(_("note"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("regional holiday year")
        verbose_name_plural = _("regional holiday years")
        ordering = ["-year", "jurisdiction"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "year"], name="clocks_one_regional_confirmation_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.reference}"

"""Admin: a county edits its calendar overlay and its rule lengths; an administrator enters the
State Council's holiday notice for a year the holiday package does not carry yet; deadlines,
reminders and notifications are evidence and are shown read-only."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from workflows.calendar import FIRST_YEAR, LAST_YEAR, PACKAGE_YEARS

from . import rules
from .models import (
    CalendarOverlay,
    CalendarYear,
    CalendarYearDay,
    Deadline,
    DeadlineRuleOverride,
    Jurisdiction,
    Notification,
    Reminder,
)


class CalendarOverlayInline(admin.TabularInline):
    model = CalendarOverlay
    extra = 0
    fields = ["date", "kind", "name", "note"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default"]
    search_fields = ["name"]
    inlines = [CalendarOverlayInline]


@admin.register(CalendarOverlay)
class CalendarOverlayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "jurisdiction"]
    list_filter = ["jurisdiction", "kind"]
    date_hierarchy = "date"
    search_fields = ["name", "note"]


class CalendarYearDayFormSet(forms.BaseInlineFormSet):
    """Every date belongs to the notice's year; a complete notice lists at least one holiday."""

    def clean(self) -> None:
        super().clean()
        year = self.instance.year
        holidays = 0
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            day = data.get("date")
            # The model's own clean usually said so already; say it once.
            if day and year and day.year != year and not form.has_error("date"):
                form.add_error(
                    "date",
                    _("This date is not in %(year)s, the year of the notice.") % {"year": year},
                )
            if data.get("kind") == CalendarYearDay.Kind.HOLIDAY:
                holidays += 1
        if self.instance.is_complete and not holidays:
            raise ValidationError(
                _(
                    "A notice marked complete lists its holidays: enter every holiday and "
                    "make-up working day of the notice before ticking “complete and checked”."
                )
            )


class CalendarYearDayInline(admin.TabularInline):
    model = CalendarYearDay
    formset = CalendarYearDayFormSet
    extra = 3
    fields = ["date", "kind", "name"]
    verbose_name = _("holiday or make-up working day")
    verbose_name_plural = _(
        "Holidays and make-up working days (ordinary weekends are not entered: Monday to "
        "Friday is a working day unless listed as a holiday; a Saturday or Sunday is one only "
        "when listed as a make-up working day)"
    )


class CalendarYearForm(forms.ModelForm):
    # A notice on gov.cn is served over https: an address typed without a scheme gets it.
    url = CalendarYear._meta.get_field("url").formfield(assume_scheme="https")

    class Meta:
        model = CalendarYear
        fields = ["year", "title", "reference", "url", "published_on", "is_complete", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].help_text = _(
            "The installed holiday package carries %(first)s–%(last)s; enter a notice only for "
            "a later year, once the State Council has published it. Deadlines reaching into a "
            "year that is neither carried nor entered (and complete) cannot be computed."
        ) % {"first": FIRST_YEAR, "last": LAST_YEAR}


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearForm
    inlines = [CalendarYearDayInline]
    list_display = ["year", "title", "published_on", "is_complete", "in_use", "entered_by"]
    search_fields = ["title", "reference"]
    readonly_fields = ["entered_by", "entered_at"]

    @admin.display(description=_("in use"), boolean=True)
    def in_use(self, obj: CalendarYear) -> bool:
        # A notice for a year the package now carries (after an upgrade) is kept but not used.
        return obj.is_complete and obj.year not in PACKAGE_YEARS

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        from .services import calendar_year_record

        # The notice as saved, days included, goes to the full-process record in the admin's
        # own transaction: the change and its record commit together.
        calendar_year_record(
            calendar_year=form.instance,
            by=request.user,
            action="calendar.year_changed" if change else "calendar.year_entered",
        )


class DeadlineRuleOverrideForm(forms.ModelForm):
    class Meta:
        model = DeadlineRuleOverride
        fields = ["jurisdiction", "rule_key", "unit", "amount", "legal_source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only rules the installed apps registered can be overridden.
        self.fields["rule_key"] = forms.ChoiceField(
            label=_("rule"),
            choices=[
                (rule.key, f"{rule.key} — {rule.description} ({rule.amount} {rule.unit})")
                for rule in rules.registered_rules()
            ],
        )


@admin.register(DeadlineRuleOverride)
class DeadlineRuleOverrideAdmin(admin.ModelAdmin):
    form = DeadlineRuleOverrideForm
    list_display = ["rule_key", "amount", "unit", "jurisdiction", "legal_source"]
    list_filter = ["jurisdiction", "unit"]
    search_fields = ["rule_key", "legal_source"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["subject_label", "rule_key", "start", "due", "status", "responsible_unit"]
    list_filter = ["status", "rule_key", "jurisdiction"]
    search_fields = ["subject_label", "rule_key", "legal_source"]
    date_hierarchy = "due"
    list_select_related = ["responsible_unit"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["deadline", "kind", "recipient", "occurrence", "sent_at", "failures"]
    list_filter = ["kind"]
    list_select_related = ["deadline", "recipient"]
    raw_id_fields = ["deadline", "recipient"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    list_select_related = ["recipient"]
    search_fields = ["title"]

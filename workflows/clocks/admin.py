"""Admin: a county edits its calendar overlay and its rule lengths; an administrator enters the
State Council's holiday notice for a year the holiday package does not carry yet; deadlines,
reminders and notifications are evidence and are shown read-only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workflows.calendar import FIRST_YEAR, package_last_year, package_years
from workflows.validators import LegalDateField

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
from .notice import HOLIDAY, Notice, NoticeError, parse_notice, weekday_name, year_of_title
from .services import calendar_year_enter, calendar_year_record


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
            "year that is neither carried nor entered (and complete) wait without a due date until "
            "it is."
        ) % {"first": FIRST_YEAR, "last": package_last_year()}


class NoticeImportForm(forms.Form):
    """The State Council's notice pasted as published, and what its text may not carry.

    Valid only when the whole text reads (``workflows.clocks.notice.parse_notice``); the notice
    as read is then ``self.notice``, with title, document number and publication date taken
    from the text where the fields are left empty.
    """

    text = forms.CharField(
        label=_("notice text"),
        widget=forms.Textarea(attrs={"rows": 16, "cols": 110}),
        help_text=_(
            "Paste the notice as published: its title line "
            "(国务院办公厅关于YYYY年部分节假日安排的通知) and its numbered lines, one per "
            "festival. Addressees, preamble, closing and signature may be pasted too; they "
            "are skipped."
        ),
    )
    title = forms.CharField(
        label=_("notice title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to take the title line of the text."),
    )
    reference = forms.CharField(
        label=_("document number"),
        max_length=100,
        required=False,
        help_text=_("e.g. 国办发明电〔2026〕7号; leave empty to take it from the text."),
    )
    published_on = LegalDateField(
        label=_("published on"),
        required=False,
        help_text=_("YYYY-MM-DD; leave empty when the text ends with its signature date."),
    )
    url = forms.URLField(label=_("link"), required=False, assume_scheme="https")

    notice: Notice | None = None

    def clean(self):
        data = super().clean()
        text = data.get("text")
        if not text:
            return data
        title = data.get("title") or ""
        try:
            notice = parse_notice(text, year=year_of_title(title) if title else None)
        except NoticeError as error:
            self.add_error("text", str(error))
            return data
        data["title"] = title or notice.title
        data["reference"] = data.get("reference") or notice.reference
        data["published_on"] = data.get("published_on") or notice.published_on
        if not data["title"]:
            self.add_error("title", _("The text has no title line: give the notice's title."))
        if not data["published_on"] and not self.has_error("published_on"):
            self.add_error(
                "published_on",
                _("The text does not say when the notice was published: give the date."),
            )
        # Said at the preview already; calendar_year_enter checks again when saving.
        try:
            CalendarYear(year=notice.year).clean()
        except ValidationError as error:
            self.add_error("text", error.messages)
        if CalendarYear.objects.filter(year=notice.year).exists():
            self.add_error(
                "text",
                _("A notice for %(year)s is entered already: open it from the list instead.")
                % {"year": notice.year},
            )
        self.notice = notice
        return data


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
        return obj.is_complete and obj.year not in package_years()

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name=name), *super().get_urls()]

    def import_view(self, request):
        """Paste the notice, check the table read from it, then save it as complete.

        Three steps on one page: the form; the preview (the table, the text read-only);
        saving, which reads the text again and enters it through ``calendar_year_enter`` (the
        same checks and record as every other way in). "Change" goes back to the form.
        """
        if not self.has_add_permission(request):
            raise PermissionDenied
        step = "edit"
        if request.method != "POST":
            form = NoticeImportForm()
        elif "_edit" in request.POST:
            form = NoticeImportForm(initial=request.POST.dict())
        else:
            form = NoticeImportForm(request.POST)
            if form.is_valid() and "_confirm" in request.POST:
                saved = self._import_save(request, form)
                if saved is not None:
                    return saved
            elif form.is_valid():
                step = "preview"
        notice = form.notice if step == "preview" else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import from the notice text"),
            "form": form,
            "step": step,
            "notice": notice,
            "rows": _preview_rows(notice),
        }
        return TemplateResponse(request, "admin/clocks/calendaryear/import.html", context)

    def _import_save(self, request, form: NoticeImportForm):
        """Enter the notice read from the text as complete (``calendar_year_enter``): the
        redirect to it, or None with the refusal added to ``form``."""
        data = form.cleaned_data
        try:
            saved = calendar_year_enter(
                year=form.notice.year,
                title=data["title"],
                reference=data["reference"],
                url=data["url"],
                published_on=data["published_on"],
                by=request.user,
                holidays=form.notice.holidays,
                working_days=form.notice.working_days,
                complete=True,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return None
        self.message_user(
            request,
            gettext("The national holiday notice for %(year)s is entered, complete.")
            % {"year": saved.year},
            messages.SUCCESS,
        )
        info = self.opts.app_label, self.opts.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[saved.pk]))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The notice as saved, days included, goes to the full-process record in the admin's
        # own transaction: the change and its record commit together.
        calendar_year_record(
            calendar_year=form.instance,
            by=request.user,
            action="calendar.year_changed" if change else "calendar.year_entered",
        )


def _rule_description(key: str) -> str:
    """A rule by its description in the reader's language, not its key."""
    try:
        return rules.rule_default(key).description or key
    except rules.UnknownRule:
        return key


def _unit_label(unit: str) -> str:
    return {rules.WORKING: _("working days"), rules.CALENDAR: _("calendar days")}.get(unit, unit)


def _preview_rows(notice) -> list[dict]:
    """The table of the preview: each day read from the notice, with its weekday and kind."""
    kinds = dict(CalendarYearDay.Kind.choices)
    return [
        {
            "date": day,
            "weekday": weekday_name(day),
            "kind": kinds[kind],
            "is_holiday": kind == HOLIDAY,
            "festival": festival,
        }
        for day, kind, festival in (notice.entries() if notice else [])
    ]


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
                (rule.key, f"{rule.description} ({rule.amount} {_unit_label(rule.unit)})")
                for rule in rules.registered_rules()
            ],
        )


@admin.register(DeadlineRuleOverride)
class DeadlineRuleOverrideAdmin(admin.ModelAdmin):
    form = DeadlineRuleOverrideForm
    list_display = ["rule", "amount", "unit", "jurisdiction", "legal_source"]
    list_filter = ["jurisdiction", "unit"]

    @admin.display(description=_("Rule"), ordering="rule_key")
    def rule(self, obj):
        return _rule_description(obj.rule_key)

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
    list_display = ["subject_label", "rule", "start", "due", "status", "responsible_unit"]
    list_filter = ["status", "jurisdiction"]
    search_fields = ["subject_label", "rule_key", "legal_source"]
    date_hierarchy = "due"
    list_select_related = ["responsible_unit"]

    @admin.display(description=_("Rule"), ordering="rule_key")
    def rule(self, obj):
        return _rule_description(obj.rule_key)


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


from . import admin_regional  # noqa: E402, F401

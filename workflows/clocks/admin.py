"""Admin: a county edits its calendar overlay and its rule lengths; deadlines, reminders and
notifications are evidence and are shown read-only."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import (
    CalendarOverlay,
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

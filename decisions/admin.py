"""Admin: read-mostly. The procedure is changed only through the services (so that it is
recorded); the admin lets an administrator look, and manage the expert pool. A sealed decision
is never editable (第三十三条)."""

from django.contrib import admin

from . import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = models.Attachment
    extra = 0
    fields = ("original_name", "kind", "file_type", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DraftVersionInline(admin.TabularInline):
    model = models.DraftVersion
    extra = 0
    fields = ("number", "title", "sha256", "created_by", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("title", "lead_unit", "stage", "outcome", "sealed_at", "updated_at")
    list_filter = ("stage", "outcome", "not_disclosable")
    search_fields = ("title", "problem")
    date_hierarchy = "created_at"
    inlines = [DraftVersionInline, AttachmentInline]


@admin.register(models.CatalogueItem)
class CatalogueItemAdmin(ReadOnlyAdmin):
    list_display = ("year", "title", "lead_unit", "status", "published_at")
    list_filter = ("year", "status")
    search_fields = ("title",)


@admin.register(models.LegalityReview)
class LegalityReviewAdmin(ReadOnlyAdmin):
    list_display = ("decision", "submitted_at", "due_on", "status", "outcome", "reviewer")
    list_filter = ("status", "outcome")


class AttendanceInline(admin.TabularInline):
    model = models.Attendance
    extra = 0
    readonly_fields = ("person", "role", "present", "absence_reason")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class StatementInline(admin.TabularInline):
    model = models.Statement
    extra = 0
    readonly_fields = ("order", "speaker", "position", "text", "recorded_at", "recorded_by")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("decision", "kind", "held_at", "status", "head_decision")
    list_filter = ("kind", "status", "head_decision")
    inlines = [AttendanceInline, StatementInline]


class SessionAttendanceInline(admin.TabularInline):
    model = models.SessionAttendance
    extra = 0
    readonly_fields = ("person", "role", "unit", "present", "absence_reason")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AgendaItemInline(admin.TabularInline):
    model = models.AgendaItem
    extra = 0
    fields = ("order", "kind", "title", "lead_unit", "decision", "check_outcome", "checked_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "year", "number", "kind", "held_at", "status")
    list_filter = ("kind", "year", "status")
    inlines = [SessionAttendanceInline, AgendaItemInline]


@admin.register(models.AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "lead_unit", "session", "order", "check_outcome")
    list_filter = ("kind", "check_outcome")
    search_fields = ("title",)


for model in (
    models.Hearing,
    models.ExpertOpinion,
    models.RiskAssessment,
    models.PartyReport,
    models.Publication,
    models.ExecutionReport,
    models.PostEvaluation,
    models.Adjustment,
):
    admin.site.register(model, ReadOnlyAdmin)


class ExpertInterestInline(admin.TabularInline):
    model = models.ExpertInterest
    extra = 0
    fields = ("description", "unit", "decision", "declared_at")
    readonly_fields = ("declared_at",)
    can_delete = False  # a declared interest stays on record


@admin.register(models.ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    """The expert pool is maintained here by the administrators."""

    list_display = ("__str__", "organisation", "active", "registered_at")
    list_filter = ("active",)
    search_fields = ("user__username", "user__first_name", "organisation")
    autocomplete_fields = ("user",)
    inlines = [ExpertInterestInline]

    def has_delete_permission(self, request, obj=None):
        return False

"""Exports and holds are looked at here, never edited: every change goes through the services,
so that it is recorded."""

from django.contrib import admin

from .models import ArchiveExport, LegalHold


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArchiveExport)
class ArchiveExportAdmin(_ReadOnly):
    list_display = ("subject_label", "kind", "requested_by", "requested_at", "status", "progress")
    list_filter = ("status", "kind", "retention_code")
    search_fields = ("subject_label", "package_sha256")


@admin.register(LegalHold)
class LegalHoldAdmin(_ReadOnly):
    list_display = ("subject_label", "placed_by", "placed_at", "released_at")
    list_filter = ("released_at",)

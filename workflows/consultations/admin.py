from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Comment, Consultation, Disposition


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "opens_at", "closes_at", "status"]
    list_filter = ["status"]

    # Read-only: every change goes through the services so that it is recorded.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["number", "consultation", "submitted_at", "hidden"]

    @admin.display(description=_("No."), ordering="pk")
    def number(self, obj):
        return obj.pk

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Disposition)
class DispositionAdmin(admin.ModelAdmin):
    list_display = ["comment", "outcome", "decided_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

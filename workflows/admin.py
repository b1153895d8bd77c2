from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import Heartbeat, Profile, Unit


@admin.register(Unit)
class UnitAdmin(GuardedModelAdmin):
    list_display = ["name", "short_name", "issuer_code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "issuer_code"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "job_title"]
    list_filter = ["unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    list_select_related = ["user", "unit"]


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]

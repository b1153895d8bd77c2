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


# viewflow's admin edits the engine's process and task rows as plain data: a change there
# bypasses the process lock, the offer check and the full-process record (workflows.tasking).
# Processes and tasks are read on the flows' own pages and changed only through their steps.
def _unregister_engine_rows():
    # viewflow's admin module registers them when imported; import it first, whichever app's
    # admin the autodiscovery reads first (it imports a module once).
    import viewflow.workflow.admin  # noqa: F401
    from viewflow.workflow.models import Process, Task

    for model in (Process, Task):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_engine_rows()

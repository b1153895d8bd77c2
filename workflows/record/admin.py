from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .labels import action_label
from .models import Checkpoint, Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the record is changed by nobody, not even a superuser in the admin."""

    list_display = ["seq", "at", "actor_name", "action_name", "content_type", "object_id"]
    list_filter = ["actor_kind", "content_type"]
    search_fields = ["action", "object_id", "actor_label"]
    list_select_related = ["content_type"]
    ordering = ["-seq"]
    show_full_result_count = False  # no second COUNT(*) over a million events per page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Actor"), ordering="actor_label")
    def actor_name(self, event):
        """A person by the name recorded; the system and the public by their kind."""
        if event.actor_kind == Event.ActorKind.PERSON:
            return event.actor_label
        return event.get_actor_kind_display()

    @admin.display(description=_("Action"), ordering="action")
    def action_name(self, event):
        """The action by its label (workflows.record.labels); its code stays searchable."""
        return action_label(event.action)


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    """Read-only, like the events it signs."""

    list_display = ["serial", "seq", "at", "key_fingerprint"]
    ordering = ["-serial"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

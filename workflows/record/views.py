import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views import generic

from .access import can_view_subject_record, subject_load
from .selectors import SubjectKey, content_type_by_label, events_for
from .verify import events_check, record_verify


class SubjectTimelineView(LoginRequiredMixin, generic.ListView):
    """Every recorded event of one subject, each with its hash and whether it verifies.

    A subject the user may not read is indistinguishable from one that does not exist (404).
    """

    template_name = "record/timeline.html"
    context_object_name = "events"
    paginate_by = 100

    def get(self, request, *args, **kwargs):
        try:
            content_type = content_type_by_label(kwargs["subject_type"])
        except ValueError as error:
            raise Http404 from error
        self.key = SubjectKey(content_type, kwargs["object_id"])
        self.subject = subject_load(self.key)
        if not can_view_subject_record(user=request.user, key=self.key, subject=self.subject):
            raise Http404
        if self.subject is None and not events_for(self.key).exists():
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return events_for(self.key)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(context["events"])
        checks = events_check(events)
        context.update(
            subject=self.subject,
            subject_key=self.key,
            subject_verification=record_verify(subject=self.key),
            rows=[
                {
                    "event": event,
                    "check": checks[event.seq],
                    "payload": json.dumps(
                        event.payload, indent=2, ensure_ascii=False, sort_keys=True
                    ),
                }
                for event in events
            ],
        )
        return context

import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.utils.functional import cached_property
from django.views import generic

from . import signing
from .access import can_view_subject_record, is_record_reader, subject_load
from .labels import Resolver, action_label, payload_fields, payloads_prefetch
from .models import Checkpoint
from .selectors import SubjectKey, content_type_by_label, events_for
from .verify import events_check, record_verify


class _CountedPaginator(Paginator):
    """A paginator told how many items there are (the subject's verification counted them)."""

    def __init__(self, *args, known_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self._known_count = known_count

    @cached_property
    def count(self) -> int:
        return self._known_count


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
        # Walks every event of the subject: how many there are comes with it (no COUNT).
        self.verification = record_verify(subject=self.key)
        if self.subject is None and not self.verification.checked:
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return events_for(self.key)

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kw):
        return _CountedPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            known_count=self.verification.checked,
            **kw,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(context["events"])
        checks = events_check(events)
        resolver = Resolver()
        # The names the payloads give by id (units, people, sessions…): one query per model.
        payloads_prefetch((event.payload for event in events), resolver)
        model = self.key.content_type.model_class()
        context.update(
            subject_kind=model._meta.verbose_name if model else self.key.label,
            subject=self.subject,
            subject_key=self.key,
            subject_verification=self.verification,
            may_download_checkpoints=is_record_reader(self.request.user),
            rows=[
                {
                    "event": event,
                    "check": checks[event.seq],
                    # The action and its payload as a reader reads them (workflows.record.labels);
                    # the codes stay in data attributes and in the API.
                    "action_label": action_label(event.action),
                    "fields": payload_fields(event.payload, resolver),
                }
                for event in events
            ],
        )
        return context


class CheckpointsDownloadView(LoginRequiredMixin, generic.View):
    """Every signed checkpoint of the record as JSON, for archivists to keep outside this
    system (``?after=N``: only those numbered above N). A copy kept elsewhere is what shows a
    checkpoint later deleted from the end, which the database alone cannot.

    Anyone who does not read every record gets 404, as on the archive's pages.
    """

    def get(self, request):
        if not is_record_reader(request.user):
            raise Http404
        try:
            after = int(request.GET.get("after", "0"))
        except ValueError as error:
            raise Http404 from error
        public_key = signing.configured_public_key_text()
        document = {
            "public_key": public_key,
            "key_fingerprint": signing.fingerprint(public_key),
            "checkpoints": [
                c.as_dict() for c in Checkpoint.objects.filter(serial__gt=after).order_by("serial")
            ],
        }
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n",
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="record-checkpoints.json"'
        return response

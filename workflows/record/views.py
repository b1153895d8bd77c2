import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.utils.functional import cached_property
from django.views import generic

from . import signing
from .access import can_view_subject_record, is_record_reader, subject_load
from .labels import Resolver, action_label, fields_html, payload_fields, payloads_prefetch
from .models import Checkpoint
from .selectors import SubjectKey, content_type_by_label
from .timeline_html import timeline_rows_html
from .verify import SubjectPage, subject_page_verify


class _WalkedPaginator(Paginator):
    """The subject's pages, counted by its verification, whose walk kept the page asked for
    (``subject_page_verify``): no COUNT, and the page is not read again."""

    def __init__(self, walked: SubjectPage, per_page: int, **kwargs):
        super().__init__(walked.events, per_page, **kwargs)
        self._walked = walked

    @cached_property
    def count(self) -> int:
        return self._walked.verification.checked

    def page(self, number):
        """``Paginator.page``, its slice taken from the events the walk kept."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        first = self._walked.first
        return self._get_page(self.object_list[bottom - first : top - first], number, self)


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
        # Walks every event of the subject: how many there are comes with it (no COUNT), and
        # the page's events with their checks (no second read).
        self.walked = subject_page_verify(self.key, keep=self._page_positions())
        self.verification = self.walked.verification
        if self.subject is None and not self.verification.checked:
            raise Http404
        return super().get(request, *args, **kwargs)

    def _page_positions(self) -> slice:
        """The positions among the subject's events of the page asked for, read as
        ``paginate_queryset`` reads the page: a number from 1 or "last" (anything else is a
        404 there, and keeps nothing here)."""
        page = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1
        if page == "last":
            return slice(-self.paginate_by, None)
        try:
            number = int(page)
        except ValueError:
            return slice(0, 0)
        if number < 1:
            return slice(0, 0)
        return slice((number - 1) * self.paginate_by, number * self.paginate_by)

    def get_queryset(self):
        return self.walked.events

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kw):
        return _WalkedPaginator(
            self.walked,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            **kw,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(context["events"])
        checks = self.walked.checks
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
                    "details": fields_html(payload_fields(event.payload, resolver)),
                }
                for event in events
            ],
        )
        context["rows_html"] = timeline_rows_html(context["rows"])
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

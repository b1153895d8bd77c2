from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views import generic
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from .clocks.selectors import calendar_for, calendars_all
from .errors import StaleState
from .health import health_report
from .inbox import (
    DueLight,
    InboxFilter,
    InboxItem,
    done_tasks,
    due_light,
    ended_tasks,
    inbox_for_user,
    process_choices,
    role_grants_for,
    unit_tasks,
)
from .inbox import groups as inbox_groups
from .inbox.groups import DATED, OVERDUE, UNDATED, inbox_grouped, queue_head, queue_is_large
from .inbox.reads import _task_url
from .inbox.table import inbox_table_html
from .inbox.urging import may_urge, task_urge
from .models import Unit
from .paging import CappedPaginator

# The tabs of an OA inbox: 待办 (waiting for me), 已办 (I did my part, the process runs on),
# 办结 (processes I took part in that have ended), 本单位 (a unit head's open tasks of the unit).
TODO, DONE, ENDED, UNIT = "todo", "done", "ended", "unit"
TAB_NAMES = {
    TODO: pgettext_lazy("inbox tab", "To do"),
    DONE: pgettext_lazy("inbox tab", "Done"),
    ENDED: pgettext_lazy("inbox tab", "Concluded"),
    UNIT: pgettext_lazy("inbox tab", "My unit"),
}


# The grouped view of a large to-do list (``workflows.inbox.groups``), by due date.
GROUP_NAMES = {
    OVERDUE: _("Overdue"),
    DATED: _("With a due date, soonest first"),
    UNDATED: _("Without a due date, waiting longest first"),
}
LIST, GROUPED = "list", "grouped"


@dataclass(frozen=True)
class InboxRow:
    """One row of the inbox page: the item, its light, and whether the reader may urge it."""

    item: InboxItem
    light: DueLight | None
    urgeable: bool = False


class InboxView(LoginRequiredMixin, generic.ListView):
    """Everything waiting for the signed-in person, across both processes: viewflow tasks and
    the items of every registered inbox source, earliest due first (待办); what they did
    (已办, 办结); for a unit head, the unit's open tasks to urge (本单位). Narrowed by process
    and unit from the query string. A to-do list of more than ``groups.LARGE_QUEUE`` tasks
    opens grouped by due date (``workflows.inbox.groups``), the full list one click away
    (``?view=list``)."""

    template_name = "workflows/inbox.html"
    context_object_name = "items"
    paginate_by = 50
    # The inbox counts at most COUNT_CAP items (a meeting secretary is offered thousands).
    paginator_class = CappedPaginator

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.grants = role_grants_for(user=request.user)
        self.heads = frozenset(self.grants.unit_ids("unit_head"))
        tabs = [TODO, DONE, ENDED] + ([UNIT] if self.heads else [])
        tab = request.GET.get("tab", TODO)
        self.tabs = tabs
        self.tab = tab if tab in tabs else TODO
        self.processes = process_choices()
        process = request.GET.get("process", "")
        units = set(self.grants.unit_ids(*self.grants.units))
        try:
            unit = int(request.GET.get("unit", ""))
        except ValueError:
            unit = None
        self.units = units
        self.filter = InboxFilter(
            process=process if process in dict(self.processes) else "",
            unit=unit if unit in units else None,
        )
        # A large to-do list opens grouped by due date (issue 22: a secretary is offered
        # thousands of meeting tasks); ``view=list`` asks for the full list, as does any
        # filter or page number.
        self.view, self.head = LIST, None
        if (
            self.tab == TODO
            and not self.filter
            and request.GET.get("view") != LIST
            and "page" not in request.GET
            and request.user.is_authenticated
        ):
            self.head = queue_head(user=request.user, grants=self.grants)
            if queue_is_large(user=request.user, grants=self.grants, head=self.head):
                self.view = GROUPED

    def get_queryset(self):
        user, flt = self.request.user, self.filter
        if self.view == GROUPED:
            return []  # the groups are read in get_context_data
        if self.tab == DONE:
            return done_tasks(user=user, grants=self.grants, flt=flt)
        if self.tab == ENDED:
            return ended_tasks(user=user, grants=self.grants, flt=flt)
        if self.tab == UNIT:
            return unit_tasks(user=user, grants=self.grants, flt=flt)
        return inbox_for_user(user=user, prefetch=self.paginate_by, flt=flt, grants=self.grants)

    def _query(self, **changes) -> str:
        values = {
            "tab": self.tab,
            "process": self.filter.process,
            "unit": self.filter.unit,
            "view": LIST if self.view == LIST and "view" in self.request.GET else "",
        }
        values.update(changes)
        if values["tab"] == TODO:  # the default: the plain address
            del values["tab"]
        return urlencode({key: value for key, value in values.items() if value})

    def _rows(self, items) -> list[InboxRow]:
        today = timezone.localdate()
        calendars, default = {}, None
        if self.tab in (TODO, UNIT) and any(i.due or i.awaiting for i in items):
            calendars = dict(calendars_all())
            default = calendar_for()
        return [
            InboxRow(
                item=item,
                light=due_light(item, today=today, calendars=calendars, default_calendar=default)
                if self.tab in (TODO, UNIT)
                else None,
                urgeable=item.task_id is not None
                and self.tab == UNIT
                and bool(self.heads.intersection(item.unit_ids)),
            )
            for item in items
        ]

    def _table(self, rows: list[InboxRow]):
        """The rows' table (``workflows.inbox.table``); the urge forms carry the CSRF token."""
        token = get_token(self.request) if any(row.urgeable for row in rows) else ""
        return inbox_table_html(
            rows,
            tab=self.tab,
            today=timezone.localdate(),
            here=self.request.get_full_path(),
            csrf_token=token,
        )

    def _groups(self) -> list[dict]:
        groups = inbox_grouped(
            user=self.request.user,
            grants=self.grants,
            today=timezone.localdate(),
            head=self.head,
        )
        rows = self._rows([item for group in groups for item in group.items])
        found, at = [], 0
        for group in groups:
            group_rows = rows[at : at + len(group.items)]
            found.append(
                {
                    "key": group.key,
                    "name": GROUP_NAMES[group.key],
                    "rows": group_rows,
                    "table": self._table(group_rows),
                    "total": group.total,
                    "more": group.more,
                }
            )
            at += len(group.items)
        return found

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # (id, name) pairs for the unit filter: the options need nothing else of a unit.
        units = (
            Unit.objects.filter(pk__in=self.units).order_by("name").values_list("pk", "name")
            if self.units
            else []
        )
        groups = self._groups() if self.view == GROUPED else []
        rows = self._rows(context["object_list"])
        context.update(
            view=self.view,
            groups=groups,
            large=inbox_groups.LARGE_QUEUE,
            list_url="?" + self._query(view=LIST),
            today=timezone.localdate(),
            rows=rows,
            table=self._table(rows) if rows else "",
            tab=self.tab,
            tabs=[(key, TAB_NAMES[key], "?" + self._query(tab=key)) for key in self.tabs],
            processes=self.processes,
            units=units,
            filter=self.filter,
            query_string=self._query(),
            here=self.request.get_full_path(),
        )
        return context


@require_POST
@login_required
def task_urge_view(request, task_pk: int):
    """催办 (``workflows.inbox.urging``): POST only, by a head of the task's unit; anyone else
    is refused (403)."""
    task = get_object_or_404(Task.objects.select_related("process"), pk=task_pk)
    if not may_urge(user=request.user, task=task):
        raise PermissionDenied
    try:
        told = task_urge(task=task, by=request.user, url=_task_url(task))
    except StaleState as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "Urged: %(count)d person notified.", "Urged: %(count)d people notified.", len(told)
            )
            % {"count": len(told)},
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("workbench:inbox:index") + "?tab=" + UNIT
    return redirect(back)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the database may be what failed.
    return render(request, "500.html", status=500)


@never_cache
def health(request):
    """Every dependency, checked now (``workflows.health``): 200 when all are up, 503 naming
    those that are down. No login; no secrets in it."""
    up, report = health_report()
    response = JsonResponse(report, status=200 if up else 503)
    # A 503 here is the report, not a server error: workflows.health logs each dependency
    # going down once, where django.request would log every probe of the outage.
    response._has_been_logged = True
    return response


@never_cache
def live(request):
    """Liveness for load balancers and container health checks: this process serves requests.
    Unlike ``health``, it stays 200 while Redis, beat or the workers are down, so the portal
    is not taken out of service for what it can do without."""
    return JsonResponse({"status": "ok"})


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")

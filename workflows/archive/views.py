"""The archivist's pages: exportable subjects, exports with their progress, downloads.

Anyone who may not archive gets 404 for every page here, as if it did not exist.
"""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import generic
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import ArchiveExport
from .tasks import archive_export


class ArchivistRequired(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.may_archive(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ArchiveIndexView(ArchivistRequired, generic.TemplateView):
    template_name = "archive/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            groups=selectors.exportable_subjects(),
            exports=selectors.exports_recent(),
            holds=selectors.holds_active(),
            **kwargs,
        )


class ExportCreateView(ArchivistRequired, generic.View):
    """POST kind and object_id: queue the export and show its progress."""

    def post(self, request):
        try:
            export = services.archive_export_request(
                kind=request.POST.get("kind", ""),
                object_id=request.POST.get("object_id", ""),
                by=request.user,
            )
        except services.ArchiveRefusal as refusal:
            messages.error(request, str(refusal))
            return redirect("archive:index")
        # The worker must see the committed row: queue only once it is.
        transaction.on_commit(lambda: archive_export.delay(export.pk))
        return redirect("archive:export", pk=export.pk)


class ExportDetailView(ArchivistRequired, generic.TemplateView):
    template_name = "archive/export.html"

    def get_context_data(self, **kwargs):
        export = selectors.export_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        running = export.status in (ArchiveExport.Status.QUEUED, ArchiveExport.Status.RUNNING)
        return super().get_context_data(export=export, running=running, **kwargs)


def export_status(request, pk: int):
    """The export's progress as JSON (for scripts and the tests)."""
    export = selectors.export_get_for_user(user=request.user, pk=pk)
    return JsonResponse(
        {
            "id": export.pk,
            "status": export.status,
            "progress": export.progress,
            "step": export.progress_note,
            "check_passed": export.check_passed,
            "package_sha256": export.package_sha256,
            "download": reverse("archive:download", args=[export.pk])
            if export.status == ArchiveExport.Status.DONE
            else None,
        }
    )


def export_download(request, pk: int):
    export = selectors.export_get_for_user(user=request.user, pk=pk)
    path = Path(export.package_path) if export.package_path else None
    if export.status != ArchiveExport.Status.DONE or path is None or not path.is_file():
        raise Http404
    services.archive_export_downloaded(export=export, by=request.user)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


export_create = require_POST(ExportCreateView.as_view())

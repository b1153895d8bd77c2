"""The annual report page: the figures, drawn with Chart.js (served from this installation's
static files, workflows/static/vendor/chartjs), and the downloads of the year shown."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views import generic

from workflows.permissions import has_role
from workflows.record.access import is_record_reader
from workflows.reports import annual_report, report_docx, report_json, report_markdown

REPORT_ROLES = ("legal_advisor", "principal")
DOWNLOADS = {
    "json": ("application/json; charset=utf-8", report_json),
    "md": ("text/markdown; charset=utf-8", lambda r: report_markdown(r).encode("utf-8")),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        report_docx,
    ),
}


def may_read_reports(user) -> bool:
    """Archivists and administrators, the justice bureau's legal advisors, the head."""
    return is_record_reader(user) or any(has_role(user=user, role=r) for r in REPORT_ROLES)


def _chart_data(chart: dict) -> dict:
    """A chart as Chart.js wants it: labels and one dataset per series."""
    labels = [str(bar["label"]) for bar in chart["bars"]]
    series = chart.get("series") or [
        {"label": chart["title"], "values": [bar["value"] for bar in chart["bars"]]}
    ]
    return {
        "title": str(chart["title"]),
        "labels": labels,
        "datasets": [{"label": str(s["label"]), "data": s["values"]} for s in series],
    }


class AnnualReportView(LoginRequiredMixin, generic.TemplateView):
    template_name = "workflows/annual_report.html"

    def get(self, request, *args, **kwargs):
        if not may_read_reports(request.user):
            raise Http404
        year = kwargs.get("year") or int(request.GET.get("year") or timezone.localdate().year - 1)
        if not 1949 < year < 2200:
            raise Http404
        self.report = annual_report(year)
        fmt = request.GET.get("format")
        if fmt:
            if fmt not in DOWNLOADS:
                raise Http404
            content_type, render = DOWNLOADS[fmt]
            response = HttpResponse(render(self.report), content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="annual-report-{year}.{fmt}"'
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        year = self.report["year"]
        sections = [
            {
                "name": name,
                "title": section["title"],
                "figures": [f for f in self.report["figures"] if f["name"].startswith(f"{name}.")],
            }
            for name, section in self.report["sections"].items()
        ]
        charts = [
            {"id": f"chart-{name}-{i}", **_chart_data(chart)}
            for name, section in self.report["sections"].items()
            for i, chart in enumerate(section["charts"])
        ]
        return super().get_context_data(
            report=self.report,
            sections=sections,
            charts=charts,
            year=year,
            years=range(year - 3, year + 2),
        )

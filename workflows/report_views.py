"""The annual report page: the figures, drawn with Chart.js (served from this installation's
static files, workflows/static/vendor/chartjs), and the downloads of the year shown."""

import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
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

DOWNLOAD_LABELS = {"docx": ".docx", "md": _("Markdown text"), "json": "JSON"}

# Each figure by name, as the page names it (issue 18: the codes stay in data attributes, the
# JSON and the Markdown). The context is the figure's section: a decision's legality review and
# a normative document's share English names but not Chinese ones (审查 / 审核).
FIGURE_LABELS = {
    "decisions.started": pgettext_lazy("decisions", "Decisions started"),
    "decisions.by_stage.drafting": pgettext_lazy("decisions", "Started, now at drafting"),
    "decisions.by_stage.consultation": pgettext_lazy("decisions", "Started, now at public comment"),
    "decisions.by_stage.disposition": pgettext_lazy(
        "decisions", "Started, now at disposing of comments"
    ),
    "decisions.by_stage.assessment": pgettext_lazy(
        "decisions", "Started, now at argumentation and assessment"
    ),
    "decisions.by_stage.legality_review": pgettext_lazy(
        "decisions", "Started, now at legality review"
    ),
    "decisions.by_stage.package": pgettext_lazy("decisions", "Started, now at package check"),
    "decisions.by_stage.meeting": pgettext_lazy("decisions", "Started, now at the meeting"),
    "decisions.by_stage.amending": pgettext_lazy("decisions", "Started, now being amended"),
    "decisions.by_stage.party_report": pgettext_lazy(
        "decisions", "Started, now reported to the Party committee"
    ),
    "decisions.by_stage.publication": pgettext_lazy("decisions", "Started, now at publication"),
    "decisions.by_stage.archiving": pgettext_lazy("decisions", "Started, now being archived"),
    "decisions.by_stage.archived": pgettext_lazy("decisions", "Started, now archived"),
    "decisions.decided.adopt": pgettext_lazy("decisions", "Adopted"),
    "decisions.decided.adopt_with_amendments": pgettext_lazy(
        "decisions", "Adopted with amendments"
    ),
    "decisions.decided.reject": pgettext_lazy("decisions", "Not adopted"),
    "decisions.deferred": pgettext_lazy("decisions", "Deferred"),
    "decisions.head_spoke_last": pgettext_lazy("decisions", "Head of government spoke last"),
    "decisions.full_procedure": pgettext_lazy("decisions", "Full procedure recorded"),
    "decisions.agenda_items_reviewed": pgettext_lazy(
        "decisions", "Agenda items reviewed for legality"
    ),
    "decisions.sessions.held.executive": pgettext_lazy("decisions", "Executive meetings held"),
    "decisions.sessions.held.plenary": pgettext_lazy("decisions", "Plenary meetings held"),
    "decisions.sessions.items_deliberated.major_decision": pgettext_lazy(
        "decisions", "Major decisions deliberated"
    ),
    "decisions.sessions.items_deliberated.normative_document": pgettext_lazy(
        "decisions", "Normative documents deliberated"
    ),
    "decisions.sessions.items_deliberated.other": pgettext_lazy(
        "decisions", "Other items deliberated"
    ),
    "decisions.sessions.items_deferred": pgettext_lazy("decisions", "Items deferred"),
    "decisions.sessions.items_checked.major_decision": pgettext_lazy(
        "decisions", "Major decisions checked before the meeting"
    ),
    "decisions.sessions.items_checked.normative_document": pgettext_lazy(
        "decisions", "Normative documents checked before the meeting"
    ),
    "decisions.sessions.items_checked.other": pgettext_lazy(
        "decisions", "Other items checked before the meeting"
    ),
    "decisions.sessions.head_spoke_last_on_every_item": pgettext_lazy(
        "decisions", "Meetings where the head spoke last on every item"
    ),
    "decisions.agenda_checks.checked": pgettext_lazy("decisions", "Other agenda items checked"),
    "decisions.agenda_checks.refused": pgettext_lazy("decisions", "Other agenda items refused"),
    "decisions.consultations.held": pgettext_lazy("decisions", "Public comments held"),
    "decisions.consultations.skipped": pgettext_lazy("decisions", "Public comments skipped by law"),
    "decisions.public_comments.received": pgettext_lazy("decisions", "Public comments received"),
    "decisions.public_comments.adopted": pgettext_lazy("decisions", "Comments adopted"),
    "decisions.public_comments.partly_adopted": pgettext_lazy(
        "decisions", "Comments partly adopted"
    ),
    "decisions.public_comments.not_adopted": pgettext_lazy("decisions", "Comments not adopted"),
    "decisions.risk_assessments.submitted": pgettext_lazy("decisions", "Risk assessments"),
    "decisions.risk_assessments.by_dimension.social_stability": pgettext_lazy(
        "decisions", "Assessed for social stability"
    ),
    "decisions.risk_assessments.by_dimension.public_safety": pgettext_lazy(
        "decisions", "Assessed for public safety"
    ),
    "decisions.risk_assessments.by_dimension.ecological_environment": pgettext_lazy(
        "decisions", "Assessed for the ecological environment"
    ),
    "decisions.risk_assessments.by_dimension.economy": pgettext_lazy(
        "decisions", "Assessed for the economy"
    ),
    "decisions.legality_reviews.completed": pgettext_lazy(
        "decisions", "Legality reviews completed"
    ),
    "decisions.legality_reviews.outcomes.lawful": pgettext_lazy("decisions", "Found lawful"),
    "decisions.legality_reviews.outcomes.lawful_with_amendments": pgettext_lazy(
        "decisions", "Lawful after amendments"
    ),
    "decisions.legality_reviews.outcomes.unlawful": pgettext_lazy("decisions", "Found unlawful"),
    "decisions.legality_reviews.working_days.counted": pgettext_lazy(
        "decisions", "Reviews with their working days counted"
    ),
    "decisions.legality_reviews.working_days.min": pgettext_lazy(
        "decisions", "Shortest review (working days)"
    ),
    "decisions.legality_reviews.working_days.max": pgettext_lazy(
        "decisions", "Longest review (working days)"
    ),
    "decisions.legality_reviews.working_days.average": pgettext_lazy(
        "decisions", "Average review (working days)"
    ),
    "decisions.legality_reviews.working_days.not_computable": pgettext_lazy(
        "decisions", "Reviews whose working days are unknown"
    ),
    "decisions.legality_reviews.working_days.not_computable_average_calendar_days": pgettext_lazy(
        "decisions", "Their average (calendar days)"
    ),
    "normdocs.drafting_bodies.confirmed": pgettext_lazy("normdocs", "Drafting bodies confirmed"),
    "normdocs.drafting_bodies.confirmed_this_year": pgettext_lazy(
        "normdocs", "Drafting bodies confirmed this year"
    ),
    "normdocs.drafting_bodies.by_kind.authorised_organisation": pgettext_lazy(
        "normdocs", "Organisations authorised by law"
    ),
    "normdocs.drafting_bodies.by_kind.department": pgettext_lazy("normdocs", "Departments"),
    "normdocs.drafting_bodies.by_kind.government": pgettext_lazy("normdocs", "Governments"),
    "normdocs.drafting_bodies.by_kind.township": pgettext_lazy("normdocs", "Townships"),
    "normdocs.issued.total": pgettext_lazy("normdocs", "Documents issued"),
    "normdocs.issued.government": pgettext_lazy("normdocs", "Issued by the government"),
    "normdocs.issued.government_office": pgettext_lazy(
        "normdocs", "Issued by the government's office"
    ),
    "normdocs.issued.others": pgettext_lazy("normdocs", "Issued by other bodies"),
    "normdocs.filing_review.received": pgettext_lazy("normdocs", "Filings received"),
    "normdocs.filing_review.from_townships": pgettext_lazy("normdocs", "From townships"),
    "normdocs.filing_review.from_departments": pgettext_lazy("normdocs", "From departments"),
    "normdocs.filing_review.from_others": pgettext_lazy("normdocs", "From other bodies"),
    "normdocs.filing_review.reviewed": pgettext_lazy("normdocs", "Filings reviewed"),
    "normdocs.filing_review.accepted": pgettext_lazy("normdocs", "Filings accepted"),
    "normdocs.filing_review.returned": pgettext_lazy("normdocs", "Filings returned for completion"),
    "normdocs.filing_review.under_review": pgettext_lazy("normdocs", "Filings under review"),
    "normdocs.filing_review.correction_requested": pgettext_lazy(
        "normdocs", "Corrections requested"
    ),
    "normdocs.filing_review.corrected": pgettext_lazy("normdocs", "Corrected"),
    "normdocs.filed_outside.submitted": pgettext_lazy(
        "normdocs", "Filings submitted to other bodies"
    ),
    "normdocs.filed_outside.on_time": pgettext_lazy("normdocs", "Submitted on time"),
    "normdocs.filed_outside.received": pgettext_lazy("normdocs", "Received by the filing body"),
    "normdocs.filed_outside.accepted": pgettext_lazy("normdocs", "Accepted by the filing body"),
    "normdocs.filed_outside.returned": pgettext_lazy("normdocs", "Returned by the filing body"),
    "normdocs.filed_outside.awaiting_outcome": pgettext_lazy("normdocs", "Awaiting the outcome"),
    "normdocs.filed_outside.correction_requested": pgettext_lazy(
        "normdocs", "Correction requested by the filing body"
    ),
    "normdocs.filed_outside.revoked_by_filing_body": pgettext_lazy(
        "normdocs", "Revoked by the filing body"
    ),
    "normdocs.filed_outside.changed_by_filing_body": pgettext_lazy(
        "normdocs", "Changed by the filing body"
    ),
    "normdocs.ends.revoked": pgettext_lazy("normdocs", "Revoked"),
    "normdocs.ends.repealed": pgettext_lazy("normdocs", "Repealed"),
    "normdocs.ends.declared_invalid": pgettext_lazy("normdocs", "Declared invalid"),
    "normdocs.ends.expired": pgettext_lazy("normdocs", "Expired"),
    "normdocs.ends.revoked_by_filing_body": pgettext_lazy("normdocs", "Revoked by the filing body"),
    "normdocs.ends.revoked_by_issuer": pgettext_lazy("normdocs", "Revoked by the issuer"),
    "normdocs.ends.amended": pgettext_lazy("normdocs", "Amended"),
    "normdocs.legality_reviews.concluded": pgettext_lazy("normdocs", "Legality reviews concluded"),
    "normdocs.legality_reviews.outcomes.lawful": pgettext_lazy("normdocs", "Found lawful"),
    "normdocs.legality_reviews.outcomes.needs_amendment": pgettext_lazy(
        "normdocs", "Amendments needed"
    ),
    "normdocs.legality_reviews.outcomes.unlawful": pgettext_lazy("normdocs", "Found unlawful"),
    "normdocs.legality_reviews.working_days.counted": pgettext_lazy(
        "normdocs", "Reviews with their working days counted"
    ),
    "normdocs.legality_reviews.working_days.min": pgettext_lazy(
        "normdocs", "Shortest review (working days)"
    ),
    "normdocs.legality_reviews.working_days.max": pgettext_lazy(
        "normdocs", "Longest review (working days)"
    ),
    "normdocs.legality_reviews.working_days.average": pgettext_lazy(
        "normdocs", "Average review (working days)"
    ),
    "normdocs.legality_reviews.working_days.not_computable": pgettext_lazy(
        "normdocs", "Reviews whose working days are unknown"
    ),
    "normdocs.legality_reviews.working_days.not_computable_average_calendar_days": pgettext_lazy(
        "normdocs", "Their average (calendar days)"
    ),
    "normdocs.cleanup.campaigns": pgettext_lazy("normdocs", "Clean-ups concluded"),
    "normdocs.cleanup.special": pgettext_lazy("normdocs", "Special clean-ups"),
    "normdocs.cleanup.regular": pgettext_lazy("normdocs", "Regular clean-ups"),
    "normdocs.cleanup.dynamic": pgettext_lazy("normdocs", "Ongoing clean-ups"),
    "normdocs.cleanup.checked": pgettext_lazy("normdocs", "Documents checked"),
    "normdocs.cleanup.continued": pgettext_lazy("normdocs", "Continued in force"),
    "normdocs.cleanup.amended": pgettext_lazy("normdocs", "To be amended"),
    "normdocs.cleanup.repealed": pgettext_lazy("normdocs", "To be repealed"),
    "normdocs.cleanup.declared_invalid": pgettext_lazy("normdocs", "Declared invalid"),
    "deadlines.total.due": pgettext_lazy("deadlines", "Deadlines due"),
    "deadlines.total.met_on_time": pgettext_lazy("deadlines", "Met on time"),
    "deadlines.total.met_late": pgettext_lazy("deadlines", "Met late"),
    "deadlines.total.overdue": pgettext_lazy("deadlines", "Overdue"),
    "deadlines.total.open": pgettext_lazy("deadlines", "Still running"),
    "deadlines.total.waived": pgettext_lazy("deadlines", "Waived"),
}


def figure_label(name: str) -> str:
    """The reader's name of a figure; a figure added without a label yet shows its code."""
    label = FIGURE_LABELS.get(name)
    return str(label) if label is not None else name


def may_read_reports(user) -> bool:
    """Archivists and administrators, the justice bureau's legal advisors, the head."""
    return is_record_reader(user) or any(has_role(user=user, role=r) for r in REPORT_ROLES)


def report_dated(value: str | None, year: int) -> dt.date | None:
    """The report's date (成文日期) from the page's date field: a date after the year
    reported on, else none (the .docx then keeps the marked placeholder)."""
    try:
        dated = dt.date.fromisoformat(value or "")
    except ValueError:
        return None
    return dated if dated.year > year else None


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
        self.report = annual_report(year, dated=report_dated(request.GET.get("dated"), year))
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
                "figures": [
                    {**f, "label": figure_label(f["name"])}
                    for f in self.report["figures"]
                    if f["name"].startswith(f"{name}.")
                ],
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
            dated=self.report["dated"] or "",
            download_labels=DOWNLOAD_LABELS,
            # The counting rules are written in English only (see the template).
            show_queries=not get_language().startswith("zh"),
        )

"""The decisions application of the staff site: the register of decisions and its pages, the
catalogue, and DecisionFlow's task pages (which live under the flow's own viewset)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow import Icon
from viewflow.urls import Application, AppMenuMixin, Viewset
from viewflow.workflow.flow import FlowViewset

from .flows import DecisionFlow
from .views import catalogue, pages, sessions


class DecisionFlowViewset(FlowViewset):
    """viewflow's pages of DecisionFlow; a process's chart is shown to whoever may see its
    decision (``pages.DecisionChartView``), linked from the decision's page (issue 18)."""

    chart_view_class = pages.DecisionChartView


class DecisionsApplication(Application):
    title = _("Major decisions")
    icon = Icon("gavel")
    app_name = "decisions"
    base_template_name = "workflows/base_page.html"


class RegisterViewset(AppMenuMixin, Viewset):
    title = _("Decisions")
    icon = Icon("list")
    app_name = "register"

    index_path = path("", pages.DecisionListView.as_view(), name="index")
    start_path = path("new/", pages.DecisionStartView.as_view(), name="start")
    detail_path = path("<int:pk>/", pages.DecisionDetailView.as_view(), name="detail")
    upload_path = path(
        "<int:pk>/attachments/new/", pages.AttachmentUploadView.as_view(), name="upload"
    )
    attachment_path = path(
        "<int:pk>/attachments/<int:attachment_pk>/", pages.attachment_download, name="attachment"
    )
    hearing_path = path("<int:pk>/hearing/", pages.HearingView.as_view(), name="hearing")
    opinion_path = path("<int:pk>/opinion/", pages.ExpertOpinionView.as_view(), name="opinion")
    minutes_path = path(
        "<int:pk>/meetings/<int:meeting_pk>/minutes.docx", pages.minutes_download, name="minutes"
    )
    legality_opinion_path = path(
        "<int:pk>/legality-reviews/<int:review_pk>/opinion.docx",
        pages.legality_opinion_download,
        name="legality_opinion",
    )
    execution_path = path(
        "<int:pk>/execution/", pages.ExecutionReportView.as_view(), name="execution"
    )
    evaluation_path = path(
        "<int:pk>/post-evaluation/", pages.PostEvaluationStartView.as_view(), name="evaluation"
    )
    evaluation_report_path = path(
        "<int:pk>/post-evaluation/<int:evaluation_pk>/",
        pages.PostEvaluationReportView.as_view(),
        name="evaluation_report",
    )
    adjust_path = path("<int:pk>/adjust/", pages.AdjustmentView.as_view(), name="adjust")


class CatalogueViewset(AppMenuMixin, Viewset):
    title = _("Decision catalogue")
    icon = Icon("event_note")
    app_name = "catalogue"

    index_path = path("", catalogue.CatalogueListView.as_view(), name="index")
    create_path = path("new/", catalogue.CatalogueCreateView.as_view(), name="create")
    publish_path = path(
        "<int:pk>/publish/", catalogue.CataloguePublishView.as_view(), name="publish"
    )
    adjust_path = path("<int:pk>/adjust/", catalogue.CatalogueAdjustView.as_view(), name="adjust")
    consent_path = path(
        "<int:pk>/consent/", catalogue.CatalogueConsentView.as_view(), name="consent"
    )


class SessionsViewset(AppMenuMixin, Viewset):
    """The government's numbered sessions (会议) and the proposed agenda items (议题)."""

    title = _("Meetings")
    icon = Icon("groups")
    app_name = "sessions"

    index_path = path("", sessions.SessionListView.as_view(), name="index")
    plan_path = path("new/", sessions.SessionPlanView.as_view(), name="plan")
    items_path = path("items/", sessions.ItemsView.as_view(), name="items")
    detail_path = path("<int:pk>/", sessions.SessionDetailView.as_view(), name="detail")
    minutes_path = path("<int:pk>/minutes.docx", sessions.session_minutes_download, name="minutes")
    record_path = path("<int:pk>/record.docx", sessions.session_record_download, name="record")


def decisions_application() -> Application:
    return DecisionsApplication(
        viewsets=[
            RegisterViewset(),
            CatalogueViewset(),
            SessionsViewset(),
            DecisionFlowViewset(DecisionFlow, icon=Icon("account_tree")),
        ]
    )

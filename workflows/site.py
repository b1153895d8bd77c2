"""The workbench application of the staff site: the inbox (config/site.py composes the site)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow import Icon
from viewflow.urls import Application, AppMenuMixin, Viewset

from . import views


class InboxViewset(AppMenuMixin, Viewset):
    title = _("Inbox")
    icon = Icon("inbox")
    app_name = "inbox"

    index_path = path("", views.InboxView.as_view(), name="index")
    urge_path = path("urge/<int:task_pk>/", views.task_urge_view, name="urge")


class LinkViewset(AppMenuMixin, Viewset):
    """A menu entry for staff pages mounted outside the viewflow site (archive, reports…)."""

    target: str = ""  # URL name of the page

    @staticmethod
    def allowed(user) -> bool:
        return user.is_authenticated

    @property
    def index_path(self):
        return path("", RedirectView.as_view(pattern_name=self.target), name="index")

    def has_view_permission(self, user, obj=None):
        return self.allowed(user)


class NotificationsLink(LinkViewset):
    title = _("Notifications")
    icon = Icon("notifications")
    app_name = "notifications_link"
    target = "notifications:list"


class ArchiveLink(LinkViewset):
    title = _("Archive")
    icon = Icon("inventory_2")
    app_name = "archive_link"
    target = "archive:index"

    @staticmethod
    def allowed(user) -> bool:
        from workflows.archive.selectors import may_archive

        return user.is_authenticated and may_archive(user)


class AnnualReportLink(LinkViewset):
    title = _("Annual report")
    icon = Icon("insights")
    app_name = "report_link"
    target = "reports:index"

    @staticmethod
    def allowed(user) -> bool:
        from workflows.report_views import may_read_reports

        return user.is_authenticated and may_read_reports(user)


class WorkbenchApplication(Application):
    title = _("Workbench")
    icon = Icon("work")
    app_name = "workbench"
    base_template_name = "workflows/base_page.html"

"""The workbench application of the staff site: the inbox (config/site.py composes the site)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow import Icon
from viewflow.urls import Application, AppMenuMixin, Site, Viewset

from . import views


class InboxViewset(AppMenuMixin, Viewset):
    title = _("Inbox")
    icon = Icon("inbox")
    app_name = "inbox"

    index_path = path("", views.InboxView.as_view(), name="index")


class WorkbenchApplication(Application):
    title = _("Workbench")
    icon = Icon("work")
    app_name = "workbench"
    base_template_name = "workflows/base_page.html"

"""The staff site: viewflow's Material frontend composed of each app's application."""

from django.utils.translation import gettext_lazy as _
from viewflow.urls import Site

from decisions.site import decisions_application
from normdocs.site import normdocs_application
from workflows.site import (
    AnnualReportLink,
    ArchiveLink,
    InboxViewset,
    NotificationsLink,
    WorkbenchApplication,
)

site = Site(
    title=_("Fazhi"),
    primary_color="#8e1b1b",
    secondary_color="#c8a45a",
    viewsets=[
        WorkbenchApplication(
            viewsets=[InboxViewset(), NotificationsLink(), ArchiveLink(), AnnualReportLink()]
        ),
        decisions_application(),
        normdocs_application(),
    ],
)

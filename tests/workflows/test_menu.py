"""The staff menu reaches the pages mounted outside the viewflow site, for those allowed."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _menu(client, user):
    client.force_login(user)
    response = client.get(reverse("workbench:inbox:index"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_archivist_sees_the_archive_and_report_links(client, archivist):
    html = _menu(client, archivist)
    assert reverse("workbench:archive_link:index") in html
    assert reverse("workbench:notifications_link:index") in html


def test_a_drafter_does_not_see_the_archive_link(client, drafter):
    html = _menu(client, drafter)
    assert reverse("workbench:archive_link:index") not in html
    assert reverse("workbench:notifications_link:index") in html


def test_the_archive_link_leads_to_the_archive(client, archivist):
    client.force_login(archivist)
    response = client.get(reverse("workbench:archive_link:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("archive:index")

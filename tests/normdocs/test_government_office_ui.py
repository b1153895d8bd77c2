"""The government office's (县人民政府办公室) documents in the staff UI (issue 17): they are
deliberated at the government's executive or plenary meeting (国办发〔2018〕37号 三(四)), so the
government's meeting secretary finds them in the inbox, reads them and records the
deliberation on the page; nobody is offered an office meeting for them."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from normdocs.inbox import normdoc_inbox_items
from normdocs.models import Deliberation, Status

# The government office and its document waiting for deliberation.
from .test_government_office import office_body, office_document  # noqa: F401

pytestmark = pytest.mark.django_db
BASE = "/normdocs/register/"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _meeting_options(page: str) -> set[str]:
    """The meeting kinds the page's deliberation form offers."""
    return {
        kind
        for kind in ("executive_meeting", "plenary_meeting", "office_meeting")
        if f'value="{kind}"' in page
    }


def test_the_governments_meeting_secretary_records_the_executive_meeting_through_the_page(
    office_document,  # noqa: F811
    django_user_model,
):
    secretary = django_user_model.objects.get(username="secretary")  # the county's
    page_url = f"{BASE}{office_document.pk}/"

    # In the inbox, linking to the document.
    (entry,) = [i for i in normdoc_inbox_items(secretary) if i.kind == "normdocs.deliberation"]
    assert entry.url == page_url
    client = _client(secretary)
    assert page_url in client.get(reverse("workbench:inbox:index")).content.decode()

    # The page opens (the draft is not published) and offers the government's meetings only.
    page = client.get(page_url).content.decode()
    assert 'data-testid="form-deliberate"' in page
    assert _meeting_options(page) == {"executive_meeting", "plenary_meeting"}

    response = client.post(
        page_url,
        {
            "action": "deliberate",
            "deliberate-meeting_kind": "executive_meeting",
            "deliberate-meeting_on": date.today().isoformat(),
            "deliberate-adopted": "on",
        },
    )
    assert response.status_code == 302
    deliberation = Deliberation.objects.get(document=office_document)
    assert (deliberation.meeting_kind, deliberation.adopted) == ("executive_meeting", True)
    assert deliberation.recorded_by == secretary
    assert "normdocs.deliberation" not in [i.kind for i in normdoc_inbox_items(secretary)]


def test_the_offices_own_head_is_not_offered_an_office_meeting(
    office_document,  # noqa: F811
    office_body,  # noqa: F811
    make_person,
):
    head = make_person("office_head", office_body.unit, unit_head=[office_body.unit])
    client = _client(head)
    page = client.get(f"{BASE}{office_document.pk}/").content.decode()
    assert "office_meeting" not in _meeting_options(page)

    # Nor taken by posting it anyway: the form has no such choice.
    client.post(
        f"{BASE}{office_document.pk}/",
        {
            "action": "deliberate",
            "deliberate-meeting_kind": "office_meeting",
            "deliberate-meeting_on": date.today().isoformat(),
            "deliberate-adopted": "on",
        },
    )
    office_document.refresh_from_db()
    assert not office_document.deliberations.exists()
    assert office_document.status == Status.DELIBERATION


def test_a_departments_document_still_goes_to_its_office_meeting(
    bureau_body, drafter, drive, officials
):
    from normdocs import services

    document = services.normdoc_create(by=drafter, drafting_body=bureau_body, title="规则")
    drive(document, "deliberation", drafter=drafter)
    page = _client(officials["secretary"]).get(f"{BASE}{document.pk}/").content.decode()
    assert _meeting_options(page) == {"office_meeting"}


def test_the_governments_secretary_reads_no_other_units_drafts(
    office_document,  # noqa: F811
    make_person,
    township,
):
    # A secretary of the township only: not the government whose office issued the document.
    other = make_person("township_secretary", township, meeting_secretary=[township])
    assert _client(other).get(f"{BASE}{office_document.pk}/").status_code == 404
    assert "normdocs.deliberation" not in [i.kind for i in normdoc_inbox_items(other)]

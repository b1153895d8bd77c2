"""An upload past the limit is refused on its field, on the page and by API, in either language,
whether its request declared too much (refused unread) or the file streamed past the limit;
nothing is saved, and an optional upload is never silently dropped."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decisions.flows import DecisionFlow
from tests.decisions.test_screens import Scenario, form, task_url

pytestmark = pytest.mark.django_db

LIMIT = 1000
MESSAGES = {"en": "The file is larger than 1000 bytes.", "zh-hans": "文件大小超过1000字节。"}
# Streamed past the limit (the request itself is small), or declared larger than any request
# may be (``max_request_bytes``: the limit, the form fields and the framing).
SIZES = {"streamed": 5_000, "declared": 200_000}


@pytest.fixture(autouse=True)
def limits(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.FAZHI_MAX_ATTACHMENT_BYTES = LIMIT
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000


def big_pdf(size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("说明.pdf", b"%PDF-1.7\n" + bytes(size))


@pytest.mark.parametrize("language", list(MESSAGES))
@pytest.mark.parametrize("how", list(SIZES))
def test_an_upload_past_the_limit_is_a_400_on_the_file_by_api(api, people, drive, how, language):
    d = drive.initiate()
    # The file before the other fields: a refusal unread must not turn into "kind is required".
    response = api(people["drafter"]).post(
        f"/api/v1/decisions/{d.pk}/attachments/",
        {"file": big_pdf(SIZES[how]), "kind": "material"},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"file": [MESSAGES[language]]}
    assert not d.attachments.exists()


@pytest.mark.parametrize("language", list(MESSAGES))
@pytest.mark.parametrize("how", list(SIZES))
def test_an_upload_past_the_limit_is_an_error_on_the_file_on_the_page(
    client, people, drive, how, language
):
    d = drive.initiate()
    client.force_login(people["drafter"])
    response = client.post(
        reverse("decisions:register:upload", args=[d.pk]),
        {"action": "upload", "upload-file": big_pdf(SIZES[how]), "upload-kind": "material"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert MESSAGES[language] in body and "errorlist" in body
    assert not d.attachments.exists()


@pytest.mark.parametrize("how", list(SIZES))
def test_an_optional_attachment_past_the_limit_refuses_the_draft_on_the_task_page(
    client, people, drive, how
):
    scenario = Scenario(drive, people)
    task = scenario.process.task_set.get(flow_task=DecisionFlow.draft)
    client.force_login(people["drafter"])
    response = client.post(
        task_url(task),
        form(
            "draft",
            title="新标题",
            draft_text="草案正文",
            legal_basis="《条例》",
            attachment=big_pdf(SIZES[how]),
            attachment_kind="material",
            submit="on",
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert MESSAGES["en"] in response.content.decode()
    scenario.d.refresh_from_db()
    assert scenario.d.title != "新标题" and not scenario.d.attachments.exists()


@pytest.mark.parametrize("how", list(SIZES))
def test_an_optional_attachment_past_the_limit_is_a_400_on_it_by_the_task_api(
    api, people, drive, how
):
    scenario = Scenario(drive, people)
    response = api(people["drafter"]).post(
        f"/api/v1/decisions/{scenario.d.pk}/draft/upload/",
        {
            "attachment": big_pdf(SIZES[how]),
            "title": "新标题",
            "draft_text": "草案正文",
            "legal_basis": "《条例》",
        },
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {"attachment": [MESSAGES["en"]]}
    scenario.d.refresh_from_db()
    assert scenario.d.title != "新标题" and not scenario.d.attachments.exists()

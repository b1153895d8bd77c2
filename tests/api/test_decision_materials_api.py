"""A decision's materials by API: attachments (upload, list, download), post-evaluations
(第三十六条) and the decision's consultations — each through the page's own code and service."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decisions import services as s
from decisions.models import Attachment, Decision, PostEvaluation
from decisions.selectors import pre_decision_assessor_ids
from tests.decisions.conftest import LEGAL_BASIS, docx_bytes
from workflows.clocks.models import Notification
from workflows.inbox import inbox_items_for_user
from workflows.record.models import Event

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def decision(drive):
    """司法局's decision, being drafted: another unit's drafter may not know it exists."""
    return drive.initiate()


@pytest.fixture
def everybody(people, administrator):
    return {**people, "administrator": administrator}


def _upload(client, decision_pk, *, name="说明.pdf", data=PDF, kind="material", **extra):
    body = {"kind": kind, **extra}
    if name is not None:
        body["file"] = SimpleUploadedFile(name, data)
    return client.post(f"/api/v1/decisions/{decision_pk}/attachments/", body, format="multipart")


# --- attachments -----------------------------------------------------------------------------

# who × 司法局's draft (own unit for the drafter, another unit for the outsider) → status
ATTACHMENT_MATRIX = [
    # person, GET list, GET download, POST upload
    ("drafter", 200, 200, 201),  # a drafter of the lead unit, as on the upload page
    ("outsider", 404, 404, 404),  # another unit's drafter: the decision does not exist
    ("legal_advisor", 200, 200, 403),  # sees 司法局's decisions, uploads nothing
    ("archivist", 200, 200, 403),  # reads everything, changes nothing
    # The government's secretary: a unit's draft is not on the agenda yet (decisions.selectors)
    ("secretary", 404, 404, 404),
    ("administrator", 200, 200, 403),
]


@pytest.mark.parametrize("who, listed, download, upload", ATTACHMENT_MATRIX)
def test_the_attachment_permission_matrix(api, everybody, decision, who, listed, download, upload):
    existing = s.attachment_add(
        decision=decision, by=everybody["drafter"], name="草案.docx", data=docx_bytes()
    )
    client = api(everybody[who])
    url = f"/api/v1/decisions/{decision.pk}/attachments/"
    assert client.get(url).status_code == listed
    assert client.get(f"{url}{existing.pk}/").status_code == download
    response = _upload(client, decision.pk)
    assert response.status_code == upload
    assert decision.attachments.count() == (2 if upload == 201 else 1)


def test_a_drafter_uploads_an_attachment_checked_by_its_content(api, people, decision):
    response = _upload(api(people["drafter"]), decision.pk, name="起草说明.pdf", kind="other")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "起草说明.pdf"
    assert body["file_type"] == "pdf" and body["kind"] == "other"
    assert body["size"] == len(PDF) and body["uploaded_by"] == people["drafter"].pk
    attachment = Attachment.objects.get(pk=body["id"])
    assert attachment.sha256 == body["sha256"]
    event = Event.objects.get(action="decision.attachment_added")
    assert event.payload["attachment"] == attachment.pk


@pytest.mark.parametrize(
    "name, data, code",
    [
        ("说明.pdf", b"MZ\x90\x00 not a document", "type_not_allowed"),
        ("说明.pdf", b"<html><script>alert(1)</script></html>", "type_not_allowed"),
        ("说明.pdf", docx_bytes(), "extension_mismatch"),  # the name lies about the content
        ("说明.exe", PDF, "extension_mismatch"),
    ],
)
def test_a_file_refused_by_its_content_is_a_400_on_the_file(
    api, people, decision, name, data, code
):
    response = _upload(api(people["drafter"]), decision.pk, name=name, data=data)
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert not decision.attachments.exists()


def test_a_file_larger_than_the_limit_is_a_400_on_the_file(api, people, decision, settings):
    settings.FAZHI_MAX_ATTACHMENT_BYTES = len(PDF) - 1
    response = _upload(api(people["drafter"]), decision.pk)
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert not decision.attachments.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": None}, "file"),  # no file at all
        ({"data": b""}, "file"),  # an empty file
        ({"kind": "poem"}, "kind"),
        ({"kind": ""}, "kind"),
    ],
)
def test_bad_upload_fields_are_a_400_naming_them(api, people, decision, overrides, field):
    response = _upload(api(people["drafter"]), decision.pk, **overrides)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_an_upload_must_be_multipart(api, people, decision):
    response = api(people["drafter"]).post(
        f"/api/v1/decisions/{decision.pk}/attachments/", {"kind": "material"}, format="json"
    )
    assert response.status_code == 415


def test_a_forbidden_upload_is_a_403_whatever_its_body(api, people, decision):
    response = api(people["legal_advisor"]).post(
        f"/api/v1/decisions/{decision.pk}/attachments/", {"kind": "poem"}, format="multipart"
    )
    assert response.status_code == 403


def test_the_download_is_the_file_typed_by_its_content(api, people, decision):
    data = docx_bytes()  # once: a zip made a second later carries another timestamp
    attachment = s.attachment_add(
        decision=decision, by=people["drafter"], name="草案.docx", data=data
    )
    response = api(people["archivist"]).get(
        f"/api/v1/decisions/{decision.pk}/attachments/{attachment.pk}/"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment;" in response["Content-Disposition"]


def test_a_file_lost_from_storage_is_a_json_404_not_a_500(api, people, decision):
    attachment = s.attachment_add(decision=decision, by=people["drafter"], name="a.pdf", data=PDF)
    attachment.file.storage.delete(attachment.file.name)
    response = api(people["drafter"]).get(
        f"/api/v1/decisions/{decision.pk}/attachments/{attachment.pk}/"
    )
    assert response.status_code == 404
    assert (
        "missing from storage" in response.json()["detail"] or "存储" in response.json()["detail"]
    )


def test_another_decisions_attachment_is_a_404_under_this_one(api, people, drive, decision):
    other = drive.initiate()
    attachment = s.attachment_add(decision=other, by=people["drafter"], name="a.pdf", data=PDF)
    client = api(people["drafter"])
    assert (
        client.get(f"/api/v1/decisions/{decision.pk}/attachments/{attachment.pk}/").status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/decisions/{other.pk}/attachments/{attachment.pk}/").status_code == 200
    )


def test_another_units_decision_and_its_files_are_indistinguishable_from_missing_ones(
    api, people, decision
):
    attachment = s.attachment_add(decision=decision, by=people["drafter"], name="a.pdf", data=PDF)
    client = api(people["outsider"])
    missing = decision.pk + 999
    pairs = [
        (f"{decision.pk}/attachments/", f"{missing}/attachments/"),
        (f"{decision.pk}/attachments/{attachment.pk}/", f"{missing}/attachments/{attachment.pk}/"),
        (f"{decision.pk}/post-evaluations/", f"{missing}/post-evaluations/"),
        (f"{decision.pk}/consultations/", f"{missing}/consultations/"),
    ]
    for hidden_path, missing_path in pairs:
        hidden = client.get(f"/api/v1/decisions/{hidden_path}")
        absent = client.get(f"/api/v1/decisions/{missing_path}")
        assert hidden.status_code == absent.status_code == 404, hidden_path
        assert hidden.json() == absent.json()
    hidden = _upload(client, decision.pk)
    absent = _upload(client, missing)
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json() == absent.json()


def test_the_attachment_list_costs_the_same_queries_for_1_or_many(
    api, people, decision, django_assert_num_queries
):
    for n in range(5):
        s.attachment_add(decision=decision, by=people["drafter"], name=f"{n}.pdf", data=PDF)
    client = api(people["drafter"])
    url = f"/api/v1/decisions/{decision.pk}/attachments/"
    client.get(f"{url}?page_size=1")
    with CaptureQueriesContext(connection) as one:
        client.get(f"{url}?page_size=1")
    with django_assert_num_queries(len(one)):
        body = client.get(f"{url}?page_size=50").json()
    assert len(body["results"]) == 5


def test_a_drafting_step_takes_its_attachment_as_multipart(api, people, catalogue_item):
    client = api(people["drafter"])
    created = client.post(
        "/api/v1/decisions/",
        {
            "lead_unit": people["bureau"].pk,
            "catalogue_item": catalogue_item.pk,
            "title": "T",
            "problem": "P",
            "legal_basis": LEGAL_BASIS,
        },
        format="json",
    )
    decision = Decision.objects.get(pk=created.json()["id"])
    response = client.post(
        f"/api/v1/decisions/{decision.pk}/draft/upload/",
        {
            "title": "关于调整城区供热价格的决定",
            "draft_text": "第一条 ……",
            "legal_basis": "《价格法》",
            "attachment": SimpleUploadedFile("草案说明.pdf", PDF),
            "attachment_kind": "material",
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert decision.attachments.get().original_name == "草案说明.pdf"


# --- post-evaluation (第三十六条) --------------------------------------------------------------


@pytest.fixture
def in_force(drive, people):
    """An adopted, published and sealed decision: it is executed and may be evaluated."""
    d = drive.up_to_meeting()
    drive.adopt(d)
    drive.publish(d)
    s.decision_seal(decision=d, by=people["archivist"])
    d.refresh_from_db()
    return d


def test_a_sealed_decision_takes_no_attachment_a_409(api, people, in_force):
    response = _upload(api(people["drafter"]), in_force.pk)
    assert response.status_code == 409
    assert response.json()["code"] == "sealed"
    assert not in_force.attachments.exists()


def _start_evaluation(api, people, decision, evaluator):
    return api(people["principal"]).post(
        f"/api/v1/decisions/{decision.pk}/post-evaluation-start/",
        {"trigger": "goal_unmet", "evaluator": evaluator.pk},
        format="json",
    )


def test_a_post_evaluation_by_api_never_goes_to_a_pre_decision_assessor(api, people, in_force):
    assessor = people["drafter"]  # assessed the risk before the decision (drive.assess)
    assert assessor.pk in pre_decision_assessor_ids(in_force)
    refused = _start_evaluation(api, people, in_force, assessor)
    assert refused.status_code == 400
    assert "evaluator" in refused.json()["errors"]
    assert not PostEvaluation.objects.exists()
    started = _start_evaluation(api, people, in_force, people["risk_assessor"])
    assert started.status_code == 200, started.json()
    assert PostEvaluation.objects.get().evaluator == people["risk_assessor"]


def test_the_evaluator_reports_once_and_a_second_report_is_a_409(api, people, in_force):
    _start_evaluation(api, people, in_force, people["risk_assessor"])
    evaluation = PostEvaluation.objects.get()
    client = api(people["risk_assessor"])
    url = f"/api/v1/decisions/{in_force.pk}/post-evaluations/{evaluation.pk}/report/"
    empty = client.post(url, {"report": ""}, format="json")
    assert empty.status_code == 400 and "report" in empty.json()["errors"]
    wrong_type = client.post(url, {"report": ["x"]}, format="json")
    assert wrong_type.status_code == 400 and "report" in wrong_type.json()["errors"]
    done = client.post(url, {"report": "目标基本实现"}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["report"] == "目标基本实现" and done.json()["completed_at"]
    assert Event.objects.filter(action="decision.post_evaluation_completed").count() == 1
    again = client.post(url, {"report": "再写一次"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "completed"
    listed = api(people["drafter"]).get(f"/api/v1/decisions/{in_force.pk}/post-evaluations/")
    assert listed.status_code == 200
    assert [row["report"] for row in listed.json()["results"]] == ["目标基本实现"]


# who × the report of a post-evaluation of the county's (司法局-led) decision → status
REPORT_MATRIX = [
    ("risk_assessor", 200, 200),  # the chosen evaluator
    ("principal", 200, 403),  # started it; does not write the report
    ("drafter", 200, 403),  # the lead unit's drafter sees it, does not evaluate
    ("archivist", 200, 403),
    ("outsider", 404, 404),  # another unit: the decision does not exist for them
]


@pytest.mark.parametrize("who, listed, report", REPORT_MATRIX)
def test_the_post_evaluation_permission_matrix(api, people, in_force, who, listed, report):
    _start_evaluation(api, people, in_force, people["risk_assessor"])
    evaluation = PostEvaluation.objects.get()
    client = api(people[who])
    assert client.get(f"/api/v1/decisions/{in_force.pk}/post-evaluations/").status_code == listed
    response = client.post(
        f"/api/v1/decisions/{in_force.pk}/post-evaluations/{evaluation.pk}/report/",
        {"report": "报告"},
        format="json",
    )
    assert response.status_code == report


def test_an_evaluator_from_another_unit_sees_the_decision_and_reports(api, people, in_force):
    """A post-evaluation is often entrusted outside the lead unit (第三十六条): the evaluator
    must be able to read the decision and file the report (the matrix above: the same person,
    not chosen, gets 404)."""
    outsider = people["outsider"]
    assert _start_evaluation(api, people, in_force, outsider).status_code == 200
    evaluation = PostEvaluation.objects.get()
    (told,) = Notification.objects.filter(recipient=outsider)
    assert told.url.endswith(f"/{in_force.pk}/post-evaluation/{evaluation.pk}/")
    (waiting,) = [i for i in inbox_items_for_user(user=outsider) if i.kind.startswith("decisions")]
    assert waiting.url == told.url and waiting.subject == in_force.title
    client = api(outsider)
    assert client.get(f"/api/v1/decisions/{in_force.pk}/").status_code == 200
    response = client.post(
        f"/api/v1/decisions/{in_force.pk}/post-evaluations/{evaluation.pk}/report/",
        {"report": "第三方评估：目标基本实现"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert not [i for i in inbox_items_for_user(user=outsider) if i.kind.startswith("decisions")]


def test_an_evaluation_of_another_decision_or_none_is_a_404(api, people, drive, in_force):
    _start_evaluation(api, people, in_force, people["risk_assessor"])
    evaluation = PostEvaluation.objects.get()
    other = drive.initiate()
    client = api(people["risk_assessor"])
    for path in (
        f"{other.pk}/post-evaluations/{evaluation.pk}/report/",
        f"{in_force.pk}/post-evaluations/{evaluation.pk + 999}/report/",
    ):
        response = client.post(f"/api/v1/decisions/{path}", {"report": "报告"}, format="json")
        assert response.status_code == 404, path


# --- the decision's consultations --------------------------------------------------------------


@pytest.mark.parametrize(
    "who, code",
    [
        ("drafter", 200),
        ("legal_advisor", 200),  # sees the decision: sees its consultations (not the contacts)
        ("archivist", 200),
        ("outsider", 404),
    ],
)
def test_the_decisions_consultations_are_listed_for_whoever_sees_it(api, people, drive, who, code):
    decision = drive.initiate()
    consultation = drive.consult(decision, comments=("一", "二"))
    response = api(people[who]).get(f"/api/v1/decisions/{decision.pk}/consultations/")
    assert response.status_code == code
    if code == 200:
        [row] = response.json()["results"]
        assert row["id"] == consultation.pk and row["comment_count"] == 2
        assert row["subject"] == f"decisions.decision:{decision.pk}"
        assert "comments" not in row  # the comments and their contacts stay with their staff


def test_the_consultation_list_costs_the_same_queries_for_1_or_many(
    api, people, drive, django_assert_num_queries
):
    from workflows.consultations.services import consultation_attachment_add, consultation_open

    decision = drive.initiate()
    now = timezone.now()
    for n in range(4):
        c = consultation_open(
            subject=decision,
            by=people["drafter"],
            title="T",
            draft_text="D",
            opens_at=now - timedelta(days=40 * (n + 1)),
            closes_at=now - timedelta(days=40 * n + 1),
        )
        consultation_attachment_add(consultation=c, by=people["drafter"], name="a.pdf", data=PDF)
    client = api(people["drafter"])
    url = f"/api/v1/decisions/{decision.pk}/consultations/"
    client.get(f"{url}?page_size=1")
    with CaptureQueriesContext(connection) as one:
        client.get(f"{url}?page_size=1")
    with django_assert_num_queries(len(one)):
        body = client.get(f"{url}?page_size=50").json()
    assert len(body["results"]) == 4
    assert all(len(row["attachments"]) == 1 for row in body["results"])

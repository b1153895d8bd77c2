"""The archivist's pages, and the export through a real Celery worker on Redis."""

import io
import time
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from decisions.models import Decision
from workflows.archive.check import package_check
from workflows.archive.models import ArchiveExport
from workflows.record.models import Event


def wait_for(predicate, *, timeout=120.0, what="the condition"):
    """Poll: the worker is another process."""
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting for {what}")
        time.sleep(0.3)
    return result


@pytest.mark.worker
def test_an_archivist_exports_a_sealed_decision_and_the_worker_builds_a_package_that_passes(
    celery_worker_process, transactional_db, client, tmp_path
):
    call_command("demo", quiet_accounts=True)
    client.force_login(get_user_model().objects.get(username="archivist"))
    decision = Decision.objects.get(stage="archived", catalogue_item__year=2026)

    index = client.get("/archive/").content.decode()
    assert f'data-kind="decision" data-id="{decision.pk}"' in index
    response = client.post(
        "/archive/exports/new/", {"kind": "decision", "object_id": str(decision.pk)}
    )
    export = ArchiveExport.objects.get()
    assert response.status_code == 302 and response.url == f"/archive/exports/{export.pk}/"

    status = wait_for(
        lambda: (
            (s := client.get(f"/archive/exports/{export.pk}/status.json").json())["status"]
            in ("done", "failed")
            and s
        ),
        what="the export to finish",
    )
    assert status["status"] == "done", ArchiveExport.objects.get().error
    assert status["progress"] == 100 and status["check_passed"] is True
    page = client.get(f"/archive/exports/{export.pk}/").content.decode()
    assert 'data-status="done"' in page and 'data-progress="100"' in page

    download = client.get(status["download"])
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        archive.extractall(tmp_path)
    (bag,) = tmp_path.iterdir()
    assert package_check(bag).ok

    export.refresh_from_db()
    assert export.requested_by.username == "archivist" and export.package_sha256
    actions = set(
        Event.objects.filter(
            object_id=str(decision.pk), content_type__model="decision"
        ).values_list("action", flat=True)
    )
    assert {"archive.exported", "archive.package_downloaded"} <= actions


@pytest.mark.worker
def test_the_export_task_run_twice_builds_the_package_once(celery_worker_process, transactional_db):
    from workflows.archive.services import archive_export_request
    from workflows.archive.tasks import archive_export

    call_command("demo", quiet_accounts=True)
    archivist = get_user_model().objects.get(username="archivist")
    decision = Decision.objects.get(stage="archived", catalogue_item__year=2026)
    export = archive_export_request(kind="decision", object_id=decision.pk, by=archivist)

    outcomes = sorted(
        r.get(timeout=120)
        for r in [archive_export.delay(export.pk), archive_export.delay(export.pk)]
    )

    assert outcomes == ["done", "skipped"]
    assert Event.objects.filter(action="archive.exported").count() == 1


@pytest.mark.django_db
def test_the_archive_pages_do_not_exist_for_someone_who_may_not_archive(client, outsider):
    client.force_login(outsider)

    assert client.get("/archive/").status_code == 404
    assert client.post("/archive/exports/new/", {"kind": "decision"}).status_code == 404
    assert client.get("/archive/reports/2021/", follow=True).status_code == 404
    assert client.get("/reports/2021/").status_code == 404


@pytest.mark.django_db
def test_exporting_an_unsealed_decision_from_the_page_is_refused_with_a_message(
    client, archivist, county, justice_bureau, drafter
):
    decision = Decision.objects.create(
        government=county,
        lead_unit=justice_bureau,
        out_of_catalogue_reason="test",
        title="未归档的决定",
        problem="测试",
        created_by=drafter,
    )
    client.force_login(archivist)

    response = client.post(
        "/archive/exports/new/", {"kind": "decision", "object_id": str(decision.pk)}, follow=True
    )

    assert "尚未封存" in response.content.decode()  # "is not sealed", in the default Chinese
    assert not ArchiveExport.objects.exists()


@pytest.mark.django_db
def test_the_annual_report_page_shows_its_sections_and_charts_and_downloads_the_year_shown(
    client, archivist
):
    client.force_login(archivist)

    # The old address (archive index, bookmarks) arrives at the report's own page.
    moved = client.get("/archive/reports/2021/?format=json")
    assert moved.status_code == 302 and moved["Location"] == "/reports/2021/?format=json"
    page = client.get("/reports/2021/").content.decode()
    as_json = client.get("/reports/2021/?format=json")
    as_docx = client.get("/reports/2021/?format=docx")

    assert 'data-testid="report-section"' in page and 'data-testid="report-chart"' in page
    assert "/static/vendor/chartjs/" in page  # served locally, never from a CDN
    assert 'href="?format=docx"' in page or "/reports/2021/?format=docx" in page
    assert as_json.json()["year"] == 2021
    assert as_docx.content.startswith(b"PK")

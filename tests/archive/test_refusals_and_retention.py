"""Only sealed or final subjects are exported; nothing deletes them; a legal hold stops disposal."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone, translation

from decisions.models import Decision
from normdocs.models import CleanupCampaign, DraftingBody, NormativeDocument
from workflows.archive import rules
from workflows.archive.guards import SealedRecordError
from workflows.archive.holds import archive_export_dispose, legal_hold_place, legal_hold_release
from workflows.archive.models import ArchiveExport
from workflows.archive.services import ArchiveRefusal
from workflows.record.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(county, justice_bureau, drafter):
    return Decision.objects.create(
        government=county,
        lead_unit=justice_bureau,
        out_of_catalogue_reason="test",
        title="关于测试的决定",
        problem="测试",
        created_by=drafter,
    )


def test_export_is_refused_with_a_reason_when_the_decision_is_not_sealed(decision, tmp_path):
    with translation.override("en"), pytest.raises(CommandError, match="is not sealed"):
        call_command("archive_export", "decision", str(decision.pk), "--out", str(tmp_path / "b"))

    assert not (tmp_path / "b").exists()
    assert not ArchiveExport.objects.exists()


def test_export_is_refused_when_the_document_is_still_in_force(county, tmp_path):
    body = DraftingBody.objects.create(
        unit=county, kind="government", legal_basis="x", registered_at=timezone.now()
    )
    document = NormativeDocument.objects.create(
        title="乌恰县测试办法", drafting_body=body, issuer_code="恰政", status="in_force"
    )
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="only a document that has ceased to apply"),
    ):
        call_command("archive_export", "normdoc", str(document.pk), "--out", str(tmp_path / "b"))


def test_export_is_refused_when_the_cleanup_is_still_open(county, tmp_path):
    campaign = CleanupCampaign.objects.create(
        kind="special",
        title="专项清理",
        government=county,
        opened_on=dt.date(2021, 6, 1),
        due_on=dt.date(2021, 8, 1),
    )
    with translation.override("en"), pytest.raises(CommandError, match="is not closed"):
        call_command("archive_export", "cleanup", str(campaign.pk), "--out", str(tmp_path / "b"))


def test_deleting_a_sealed_decision_is_refused_through_the_orm_and_querysets(decision, archivist):
    Decision.objects.filter(pk=decision.pk).update(sealed_at=timezone.now(), sealed_by=archivist)
    decision.refresh_from_db()

    # Each attempt in its own savepoint: the refusal aborts the delete's transaction.
    with pytest.raises(SealedRecordError), transaction.atomic():
        decision.delete()
    with pytest.raises(SealedRecordError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).delete()
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_an_unsealed_decision_is_not_protected_by_the_seal_guard(decision):
    decision.delete()

    assert not Decision.objects.filter(pk=decision.pk).exists()


def test_deleting_a_sealed_decision_in_the_admin_is_refused(client, decision, archivist):
    from django.contrib.auth import get_user_model

    Decision.objects.filter(pk=decision.pk).update(sealed_at=timezone.now(), sealed_by=archivist)
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-12345-xyz")
    client.force_login(admin)

    response = client.post(
        f"/admin/decisions/decision/{decision.pk}/delete/", {"post": "yes"}, follow=False
    )

    assert response.status_code == 403
    assert Decision.objects.filter(pk=decision.pk).exists()


@pytest.mark.parametrize(
    ("code", "kept_until", "today", "on_hold", "expected"),
    [
        ("permanent", None, dt.date(2500, 1, 1), False, "permanent"),
        ("30y", dt.date(2051, 11, 30), dt.date(2051, 11, 30), False, "retention_running"),
        ("30y", dt.date(2051, 11, 30), dt.date(2051, 12, 1), False, None),
        ("10y", dt.date(2031, 1, 1), dt.date(2040, 1, 1), True, "legal_hold"),
    ],
)
def test_disposal_rule_table(code, kept_until, today, on_hold, expected):
    assert (
        rules.disposal_refusal(
            retention_code=code, kept_until=kept_until, today=today, on_hold=on_hold
        )
        == expected
    )


def test_retention_is_counted_in_years_from_the_records_date():
    assert rules.retention_until(retention_code="10y", years=10, since=dt.date(2021, 11, 30)) == (
        dt.date(2031, 11, 30)
    )
    assert (
        rules.retention_until(retention_code="permanent", years=None, since=dt.date(2021, 1, 1))
        is None
    )


def test_a_legal_hold_prevents_disposal_until_it_is_released(decision, archivist, tmp_path):
    from django.contrib.contenttypes.models import ContentType

    copy = tmp_path / "copy.zip"
    copy.write_bytes(b"PK")
    export = ArchiveExport.objects.create(
        kind="decision",
        content_type=ContentType.objects.get_for_model(decision),
        object_id=str(decision.pk),
        subject_label=str(decision),
        requested_at=timezone.now(),
        status="done",
        retention_code="10y",
        kept_until=dt.date(2020, 1, 1),
        package_path=str(copy),
    )
    hold = legal_hold_place(subject=decision, by=archivist, reason="行政诉讼证据保全")

    with translation.override("en"), pytest.raises(ArchiveRefusal, match="legal hold"):
        archive_export_dispose(export=export, by=archivist)
    export.refresh_from_db()
    assert export.status == "done"

    legal_hold_release(hold=hold, by=archivist, reason="诉讼终结")
    archive_export_dispose(export=export, by=archivist)

    export.refresh_from_db()
    assert export.status == "disposed" and export.disposed_by == archivist
    assert Decision.objects.filter(pk=decision.pk).exists()  # the record itself stays
    actions = list(
        Event.objects.filter(object_id=str(decision.pk)).values_list("action", flat=True)
    )
    assert actions == [
        "archive.legal_hold_placed",
        "archive.legal_hold_released",
        "archive.copy_disposed",
    ]


def test_a_permanent_records_copy_is_never_disposed_of(decision, archivist):
    from django.contrib.contenttypes.models import ContentType

    export = ArchiveExport.objects.create(
        kind="decision",
        content_type=ContentType.objects.get_for_model(decision),
        object_id=str(decision.pk),
        subject_label=str(decision),
        requested_at=timezone.now(),
        status="done",
        retention_code="permanent",
    )
    with translation.override("en"), pytest.raises(ArchiveRefusal, match="permanently"):
        archive_export_dispose(export=export, by=archivist)


def test_the_legal_hold_command_places_and_releases_a_hold(decision, archivist, drafter):
    from django.core.management import CommandError, call_command

    from workflows.archive.holds import is_on_legal_hold

    subject = f"decisions.decision:{decision.pk}"
    with pytest.raises(CommandError):
        call_command("legal_hold", "place", subject, by=drafter.username, reason="证据保全")
    assert not is_on_legal_hold(decision)

    call_command("legal_hold", "place", subject, by=archivist.username, reason="证据保全")
    assert is_on_legal_hold(decision)
    call_command("legal_hold", "release", subject, by=archivist.username, reason="诉讼终结")
    assert not is_on_legal_hold(decision)
    with pytest.raises(CommandError, match="not on legal hold"):
        call_command("legal_hold", "release", subject, by=archivist.username, reason="x")

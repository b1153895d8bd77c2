"""One package exported from the demo's archived decision, shared by the tampering tests.

The demo is loaded and the package exported inside a transaction that is rolled back: the
package on disk outlives it, and every test tampers with its own copy.
"""

import shutil

import pytest
from django.core.management import call_command
from django.db import transaction

from workflows.archive import bag as bagfile


@pytest.fixture(scope="module")
def demo_package(django_db_setup, django_db_blocker, tmp_path_factory):
    from decisions.models import Decision

    out = tmp_path_factory.mktemp("archive") / "bag"
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", quiet_accounts=True)
        decision = Decision.objects.get(stage="archived", catalogue_item__year=2026)
        call_command("archive_export", "decision", str(decision.pk), "--out", str(out))
        transaction.set_rollback(True)
    return out


@pytest.fixture(scope="module")
def demo_normdoc_packages(django_db_setup, django_db_blocker, tmp_path_factory):
    """Packages of a document repealed by the demo's 2021 cleanup, and of the cleanup itself."""
    from normdocs.demo import CLEANUP_TITLE
    from normdocs.models import CleanupCampaign, NormativeDocument

    out = tmp_path_factory.mktemp("normdocs")
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", quiet_accounts=True)
        repealed = NormativeDocument.objects.get(number="恰政发〔2016〕8号")
        cleanup = CleanupCampaign.objects.get(title=CLEANUP_TITLE)
        call_command("archive_export", "normdoc", str(repealed.pk), "--out", str(out / "doc"))
        call_command("archive_export", "cleanup", str(cleanup.pk), "--out", str(out / "cleanup"))
        transaction.set_rollback(True)
    return out


@pytest.fixture
def package(demo_package, tmp_path):
    """A fresh copy of the demo package to tamper with."""
    copy = tmp_path / demo_package.name
    shutil.copytree(demo_package, copy)
    return copy


def remanifest(directory):
    """What a forger who knows BagIt does after changing the payload: recompute every manifest,
    so that only the metadata and the record's own hashes can give the change away."""
    files = bagfile.payload_files(directory)
    bagfile.manifest_write(directory, "sha256", files)
    bagfile.manifest_write(directory, bagfile.SM3, files)
    bagfile.bag_tags_refresh(directory)

"""A document's clocks end with it: however it ends, none of its clocks, its filing's or its
cleanup review's is left running to show as overdue (domain.md §2: four different ends)."""

from datetime import date

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import translation

from normdocs import selectors, services
from normdocs.models import CleanupAssignment, Filing, NormativeDocument, Status
from normdocs.services.validity import CLOCKS_END_REASONS
from workflows.clocks.models import Deadline

pytestmark = pytest.mark.django_db


def clocks_of(document, *assignments):
    """Every clock of ``document``, of its filing and of the given cleanup assignments."""
    type_of = ContentType.objects.get_for_model
    filings = [
        str(pk) for pk in Filing.objects.filter(document=document).values_list("pk", flat=True)
    ]
    return Deadline.objects.filter(
        Q(content_type=type_of(NormativeDocument), object_id=str(document.pk))
        | Q(content_type=type_of(Filing), object_id__in=filings)
        | Q(content_type=type_of(CleanupAssignment), object_id__in=[str(a.pk) for a in assignments])
    )


def end_reason(status) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(CLOCKS_END_REASONS[status])


@pytest.fixture
def published(bureau_body, drafter, drive):
    """A 司法局 document in force from its publication, its filing not yet submitted."""
    document = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局行政执法公示办法"
    )
    return drive(document, "published", drafter=drafter, immediate_reason="配合行政执法全面推行")


def _cleanup_of(documents, officials, county):
    return services.cleanup_open(
        kind="special",
        government=county,
        by=officials["advisor"],
        title="涉及行政处罚法的规范性文件专项清理",
        scope={"documents": [d.pk for d in documents]},
        on=date(2026, 6, 15),
    )


def test_the_renewal_notices_close_when_the_validity_sweep_expires_the_document(
    county_body, officials
):
    document = services.normdoc_import_published(
        by=officials["publisher"],
        drafting_body=county_body,
        title="乌恰县城乡居民最低生活保障实施办法",
        number="恰政规〔2021〕7号",
        published_on=date(2021, 12, 20),
    )  # valid until 2026-12-19
    services.validity_sweep(on=date(2026, 6, 19))
    services.validity_sweep(on=date(2026, 11, 19))
    assert clocks_of(document).filter(status__in=Deadline.RUNNING).count() == 2

    assert services.validity_sweep(on=date(2026, 12, 20))["expired"] == 1

    assert not clocks_of(document).filter(status__in=Deadline.RUNNING).exists()
    assert set(clocks_of(document).values_list("status", "waived_by", "waived_reason")) == {
        ("waived", None, "文件有效期届满，已失效")
    }


def test_the_filing_clock_closes_when_a_cleanup_repeals_the_document(
    published, officials, county, drafter
):
    campaign = _cleanup_of([published], officials, county)
    assert clocks_of(published).get(rule_key="normdocs.filing").status == "open"
    services.cleanup_item_decide(
        item=selectors.cleanup_entries(campaign)[0],
        by=drafter,
        outcome="repeal",
        reason="上位政策已调整",
    )
    services.cleanup_close(campaign=campaign, by=officials["advisor"])

    assert NormativeDocument.objects.get(pk=published.pk).status == Status.REPEALED
    assert (
        not clocks_of(published, *campaign.assignments.all())
        .filter(status__in=Deadline.RUNNING)
        .exists()
    )
    filing_clock = clocks_of(published).get(rule_key="normdocs.filing")
    assert filing_clock.waived_reason == end_reason(Status.REPEALED)


@pytest.mark.parametrize(
    ("revoke", "ends_as", "correction"),
    [
        (services.filing_issuer_revoke, Status.REVOKED, "met"),
        (services.filing_body_revoke, Status.REVOKED, "waived"),
    ],
)
def test_every_clock_closes_when_the_document_is_revoked_through_its_filing(
    published, officials, county, revoke, ends_as, correction
):
    # A cleanup is under way: the document is its body's only one left to review there.
    campaign = _cleanup_of([published], officials, county)
    filing = services.filing_submit(
        filing=Filing.objects.get(document=published),
        by=officials["publisher"],
        received_on=date(2026, 6, 15),
    )
    services.filing_request_correction(
        filing=filing, by=officials["filing_reviewer"], problem="第八条增设罚款，无上位法依据"
    )
    by = (
        officials["head"]
        if revoke is services.filing_issuer_revoke
        else officials["filing_reviewer"]
    )

    revoke(filing=filing, by=by, reason="按备案审查意见纠正")

    assert NormativeDocument.objects.get(pk=published.pk).status == ends_as
    assignment = campaign.assignments.get()
    assert not clocks_of(published, assignment).filter(status__in=Deadline.RUNNING).exists()
    review = clocks_of(published, assignment).get(rule_key="normdocs.cleanup_review")
    assert (review.status, review.waived_reason) == ("waived", end_reason(ends_as))
    # The issuer corrected in time; the filing body waived it itself, as before.
    assert clocks_of(published).get(rule_key="normdocs.filing_correction").status == correction


def test_a_cleanup_review_keeps_running_while_another_document_in_force_is_undecided(
    published, officials, county, bureau_body, drafter, drive
):
    other = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局法律援助办法"
    )
    drive(other, "published", drafter=drafter, immediate_reason="配合法律援助法施行")
    campaign = _cleanup_of([published, other], officials, county)
    services.normdoc_repeal(
        document=published, by=officials["head"], on=date(2026, 6, 15), reason="x"
    )
    assignment = campaign.assignments.get()
    assert clocks_of(published, assignment).get(rule_key="normdocs.cleanup_review").status == "open"
    assert clocks_of(published).get(rule_key="normdocs.filing").status == "waived"


def test_the_old_documents_clocks_close_when_its_amendment_replaces_it(
    published, bureau_body, drafter, drive
):
    successor = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title=published.title, amends=published
    )
    drive(successor, "published", drafter=drafter, immediate_reason="按备案审查意见立即纠正")

    assert NormativeDocument.objects.get(pk=published.pk).status == Status.AMENDED
    assert not clocks_of(published).filter(status__in=Deadline.RUNNING).exists()
    filing_clock = clocks_of(published).get(rule_key="normdocs.filing")
    assert filing_clock.waived_reason == end_reason(Status.AMENDED)
    # The successor's own filing clock runs.
    assert clocks_of(successor).get(rule_key="normdocs.filing").status == "open"

"""The four ends of a document (issue 17, domain.md §2): 撤销 (revoked by the issuer or the filing
body), 废止 (repealed), 宣布失效 (declared invalid) and 失效 (lapsed at the end of validity), each
its own move, record event, public status and count in the annual report."""

from datetime import date

import pytest

from normdocs import rules, services
from normdocs.models import ENDED_STATES, Filing, NormativeDocument, Status
from normdocs.permissions import PUBLIC_STATES
from normdocs.report import normdocs_section
from workflows.record.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_force(bureau_body, drafter, drive):
    """Three 司法局 documents in force from 2026-06-15, each filed with the county."""

    def make(title):
        document = services.normdoc_create(by=drafter, drafting_body=bureau_body, title=title)
        return drive(document, "published", drafter=drafter, immediate_reason="急需施行")

    return [make(f"乌恰县司法局第{i}号管理办法") for i in range(1, 4)]


def _revoke_by_the_filing_body(document, officials, on=date(2026, 7, 20)):
    filing = Filing.objects.get(document=document)
    services.filing_submit(filing=filing, by=officials["publisher"], received_on=date(2026, 6, 20))
    services.filing_request_correction(
        filing=filing, by=officials["filing_reviewer"], problem="增设行政处罚", on=date(2026, 7, 1)
    )
    return services.filing_body_revoke(
        filing=filing,
        by=officials["filing_reviewer"],
        reason="逾期未纠正",
        reference="恰政备审〔2026〕1号",
        on=on,
    )


def test_each_end_is_its_own_move_with_its_rule():
    for end in ("revoked", "repealed", "declared_invalid", "expired"):
        sources, rule = rules.LIFECYCLE[end]
        assert "in_force" in sources and rule
    assert "撤销" in rules.LIFECYCLE["revoked"][1]
    assert "自治区人民政府令第218号" in rules.LIFECYCLE["revoked"][1]
    assert "37号" in rules.LIFECYCLE["revoked"][1]
    assert Status.REVOKED in ENDED_STATES and Status.REVOKED in PUBLIC_STATES


def test_each_of_the_four_ends_has_its_own_record_event_and_status(in_force, officials):
    revoked, repealed, invalid = in_force
    _revoke_by_the_filing_body(revoked, officials)
    services.normdoc_repeal(
        document=repealed, by=officials["head"], on=date(2026, 7, 20), reason="清理废止"
    )
    services.normdoc_declare_invalid(
        document=invalid, by=officials["head"], on=date(2026, 7, 20), reason="清理宣布失效"
    )
    # The fourth, 失效, lapses by itself at the end of validity: see the next test.
    statuses = {
        d.pk: NormativeDocument.objects.get(pk=d.pk).status for d in (revoked, repealed, invalid)
    }
    assert statuses == {
        revoked.pk: Status.REVOKED,
        repealed.pk: Status.REPEALED,
        invalid.pk: Status.DECLARED_INVALID,
    }
    events = dict(
        Event.objects.filter(
            action__in=["normdoc.revoked", "normdoc.repealed", "normdoc.declared_invalid"]
        ).values_list("action", "object_id")
    )
    assert events == {
        "normdoc.revoked": str(revoked.pk),
        "normdoc.repealed": str(repealed.pk),
        "normdoc.declared_invalid": str(invalid.pk),
    }
    revocation = Event.objects.get(action="normdoc.revoked")
    assert revocation.payload["revoked_by"] == "filing_body"
    assert revocation.payload["body"] == "乌恰县人民政府"
    assert revocation.payload["reference"] == "恰政备审〔2026〕1号"


def test_a_document_lapses_at_the_end_of_its_validity_as_失效(in_force):
    document = in_force[0]
    assert document.valid_until is not None
    day_after = date.fromordinal(document.valid_until.toordinal() + 1)
    assert services.validity_sweep(on=day_after)["expired"] == len(in_force)
    document.refresh_from_db()
    assert document.status == Status.EXPIRED and document.ended_on == day_after
    assert Event.objects.filter(action="normdoc.expired", object_id=str(document.pk)).exists()
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(Status.EXPIRED.label) == "已失效"
        assert str(Status.REVOKED.label) == "已撤销"
        assert str(Status.DECLARED_INVALID.label) == "已宣布失效"
        assert str(Status.REPEALED.label) == "已废止"


def test_the_issuer_revoking_on_correction_is_撤销_by_the_issuer(in_force, officials):
    filing = Filing.objects.get(document=in_force[0])
    services.filing_submit(filing=filing, by=officials["publisher"], received_on=date(2026, 6, 20))
    services.filing_request_correction(
        filing=filing, by=officials["filing_reviewer"], problem="增设收费", on=date(2026, 7, 1)
    )
    services.filing_issuer_revoke(
        filing=filing, by=officials["head"], reason="自行纠正", on=date(2026, 7, 10)
    )
    assert NormativeDocument.objects.get(pk=in_force[0].pk).status == Status.REVOKED
    revocation = Event.objects.get(action="normdoc.revoked")
    assert revocation.payload["revoked_by"] == "issuer"
    assert revocation.payload["body"] == "乌恰县司法局"


def test_a_revocation_by_the_filing_body_shows_as_撤销_on_the_portal_and_in_the_report(
    in_force, officials, client
):
    from tests.portal.conftest import clear_portal_cache

    clear_portal_cache()  # the register's fragments are cached in Redis
    revoked, repealed, _ = in_force
    _revoke_by_the_filing_body(revoked, officials)
    services.normdoc_repeal(
        document=repealed, by=officials["head"], on=date(2026, 7, 20), reason="清理废止"
    )
    page = client.get(
        "/public/documents/?status=revoked", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert f'data-document="{revoked.pk}"' in page
    assert f'data-document="{repealed.pk}"' not in page
    assert "<td>已撤销</td>" in page and "<td>已宣布失效</td>" not in page
    detail = client.get(
        f"/public/documents/{revoked.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert 'data-testid="normdoc-status" data-status="revoked"' in detail
    assert "已撤销" in detail and "已宣布失效" not in detail
    invalid_list = client.get("/public/documents/?status=declared_invalid").content.decode()
    assert f'data-document="{revoked.pk}"' not in invalid_list

    section = normdocs_section(2026)
    ends = section["figures"]["ends"]
    assert ends["revoked"] == 1 and ends["revoked_by_filing_body"] == 1
    assert ends["declared_invalid"] == 0 and ends["repealed"] == 1
    text = "".join(section["sentences"])
    assert "撤销规范性文件1件" in text and "其中备案审查机关撤销1件" in text
    assert "宣布失效规范性文件" not in text

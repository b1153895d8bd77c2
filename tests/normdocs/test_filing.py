"""Filing (备案): 有件必备、有备必审、有错必纠 (令第218号)."""

from datetime import date

import pytest

from normdocs import services
from normdocs.models import Filing, NormativeDocument, Status
from normdocs.rules import RuleRefusal
from workflows.clocks.models import Deadline
from workflows.record.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing(bureau_body, drafter, drive):
    document = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局行政执法公示办法"
    )
    drive(document, "published", drafter=drafter, immediate_reason="配合行政执法三项制度全面推行")
    return Filing.objects.get(document=document)


@pytest.fixture
def received(filing, officials):
    return services.filing_submit(
        filing=filing, by=officials["publisher"], received_on=date(2026, 11, 26)
    )


def test_submission_meets_the_filing_clock_and_starts_the_thirty_day_review_at_the_receiver(
    received, county
):
    filing_clock = Deadline.objects.get(rule_key="normdocs.filing", object_id=str(received.pk))
    assert filing_clock.status == "met"
    review = Deadline.objects.get(rule_key="normdocs.filing_review", object_id=str(received.pk))
    assert review.responsible_unit == county
    assert review.due == received.review_due_on >= date(2026, 12, 26)
    assert received.status == Filing.Status.RECEIVED


def test_only_a_filing_reviewer_of_the_receiving_government_may_review(
    received, officials, make_person, township
):
    township_reviewer = make_person("township_reviewer", township, filing_reviewer=[township])
    for person in (officials["advisor"], township_reviewer):
        with pytest.raises(RuleRefusal) as info:
            services.filing_accept(filing=received, by=person)
        assert info.value.code == "not_filing_reviewer"
    services.filing_accept(
        filing=received, by=officials["filing_reviewer"], opinion="材料齐全，未发现问题"
    )
    assert Filing.objects.get(pk=received.pk).status == Filing.Status.ACCEPTED


def test_a_filing_returned_for_completion_is_submitted_again_and_then_accepted(received, officials):
    services.filing_return(
        filing=received, by=officials["filing_reviewer"], missing="缺少起草说明和合法性审核意见"
    )
    assert Filing.objects.get(pk=received.pk).status == Filing.Status.RETURNED
    with pytest.raises(RuleRefusal) as info:
        services.filing_accept(filing=received, by=officials["filing_reviewer"])
    assert info.value.code == "wrong_filing_state"
    services.filing_submit(
        filing=received, by=officials["publisher"], received_on=date(2026, 11, 27)
    )
    services.filing_accept(filing=received, by=officials["filing_reviewer"])
    actions = list(
        Event.objects.filter(action__startswith="normdoc.filing").values_list("action", flat=True)
    )
    assert actions == [
        "normdoc.filing.due",
        "normdoc.filing.submitted",
        "normdoc.filing.returned",
        "normdoc.filing.submitted",
        "normdoc.filing.accepted",
    ]


def test_a_problem_found_requests_correction_and_the_issuer_revokes(received, officials):
    services.filing_request_correction(
        filing=received, by=officials["filing_reviewer"], problem="第八条增设罚款，无上位法依据"
    )
    filing = Filing.objects.get(pk=received.pk)
    assert filing.correction_due_on is not None
    assert (
        Deadline.objects.get(rule_key="normdocs.filing_correction", object_id=str(filing.pk)).status
        == "open"
    )
    services.filing_issuer_revoke(filing=filing, by=officials["head"], reason="按备案审查意见废止")
    # 撤销 by the issuer, not 废止 (issue 17: four different ends).
    assert NormativeDocument.objects.get(pk=filing.document_id).status == Status.REVOKED
    assert Filing.objects.get(pk=filing.pk).status == Filing.Status.REVOKED_BY_ISSUER


def test_the_filing_body_revokes_a_document_the_issuer_did_not_correct(received, officials):
    services.filing_request_correction(
        filing=received, by=officials["filing_reviewer"], problem="越权设定行政许可"
    )
    services.filing_body_revoke(
        filing=received, by=officials["filing_reviewer"], reason="逾期未纠正"
    )
    document = NormativeDocument.objects.get(pk=received.document_id)
    assert document.status == Status.REVOKED  # 撤销, not 宣布失效 (issue 17)
    assert "filing body" in document.end_reason


def test_the_issuer_corrects_by_amendment_and_the_old_document_ends_when_the_new_one_takes_effect(
    received, officials, drafter, drive
):
    services.filing_request_correction(
        filing=received, by=officials["filing_reviewer"], problem="第三条表述不当"
    )
    successor = services.filing_issuer_amend(filing=received, by=drafter)
    assert successor.amends_id == received.document_id and successor.status == Status.DRAFT
    drive(successor, "published", drafter=drafter, immediate_reason="按备案审查意见立即纠正")
    assert NormativeDocument.objects.get(pk=received.document_id).status == Status.AMENDED


def test_a_township_document_is_filed_with_the_county(township_body, officials, drive, county):
    drafter = officials["township_drafter"]
    document = services.normdoc_create(
        by=drafter, drafting_body=township_body, title="吾合沙鲁乡村规民约管理办法"
    )
    drive(document, "published", drafter=drafter)
    assert Filing.objects.get(document=document).receiving_unit == county


def test_a_county_document_is_filed_outside_and_recorded_not_reviewed_here(
    county_body, county_drafter, officials, drive
):
    """Issue 17: the county's own documents go to the prefecture and the standing committee
    (bodies outside the installation); the clerk records them, nobody here reviews them."""
    document = services.normdoc_create(
        by=county_drafter, drafting_body=county_body, title="县政府规定"
    )
    drive(document, "published", drafter=county_drafter)
    filings = list(Filing.objects.filter(document=document).order_by("pk"))
    assert [f.receiving_unit for f in filings] == [None, None]
    assert {f.receiving_body.name for f in filings} == {
        "克孜勒苏柯尔克孜自治州人民政府",
        "乌恰县人大常委会",
    }
    with pytest.raises(RuleRefusal) as info:
        services.filing_submit(filing=filings[0], by=officials["publisher"])
    assert info.value.code == "receiving_body_outside"

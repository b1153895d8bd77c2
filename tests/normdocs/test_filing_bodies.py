"""Filing with every receiving body, in and outside the installation (issue 17; 自治区人民政府令
第218号: a government's documents are filed with the next-higher government and the same-level
people's congress standing committee within 30 days of publication; a department's or
township's with the county government)."""

from datetime import date

import pytest
from django.urls import reverse

from normdocs import services
from normdocs.inbox import normdoc_inbox_items
from normdocs.models import Filing, FilingBody, NormativeDocument, Status
from normdocs.rules import RuleRefusal
from normdocs.steps import document_steps
from workflows.clocks.models import Deadline
from workflows.record.models import Event

pytestmark = pytest.mark.django_db

PREFECTURE = "克孜勒苏柯尔克孜自治州人民政府"
COMMITTEE = "乌恰县人大常委会"


@pytest.fixture
def county_document(county_body, county_drafter, drive):
    """A county-government document published on 2026-06-15 (the suite's today)."""
    document = services.normdoc_create(
        by=county_drafter, drafting_body=county_body, title="乌恰县城乡环境卫生管理规定"
    )
    return drive(document, "published", drafter=county_drafter)


def _clock(filing, rule_key):
    return Deadline.objects.get(
        rule_key=rule_key, object_id=str(filing.pk), content_type__model="filing"
    )


def _by_body(document):
    return {f.receiving_body.name: f for f in Filing.objects.filter(document=document)}


def test_a_county_document_is_filed_with_the_prefecture_and_the_standing_committee_and_both_clocks_are_met(  # noqa: E501
    county_document, officials, travel_to
):
    filings = _by_body(county_document)
    assert set(filings) == {PREFECTURE, COMMITTEE}
    for filing in filings.values():
        assert filing.receiving_unit is None and filing.status == Filing.Status.DUE
        clock = _clock(filing, "normdocs.filing")
        assert clock.status == "open" and clock.due == filing.due_on == date(2026, 7, 15)
        assert clock.legal_source.startswith("自治区人民政府令第218号")

    travel_to(date(2026, 7, 2))
    for name, filing in filings.items():
        services.filing_external_submit(
            filing=filing,
            by=officials["publisher"],
            submitted_on=date(2026, 7, 2),
            reference=f"恰政报〔2026〕{3 if name == PREFECTURE else 4}号",
            materials="备案报告、规范性文件正式文本、起草说明、制定依据",
        )
    travel_to(date(2026, 7, 6))
    services.filing_external_receipt(
        filing=filings[PREFECTURE], by=officials["publisher"], received_on=date(2026, 7, 6)
    )
    services.filing_external_receipt(
        filing=filings[COMMITTEE], by=officials["head"], received_on=date(2026, 7, 3)
    )

    for filing in _by_body(county_document).values():
        assert filing.status == Filing.Status.RECEIVED
        assert filing.submitted_on == date(2026, 7, 2) and filing.reference.startswith("恰政报")
        filed = _clock(filing, "normdocs.filing")
        assert filed.status == "met"  # the submission meets the 30 days after publication
        review = _clock(filing, "normdocs.filing_review")
        # The outside body's 30 days, with the county's clerk reminded to chase the outcome.
        assert review.status == "open" and review.due == filing.review_due_on
        assert review.responsible_unit == county_document.drafting_body.unit
        assert review.responsible_role == "publisher"
    assert _by_body(county_document)[PREFECTURE].review_due_on == date(2026, 8, 5)

    travel_to(date(2026, 7, 20))
    accepted = services.filing_external_outcome(
        filing=filings[PREFECTURE],
        by=officials["publisher"],
        outcome="accepted",
        on=date(2026, 7, 20),
        reference="克州政法规备〔2026〕12号",
    )
    assert accepted.status == Filing.Status.ACCEPTED and accepted.outcome_on == date(2026, 7, 20)
    assert _clock(accepted, "normdocs.filing_review").status == "met"
    actions = list(
        Event.objects.filter(action__startswith="normdoc.filing").values_list("action", flat=True)
    )
    assert actions.count("normdoc.filing.submitted") == 2
    assert actions.count("normdoc.filing.received") == 2
    assert "normdoc.filing.accepted" in actions

    # The annual report counts them, apart from the filings the county reviews itself.
    from normdocs.report import normdocs_section

    section = normdocs_section(2026)
    outside = section["figures"]["filed_outside"]
    assert (outside["submitted"], outside["on_time"], outside["received"]) == (2, 2, 2)
    assert outside["accepted"] == 1 and outside["awaiting_outcome"] == 1
    assert section["figures"]["filing_review"]["received"] == 0
    text = "".join(section["sentences"])
    assert "报送备案规范性文件2件（按期报送2件）" in text and PREFECTURE in text


def test_the_clerk_is_reminded_in_the_inbox_and_the_outside_body_is_not_reviewed_here(
    county_document, officials, travel_to
):
    publisher = officials["publisher"]
    due = [i for i in normdoc_inbox_items(publisher) if i.kind == "normdocs.filing_submit"]
    assert len(due) == 2 and {i.due for i in due} == {date(2026, 7, 15)}
    filing = _by_body(county_document)[PREFECTURE]
    services.filing_external_submit(
        filing=filing,
        by=publisher,
        reference="恰政报〔2026〕3号",
        materials="备案报告、正式文本",
        received_on=date(2026, 6, 18),
    )
    outcome = [i for i in normdoc_inbox_items(publisher) if i.kind == "normdocs.filing_outcome"]
    # Due when the outside body's 30 days after receipt end (a Saturday: the Monday after).
    assert [i.due for i in outcome] == [Filing.objects.get(pk=filing.pk).review_due_on]
    assert outcome[0].due == date(2026, 7, 20)
    # Nobody in the installation reviews it: the county's filing reviewer has nothing to do.
    assert not [i for i in normdoc_inbox_items(officials["filing_reviewer"]) if "filing" in i.kind]
    with pytest.raises(RuleRefusal) as info:
        services.filing_accept(filing=filing, by=officials["filing_reviewer"])
    assert info.value.code == "not_filing_reviewer"
    # Only the issuing body's clerk records it.
    with pytest.raises(RuleRefusal) as info:
        services.filing_external_receipt(
            filing=_by_body(county_document)[COMMITTEE],
            by=officials["filing_reviewer"],
            received_on=date(2026, 6, 18),
        )
    assert info.value.code == "not_issuing_body"


def test_a_submission_needs_its_reference_and_materials_and_a_receipt_follows_it(
    county_document, officials
):
    filing = _by_body(county_document)[COMMITTEE]
    with pytest.raises(RuleRefusal) as info:
        services.filing_external_submit(
            filing=filing, by=officials["publisher"], reference="", materials="正式文本"
        )
    assert info.value.code == "submission_incomplete"
    services.filing_external_submit(
        filing=filing,
        by=officials["publisher"],
        reference="恰政报〔2026〕4号",
        materials="正式文本",
    )
    with pytest.raises(RuleRefusal) as info:
        services.filing_external_receipt(
            filing=filing, by=officials["publisher"], received_on=date(2026, 6, 1)
        )
    assert info.value.code == "before_submission"


def test_the_outside_body_asks_for_correction_by_its_deadline_then_revokes(
    county_document, officials, travel_to
):
    filing = _by_body(county_document)[COMMITTEE]
    services.filing_external_submit(
        filing=filing,
        by=officials["publisher"],
        reference="恰政报〔2026〕4号",
        materials="备案报告、正式文本",
        received_on=date(2026, 6, 20),
    )
    travel_to(date(2026, 7, 10))
    services.filing_external_outcome(
        filing=filing,
        by=officials["publisher"],
        outcome="correction_requested",
        on=date(2026, 7, 10),
        reference="恰人常备审〔2026〕2号",
        opinion="第六条增设罚款，无上位法依据",
        correction_due_on=date(2026, 8, 10),
    )
    filing.refresh_from_db()
    assert filing.correction_due_on == date(2026, 8, 10)
    assert _clock(filing, "normdocs.filing_correction").due == date(2026, 8, 10)
    travel_to(date(2026, 8, 20))
    services.filing_external_outcome(
        filing=filing,
        by=officials["publisher"],
        outcome="revoked",
        on=date(2026, 8, 20),
        reference="恰人常发〔2026〕9号",
        opinion="逾期未纠正，予以撤销",
    )
    document = NormativeDocument.objects.get(pk=county_document.pk)
    assert document.status == Status.REVOKED and document.ended_on == date(2026, 8, 20)
    revoked = Event.objects.get(action="normdoc.revoked")
    assert revoked.payload["revoked_by"] == "filing_body"
    assert revoked.payload["body"] == COMMITTEE
    assert revoked.payload["reference"] == "恰人常发〔2026〕9号"
    # Its other filing's clock closes with the document.
    other = _by_body(county_document)[PREFECTURE]
    assert _clock(other, "normdocs.filing").status == "waived"


def test_a_department_document_is_filed_with_the_county_and_reviewed_inside_as_before(
    bureau_body, drafter, drive, officials, county
):
    document = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局法律援助工作办法"
    )
    drive(document, "published", drafter=drafter)
    (filing,) = Filing.objects.filter(document=document)
    assert filing.receiving_unit == county and filing.receiving_body is None
    services.filing_submit(filing=filing, by=officials["publisher"], received_on=date(2026, 6, 20))
    assert _clock(filing, "normdocs.filing").status == "met"
    services.filing_accept(filing=filing, by=officials["filing_reviewer"], opinion="未发现问题")
    assert Filing.objects.get(pk=filing.pk).status == Filing.Status.ACCEPTED
    with pytest.raises(RuleRefusal) as info:
        services.filing_external_receipt(
            filing=filing, by=officials["publisher"], received_on=date(2026, 6, 20)
        )
    assert info.value.code == "receiving_unit_inside"


def test_a_document_has_one_filing_per_receiving_body(county_document):
    from django.db import IntegrityError, transaction

    body = FilingBody.objects.get(name=PREFECTURE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Filing.objects.create(document=county_document, receiving_body=body)
    with pytest.raises(IntegrityError), transaction.atomic():
        Filing.objects.create(document=county_document)  # no receiving body at all


def test_a_government_with_nobody_to_file_with_is_refused_publication(
    county_body, county_drafter, drive
):
    FilingBody.objects.update(active=False)
    document = services.normdoc_create(
        by=county_drafter, drafting_body=county_body, title="乌恰县农村公路养护办法"
    )
    with pytest.raises(RuleRefusal) as info:
        drive(document, "published", drafter=county_drafter)
    assert info.value.code == "no_filing_body"


def test_the_page_and_the_api_record_an_outside_filing(county_document, officials, client):
    client.force_login(officials["publisher"])
    body = FilingBody.objects.get(name=PREFECTURE)
    url = reverse("normdocs:register:detail", args=[county_document.pk])
    page = client.get(url).content.decode()
    assert page.count('data-testid="filing"') == 2 and PREFECTURE in page
    assert "filing_external_submit" in document_steps()
    response = client.post(
        f"/api/v1/normdocs/{county_document.pk}/filing-external-submit/",
        {
            "receiving_body": body.pk,
            "submitted_on": "2026-06-15",
            "reference": "恰政报〔2026〕3号",
            "materials": "备案报告、正式文本",
        },
        content_type="application/json",
    )
    assert response.status_code in (200, 201), response.content
    filing = Filing.objects.get(document=county_document, receiving_body=body)
    assert filing.status == Filing.Status.SUBMITTED
    detail = client.get(f"/api/v1/normdocs/{county_document.pk}/").json()
    assert {f["receiving_body"] for f in detail["filings"]} == {PREFECTURE, COMMITTEE}


def test_the_data_migration_keeps_every_filing_and_moves_its_clock(
    county_document, bureau_body, drafter, drive
):
    """0008: a filing with its unit keeps it; one without gets a body outside; the filing
    clock that ran on the document runs on its filing."""
    import importlib

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    migration = importlib.import_module("normdocs.migrations.0008_filings_ends")
    document = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局人民调解工作办法"
    )
    drive(document, "published", drafter=drafter)
    inside = Filing.objects.get(document=document)
    # An old filing: on the document's clock, and a county filing with no receiver.
    clock = _clock(inside, "normdocs.filing")
    Deadline.objects.filter(pk=clock.pk).update(
        content_type=ContentType.objects.get_for_model(NormativeDocument),
        object_id=str(document.pk),
    )
    old = Filing.objects.filter(document=county_document).order_by("pk").first()
    Filing.objects.filter(document=county_document).exclude(pk=old.pk).delete()
    Deadline.objects.filter(object_id=str(old.pk), content_type__model="filing").delete()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE normdocs_filing DROP CONSTRAINT normdocs_filing_one_receiver")
        cursor.execute(
            "UPDATE normdocs_filing SET receiving_body_id = NULL WHERE id = %s", [old.pk]
        )

        class Editor:
            pass

        editor = Editor()
        editor.connection = connection
        editor.execute = cursor.execute
        migration.filings_forward(apps, editor)

    inside.refresh_from_db()
    old.refresh_from_db()
    assert inside.receiving_unit_id == bureau_body.unit.parent_id  # kept as it was
    assert old.receiving_body.name == migration.OUTSIDE_NAME
    assert old.receiving_body.filer_id == county_document.drafting_body.unit_id
    moved = Deadline.objects.get(pk=clock.pk)
    assert (moved.content_type.model, moved.object_id) == ("filing", str(inside.pk))

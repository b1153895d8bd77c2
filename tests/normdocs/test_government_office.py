"""The government office (县人民政府办公室) is not a department (issue 17): its documents are
deliberated at the government's executive or plenary meeting and counted with the
government's own in the annual report."""

from datetime import date

import pytest

from normdocs import services
from normdocs.rules import RuleRefusal


@pytest.fixture
def office_body(county, county_body, officials, make_person):
    from workflows.models import Unit
    from workflows.services import unit_ensure

    # Named without the usual suffix: recognised as the government names it, not by its name.
    office = unit_ensure(
        name="县政府办", kind=Unit.Kind.DEPARTMENT, issuer_code="恰政办", parent=county
    )[0]
    county.general_office = office
    county.save(update_fields=["general_office"])
    return services.drafting_body_register(
        unit=office,
        kind="department",
        legal_basis="《地方组织法》；县政府授权",
        issuer_codes=["恰政办"],
        by=county_body.registered_by,
    )


@pytest.fixture
def office_document(office_body, make_person, officials, drive):
    from workflows.permissions import role_grant

    drafter = make_person("office_drafter", office_body.unit, drafter=[office_body.unit])
    # 司法局 reviews the government office's documents too (国办发〔2018〕115号 二(二)).
    role_grant(user=officials["advisor"], role="legal_advisor", unit=office_body.unit)
    document = services.normdoc_create(
        by=drafter, drafting_body=office_body, title="关于办文的规定"
    )
    return drive(document, "deliberation", drafter=drafter)


@pytest.mark.django_db
def test_a_government_office_document_goes_to_the_executive_meeting_not_an_office_meeting(
    office_document, django_user_model
):
    # The county government's meeting secretary records it: the government's meeting.
    secretary = django_user_model.objects.get(username="secretary")
    with pytest.raises(RuleRefusal) as info:
        services.normdoc_deliberate(
            document=office_document,
            by=secretary,
            meeting_kind="office_meeting",
            meeting_on=date.today(),
            adopted=True,
        )
    assert info.value.code == "wrong_meeting"
    services.normdoc_deliberate(
        document=office_document,
        by=secretary,
        meeting_kind="executive_meeting",
        meeting_on=date.today(),
        adopted=True,
    )
    assert office_document.deliberations.get().meeting_kind == "executive_meeting"


@pytest.mark.django_db
def test_a_department_still_deliberates_at_its_office_meeting(bureau_body, office_body):
    assert services.drafting_body_deliberates_as(bureau_body) == "department"
    assert services.drafting_body_deliberates_as(office_body) == "government"


@pytest.mark.django_db
def test_the_report_counts_the_government_offices_documents_in_the_governments_name(
    office_body, county_body, bureau_body, django_user_model
):
    root = django_user_model.objects.create_superuser("root", password="x-sec-123456")
    from normdocs.report import normdocs_section

    year = date.today().year - 1
    for body, number in [
        (office_body, f"恰政办发〔{year}〕3号"),
        (county_body, f"恰政发〔{year}〕4号"),
        (bureau_body, f"恰司规〔{year}〕5号"),
    ]:
        services.normdoc_import_published(
            by=root,
            drafting_body=body,
            title="规定",
            number=number,
            published_on=date(year, 3, 1),
        )
    section = normdocs_section(year)
    assert section["figures"]["issued"]["government"] == 1
    assert section["figures"]["issued"]["government_office"] == 1
    assert section["figures"]["issued"]["others"] == 1
    assert any("以人民政府办公室名义发布规范性文件1件" in s for s in section["sentences"])

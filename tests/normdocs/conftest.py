"""People and bodies for the normative-document tests, and a helper that drives a document."""

from datetime import date, timedelta

import pytest


@pytest.fixture
def county_body(county, make_person):
    from normdocs.services import drafting_body_register

    seed_filing_bodies(county)

    clerk = make_person("body_clerk", county, administrator=[county])
    return drafting_body_register(
        unit=county,
        kind="government",
        legal_basis="《地方各级人民代表大会和地方各级人民政府组织法》第七十三条",
        issuer_codes=["恰政"],
        by=clerk,
    )


def seed_filing_bodies(county):
    """The bodies outside the installation the county government files with (令第218号)."""
    from normdocs.models import FilingBody

    for name, kind in (
        ("克孜勒苏柯尔克孜自治州人民政府", "prefecture_government"),
        ("乌恰县人大常委会", "peoples_congress_standing_committee"),
    ):
        FilingBody.objects.get_or_create(filer=county, name=name, defaults={"kind": kind})


@pytest.fixture
def bureau_body(justice_bureau, county_body, make_person):
    from normdocs.services import drafting_body_register

    return drafting_body_register(
        unit=justice_bureau,
        kind="department",
        legal_basis="《地方组织法》第七十九条；三定方案",
        issuer_codes=["恰司"],
        by=county_body.registered_by,
    )


@pytest.fixture
def township_body(township, county_body):
    from normdocs.services import drafting_body_register

    return drafting_body_register(
        unit=township,
        kind="township",
        legal_basis="《地方组织法》第七十六条",
        issuer_codes=["恰吾乡"],
        by=county_body.registered_by,
    )


@pytest.fixture
def county_drafter(make_person, county):
    return make_person("county_drafter", county, drafter=[county])


@pytest.fixture
def officials(make_person, county, justice_bureau, township):
    """Everyone a document meets on its way, scoped to the county, 司法局 and the township."""
    units = [county, justice_bureau, township]
    return {
        "secretary": make_person(
            "secretary", county, meeting_secretary=[county], unit_head=[justice_bureau, township]
        ),
        "publisher": make_person("publisher", county, publisher=units),
        "head": make_person(
            "head", county, principal=[county], unit_head=[justice_bureau, township]
        ),
        "filing_reviewer": make_person("filing_reviewer", justice_bureau, filing_reviewer=[county]),
        "advisor": make_person("advisor", justice_bureau, legal_advisor=units),
        "township_drafter": make_person("township_drafter", township, drafter=[township]),
    }


# What a complete submission carries (国办发〔2018〕115号 二(三)) and a clean checklist.
MATERIALS = {
    "drafting_explanation": "起草说明：依据上位法，结合本县实际起草。",
    "comment_account": "已公开征求意见，采纳情况见意见采纳报告。",
}
CHECKLIST = {
    key: {"ok": True, "note": ""}
    for key in (
        "no_licence",
        "no_penalty",
        "no_coercive_measure",
        "no_levy_or_fee",
        "no_reduced_rights",
        "no_enlarged_powers",
        "no_anti_competitive",
    )
}


def submit_complete(*, document, by, **kwargs):
    """Submit with every material (the draft's own text and legal basis when it has them)."""
    from normdocs import services

    return services.legality_review_submit(
        document=document,
        by=by,
        text=kwargs.pop("text", None) or document.text or "第一条　为了规范……，制定本规定。",
        legal_basis=kwargs.pop("legal_basis", None)
        or document.legal_basis
        or "《中华人民共和国法律援助法》",
        **{**MATERIALS, **kwargs},
    )


MEETING = {
    "government": "executive_meeting",
    "department": "office_meeting",
    "township": "office_meeting",
}


@pytest.fixture
def drive(officials):
    """drive(document, to, drafter=...) takes a document through every step up to ``to``."""
    from normdocs import services
    from normdocs.models import LegalityReview

    def run(document, to, *, drafter, published_on=None, immediate_reason="", year=None):
        steps = ["legality_review", "deliberation", "registered", "published"]
        for step in steps[: steps.index(to) + 1]:
            if step == "legality_review":
                # Submitted long enough ago that the minimum review period has run.
                submit_complete(document=document, by=drafter, on=date.today() - timedelta(days=40))
            elif step == "deliberation":
                review = document.reviews.order_by("-id").first()
                services.legality_review_conclude(
                    review=review,
                    by=officials["advisor"],
                    outcome=LegalityReview.Outcome.LAWFUL,
                    opinion="符合法律法规规定",
                    checklist=CHECKLIST,
                )
                services.normdoc_send_to_deliberation(document=document, by=drafter)
            elif step == "registered":
                services.normdoc_deliberate(
                    document=document,
                    by=officials["secretary"],
                    meeting_kind=MEETING[document.drafting_body.kind],
                    meeting_on=date.today(),
                    adopted=True,
                )
                # A publication entered after the fact was registered no later than it.
                services.normdoc_register(
                    document=document,
                    by=officials["publisher"],
                    year=year,
                    on=published_on if published_on and published_on < date.today() else None,
                )
            elif step == "published":
                services.normdoc_publish(
                    document=document,
                    by=officials["publisher"],
                    published_on=published_on,
                    immediate_reason=immediate_reason,
                )
            document.refresh_from_db()
        return document

    return run

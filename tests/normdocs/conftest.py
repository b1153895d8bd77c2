"""People and bodies for the normative-document tests, and a helper that drives a document."""

from datetime import date, timedelta

import pytest


@pytest.fixture
def county_body(county, make_person):
    from normdocs.services import drafting_body_register

    clerk = make_person("body_clerk", county, administrator=[county])
    return drafting_body_register(
        unit=county,
        kind="government",
        legal_basis="《地方各级人民代表大会和地方各级人民政府组织法》第七十三条",
        issuer_codes=["恰政"],
        by=clerk,
    )


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
                services.legality_review_submit(
                    document=document, by=drafter, on=date.today() - timedelta(days=40)
                )
            elif step == "deliberation":
                review = document.reviews.order_by("-id").first()
                services.legality_review_conclude(
                    review=review,
                    by=officials["advisor"],
                    outcome=LegalityReview.Outcome.LAWFUL,
                    opinion="符合法律法规规定",
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
                services.normdoc_register(document=document, by=officials["publisher"], year=year)
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

"""The decision's detail by API carries its latest legality review by the review office (第二十五条
至第二十八条: when the opinion is needed, the minimum, the outcome, the opinion's number and its
approval) and the agenda items of the numbered sessions it went to (第三十条), all typed in the
schema."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from decisions import services as s
from decisions.models import LegalityReview
from tests.decisions.conftest import Driver

pytestmark = pytest.mark.django_db
NINE_AM_SHANGHAI = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)


def _detail(api, user, decision) -> dict:
    response = api(user).get(f"/api/v1/decisions/{decision.pk}/")
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_detail_shows_the_latest_review_and_the_sessions_it_went_to(
    api, people, catalogue_item
):
    drive = Driver(people, catalogue_item)
    d = drive.initiate()
    assert _detail(api, people["drafter"], d)["legality_review"] is None
    assert _detail(api, people["drafter"], d)["agenda_items"] == []

    drive.consult(d)
    drive.assess(d)
    drive.review(d)
    drive.to_meeting(d)
    review = LegalityReview.objects.get(decision=d)
    detail = _detail(api, people["drafter"], d)["legality_review"]
    assert detail["id"] == review.pk
    assert detail["status"] == "completed"
    assert detail["review_office"] == {"id": people["bureau"].pk, "name": people["bureau"].name}
    assert detail["opinion_needed_by"] == review.opinion_needed_by.isoformat()
    assert detail["short_time_reason"] == ""
    assert detail["minimum_unchecked"] is False and detail["minimum_unchecked_year"] is None
    assert detail["outcome"] == "lawful"
    assert detail["opinion_number"] == review.opinion_number != ""
    assert detail["approved_at"].startswith(
        timezone.localtime(review.completed_at).strftime("%Y-%m-%dT%H:%M")
    )

    # Deferred at the first session, adopted at the next one.
    first = drive.open_meeting(d, session=drive.plan_session(held_at=NINE_AM_SHANGHAI))
    items = _detail(api, people["drafter"], d)["agenda_items"]
    assert [(i["session"], i["session_number"], i["outcome"]) for i in items] == [
        (first.item.session_id, 1, "")
    ]
    drive.statements(first, ["abstain"] * 4)
    s.meeting_decide(
        meeting=first, by=people["secretary"], head_decision="defer", statement="再研究。"
    )
    drive.adopt(d)

    items = _detail(api, people["drafter"], d)["agenda_items"]
    assert [(i["session_number"], i["session_kind"], i["outcome"]) for i in items] == [
        (1, "executive", "defer"),
        (2, "executive", "adopt"),
    ]
    assert items[0]["held_at"].startswith("2026-06-15T09:00")  # the county's time
    assert items[0]["session_year"] == 2026 and items[0]["order"] == 1


def test_the_session_is_named_as_its_official_papers_name_it_whatever_the_language(
    api, people, catalogue_item
):
    drive = Driver(people, catalogue_item)
    d = drive.up_to_meeting()
    drive.open_meeting(d, session=drive.plan_session(held_at=NINE_AM_SHANGHAI))

    response = api(people["drafter"]).get(f"/api/v1/decisions/{d.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["agenda_items"][0]["session_title"] == "乌恰县人民政府第1次常务会议"


def test_a_shortened_review_time_and_an_unchecked_minimum_are_shown(api, people, catalogue_item):
    drive = Driver(people, catalogue_item)
    d = drive.up_to_meeting()
    LegalityReview.objects.filter(decision=d).update(
        short_time_reason="防汛应急，须于汛期前实施", minimum_unchecked_year=2027
    )

    detail = _detail(api, people["drafter"], d)["legality_review"]

    assert detail["short_time_reason"] == "防汛应急，须于汛期前实施"
    assert detail["minimum_unchecked"] is True and detail["minimum_unchecked_year"] == 2027


def test_the_new_fields_are_typed_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    detail = components["DecisionDetail"]["properties"]
    assert detail["agenda_items"]["type"] == "array"
    item = components["DecisionAgendaItem"]["properties"]
    assert item["session"]["type"] == "integer"
    assert item["session_title"]["type"] == "string"
    assert item["held_at"] == {"type": "string", "format": "date-time", "readOnly": True}
    assert {"$ref": "#/components/schemas/DecisionOutcomeEnum"} in item["outcome"]["oneOf"]
    review = components["LegalityReviewBrief"]["properties"]
    assert review["minimum_unchecked"]["type"] == "boolean"
    assert review["approved_at"]["format"] == "date-time"
    assert review["opinion_needed_by"]["format"] == "date"
    assert {"$ref": "#/components/schemas/LegalityReviewOutcomeEnum"} in review["outcome"]["oneOf"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in review["outcome"]["oneOf"]

"""The submission for legality review and its conclusion (国办发〔2018〕115号): the materials,
the 5 working days the drafter leaves, the reviewer's 15, and the content-limit checklist."""

from datetime import date

import pytest

from normdocs import rules, services
from normdocs.models import LegalityReview, Status
from normdocs.rules import RuleRefusal
from workflows.record.models import Event

from .conftest import CHECKLIST, submit_complete

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 6, 9)  # an ordinary week, no holiday for three weeks


@pytest.fixture
def draft(bureau_body, drafter):
    return services.normdoc_create(
        by=drafter,
        drafting_body=bureau_body,
        title="乌恰县司法局法律援助工作规定",
        text="第一条……",
        legal_basis="《法律援助法》",
    )


# --- materials (115号 二(三)) ------------------------------------------------------------------


def test_an_incomplete_submission_is_refused_listing_everything_missing(bureau_body, drafter):
    document = services.normdoc_create(
        by=drafter,
        drafting_body=bureau_body,
        title="涉及群众利益的规定",
        touches_public_interest=True,
    )
    with pytest.raises(RuleRefusal) as info:
        services.legality_review_submit(document=document, by=drafter)
    assert info.value.code == "review_materials_missing"
    assert info.value.params["missing"] == "草案文本、起草说明、制定依据、征求意见及采纳情况"
    document.refresh_from_db()
    assert document.status == Status.DRAFT and not document.reviews.exists()


def test_a_submission_lacking_only_the_explanation_names_only_it(draft, drafter):
    with pytest.raises(RuleRefusal) as info:
        services.legality_review_submit(document=draft, by=drafter)
    assert info.value.params["missing"] == "起草说明"
    # A document not touching the public interest needs no comment account.
    review = services.legality_review_submit(
        document=draft, by=drafter, drafting_explanation="起草说明"
    )
    assert (review.drafting_explanation, review.legal_basis) == ("起草说明", "《法律援助法》")


# --- 5 working days left by the drafter, 15 for the reviewer (115号 三(二)) ---------------------


def test_an_urgent_review_concludes_on_the_second_working_day(draft, drafter, officials):
    review = submit_complete(
        document=draft,
        by=drafter,
        on=MONDAY,
        opinion_needed_by=date(2025, 6, 10),
        short_notice_reason="上级督办，须于次日印发",
    )
    assert review.short_notice_reason == "上级督办，须于次日印发"
    services.legality_review_conclude(
        review=review,
        by=officials["advisor"],
        outcome="lawful",
        opinion="合法",
        checklist=CHECKLIST,
        on=date(2025, 6, 10),
    )
    review.refresh_from_db()
    assert review.outcome == "lawful"


def test_a_date_four_working_days_later_is_refused_without_a_reason_and_accepted_with_one(
    draft, drafter
):
    friday = date(2025, 6, 13)  # the fourth working day after Monday
    with pytest.raises(RuleRefusal) as info:
        submit_complete(document=draft, by=drafter, on=MONDAY, opinion_needed_by=friday)
    assert info.value.code == "review_time_too_short"
    assert info.value.params["minimum_day"] == "2025-06-16"
    review = submit_complete(
        document=draft,
        by=drafter,
        on=MONDAY,
        opinion_needed_by=friday,
        short_notice_reason="汛期安排，须提前印发",
    )
    assert review.opinion_needed_by == friday
    event = Event.objects.filter(action="normdoc.legality_review.submitted").latest("seq")
    assert event.payload["short_notice_reason"] == "汛期安排，须提前印发"


def test_five_calendar_days_across_the_golden_week_are_not_five_working_days(draft, drafter):
    # Submitted on 30 September 2025: 1–8 October is the National Day holiday.
    with pytest.raises(RuleRefusal) as info:
        submit_complete(
            document=draft, by=drafter, on=date(2025, 9, 30), opinion_needed_by=date(2025, 10, 5)
        )
    assert info.value.code == "review_time_too_short"


def test_the_default_request_leaves_five_working_days_and_the_clock_falls_due_on_the_fifteenth(
    draft, drafter
):
    from workflows.clocks.models import Deadline

    review = submit_complete(document=draft, by=drafter, on=MONDAY)
    assert review.opinion_needed_by == date(2025, 6, 16)
    assert review.due_on == date(2025, 6, 30)  # the 15th working day after Monday 9 June
    deadline = Deadline.objects.get(rule_key="normdocs.legality_review", object_id=str(draft.pk))
    assert deadline.due == date(2025, 6, 30)


def test_a_date_before_the_submission_is_refused(draft, drafter):
    with pytest.raises(RuleRefusal) as info:
        submit_complete(
            document=draft,
            by=drafter,
            on=MONDAY,
            opinion_needed_by=date(2025, 6, 6),
            short_notice_reason="紧急",
        )
    assert info.value.code == "needed_by_before_submission"


# --- the content-limit checklist (37号 二(一); 115号) -------------------------------------------


def _problem(key, note="第五条设定罚款"):
    return {**CHECKLIST, key: {"ok": False, "note": note}}


def test_a_lawful_conclusion_with_a_content_problem_is_refused(draft, drafter, officials):
    review = submit_complete(document=draft, by=drafter)
    with pytest.raises(RuleRefusal) as info:
        services.legality_review_conclude(
            review=review,
            by=officials["advisor"],
            outcome="lawful",
            opinion="合法",
            checklist=_problem("no_penalty"),
        )
    assert info.value.code == "lawful_with_content_problem"
    assert LegalityReview.objects.get(pk=review.pk).outcome == ""


def test_every_item_of_the_checklist_is_answered_and_a_problem_explained(draft, drafter, officials):
    review = submit_complete(document=draft, by=drafter)
    partial = {key: value for key, value in CHECKLIST.items() if key != "no_anti_competitive"}
    for checklist, code in [
        (partial, "checklist_incomplete"),
        (_problem("no_levy_or_fee", note=""), "checklist_problem_unexplained"),
    ]:
        with pytest.raises(RuleRefusal) as info:
            services.legality_review_conclude(
                review=review,
                by=officials["advisor"],
                outcome="needs_amendment",
                opinion="需修改",
                checklist=checklist,
            )
        assert info.value.code == code


def test_the_checklist_is_stored_with_its_fixed_keys_and_shown_on_the_page(
    draft, drafter, officials, client
):
    review = submit_complete(document=draft, by=drafter)
    services.legality_review_conclude(
        review=review,
        by=officials["advisor"],
        outcome="needs_amendment",
        opinion="删除第五条",
        checklist=_problem("no_penalty"),
    )
    review.refresh_from_db()
    assert set(review.content_checklist) == set(rules.CONTENT_LIMITS)
    assert review.content_checklist["no_penalty"] == {"ok": False, "note": "第五条设定罚款"}
    event = Event.objects.filter(action="normdoc.legality_review.concluded").latest("seq")
    assert event.payload["checklist"]["no_penalty"]["ok"] is False
    client.force_login(drafter)
    page = client.get(f"/normdocs/register/{draft.pk}/").content.decode()
    assert 'data-testid="checklist-item"' in page and "第五条设定罚款" in page

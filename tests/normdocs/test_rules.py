"""The pure rules: document and index numbers, dates, refusals."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from normdocs import rules
from normdocs.rules import MalformedDocumentNumber, MalformedIndexNumber, parse_document_number


@pytest.mark.parametrize(
    "text",
    [
        "恰政规〔2022〕1号",
        "恰政规[2022]1号",
        "恰政规(2022)1号",
        "恰政规（2022）1号",
        "恰政规【2022】1号",
        "恰政规2022 1号",
        "恰政规 〔2022〕 第1号",
        "恰政规〔2022〕001号",
    ],
)
def test_parse_document_number_returns_the_canonical_form_when_spelled_any_usual_way(text):
    assert str(parse_document_number(text)) == "恰政规〔2022〕1号"


def test_parse_document_number_splits_issuer_code_and_type():
    parsed = parse_document_number("恰政办发〔2021〕16号")
    assert (parsed.issuer_code, parsed.doc_type, parsed.year, parsed.serial) == (
        "恰政办",
        "发",
        2021,
        16,
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "number_empty"),
        ("恰政规", "number_without_year_or_serial"),
        ("2022〕1号", "number_without_issuer_code"),
        ("恰政规〔2022〕1", "number_without_hao"),
        ("恰政规〔22〕1号", "number_year_not_four_digits"),
        ("恰政规〔2022)1号", "number_unbalanced_brackets"),
        ("恰政规〔2022〕0号", "serial_below_one"),
        ("恰政规〔1800〕3号", "number_year_out_of_range"),
        ("规〔2022〕3号", "number_without_issuer_or_type"),
        ("恰政规〔2022〕1号附件", "number_malformed"),
    ],
)
def test_parse_document_number_refuses_with_the_reason_when_malformed(text, code):
    with pytest.raises(MalformedDocumentNumber) as info:
        parse_document_number(text)
    assert info.value.code == code


def test_malformed_numbers_are_validation_errors_so_callers_catch_them_like_every_refusal():
    assert issubclass(MalformedDocumentNumber, ValidationError)


issuer_codes = st.text(alphabet="恰政办财司乌镇乡发改卫教", min_size=1, max_size=5)
doc_types = st.sampled_from(["发", "规", "函"])
years = st.integers(min_value=rules.MIN_YEAR, max_value=rules.MAX_YEAR)
serials = st.integers(min_value=1, max_value=100_000)
brackets = st.sampled_from([("〔", "〕"), ("[", "]"), ("(", ")"), ("（", "）"), ("", " ")])


@given(issuer_codes, doc_types, years, serials, brackets)
def test_any_spelling_of_a_number_parses_back_to_the_canonical_form(
    code, doc_type, year, serial, pair
):
    canonical = rules.format_document_number(code, doc_type, year, serial)
    spelled = f"{code}{doc_type}{pair[0]}{year}{pair[1]}{serial}号"
    parsed = parse_document_number(spelled)
    assert str(parsed) == canonical
    assert parse_document_number(canonical) == parsed


@given(issuer_codes, doc_types, years, serials)
def test_the_canonical_form_has_six_sided_brackets_no_leading_zero_and_no_di(
    code, doc_type, year, serial
):
    text = rules.format_document_number(code, doc_type, year, serial)
    assert f"〔{year}〕{serial}号" in text
    assert "第" not in text
    assert not text.split("〕")[1].startswith("0")


def test_parse_index_number_keeps_the_whole_text_and_its_parts():
    index = rules.parse_index_number("24K458996/2022-00630")
    assert (index.text, index.unit_code, index.year, index.serial) == (
        "24K458996/2022-00630",
        "24K458996",
        2022,
        630,
    )
    assert rules.parse_index_number("ABC-2021-1").unit_code == "ABC"


@pytest.mark.parametrize("text", ["", "24k458996/2022-00630", "24K/22-1", "24K/2022/1", "/2022-1"])
def test_parse_index_number_refuses_when_not_unitcode_year_serial(text):
    with pytest.raises(MalformedIndexNumber):
        rules.parse_index_number(text)


@given(
    st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12),
    st.integers(min_value=1000, max_value=9999),
    st.text(alphabet="0123456789", min_size=1, max_size=6),
)
def test_index_numbers_round_trip_whole(unit_code, year, serial):
    text = f"{unit_code}/{year}-{serial}"
    index = rules.parse_index_number(text)
    assert index.text == text and f"{index.unit_code}/{index.year}-{serial}" == text


@pytest.mark.parametrize("kind", ["temporary", "coordination", "internal_division"])
def test_drafting_body_refusal_names_the_rule_when_kind_is_excluded(kind):
    assert "国办发〔2018〕37号" in rules.drafting_body_refusal(kind).messages[0]


def test_drafting_body_refusal_is_none_for_a_government_or_department():
    assert rules.drafting_body_refusal("government") is None
    assert rules.drafting_body_refusal("department") is None


def test_transition_refusal_names_the_rule_when_publishing_an_unregistered_document():
    reason = rules.transition_refusal(source="deliberation", target="published")
    assert "统一登记、统一编号、统一印发" in reason.messages[0]


def test_review_method_refusal_when_comment_collection_or_countersigning_stands_in():
    assert "115号" in rules.review_method_refusal("comment_collection").messages[0]
    assert "115号" in rules.review_method_refusal("countersigning").messages[0]
    assert rules.review_method_refusal("written_review") is None


@pytest.mark.parametrize(("low", "high"), [(4, 15), (5, 16), (10, 8)])
def test_review_bounds_refusal_when_outside_five_to_fifteen_working_days(low, high):
    assert rules.review_bounds_refusal(min_days=low, max_days=high)


def test_deliberation_refusal_when_unreviewed_unlawful_or_unamended():
    assert rules.deliberation_refusal(review_outcome=None, amendments_recorded=False)
    assert rules.deliberation_refusal(review_outcome="unlawful", amendments_recorded=True)
    assert rules.deliberation_refusal(review_outcome="needs_amendment", amendments_recorded=False)
    assert (
        rules.deliberation_refusal(review_outcome="needs_amendment", amendments_recorded=True)
        is None
    )
    assert rules.deliberation_refusal(review_outcome="lawful", amendments_recorded=False) is None


def test_meeting_refusal_when_a_government_document_goes_to_an_office_meeting():
    assert rules.meeting_refusal(issuer_kind="government", meeting_kind="office_meeting")
    assert rules.meeting_refusal(issuer_kind="government", meeting_kind="executive_meeting") is None
    assert rules.meeting_refusal(issuer_kind="department", meeting_kind="executive_meeting")


def test_effective_date_is_thirty_days_after_publication_by_default():
    assert rules.effective_date(
        published_on=date(2022, 3, 1), after_days=30, immediate=False
    ) == date(2022, 3, 31)


def test_effective_date_refuses_immediate_effect_without_a_reason():
    with pytest.raises(rules.RuleRefusal) as info:
        rules.effective_date(published_on=date(2022, 3, 1), after_days=30, immediate=True)
    assert info.value.code == "immediate_effect_reason_required"
    assert rules.effective_date(
        published_on=date(2022, 3, 1), after_days=30, immediate=True, immediate_reason="防疫紧急"
    ) == date(2022, 3, 1)


def test_validity_is_five_years_from_publication_and_two_when_provisional():
    kwargs = {"published_on": date(2020, 3, 1), "years": 5, "provisional_years": 2}
    assert rules.validity_end(title="乌恰县农村宅基地管理办法", **kwargs) == date(2025, 2, 28)
    assert rules.validity_end(title="乌恰县农村宅基地管理暂行办法", **kwargs) == date(2022, 2, 28)
    assert rules.validity_end(title="乌恰县试行办法", **kwargs) == date(2022, 2, 28)


def test_add_years_moves_29_february_to_28_february():
    assert rules.add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)


def test_expiry_reminders_fall_six_and_one_months_before_expiry():
    assert rules.expiry_reminder_dates(valid_until=date(2025, 8, 31), months_before=(6, 1)) == [
        date(2025, 2, 28),
        date(2025, 7, 31),
    ]


def test_filing_goes_to_the_nearest_government_above():
    assert (
        rules.filing_receiving_unit([(7, "department"), (1, "government"), (0, "government")]) == 1
    )
    assert rules.filing_receiving_unit([]) is None


def test_next_regular_cleanup_is_two_years_after_the_last_one():
    assert rules.next_regular_cleanup_on(
        last_opened_on=date(2021, 6, 1), interval_years=2, today=date(2022, 1, 1)
    ) == date(2023, 6, 1)
    assert rules.next_regular_cleanup_on(
        last_opened_on=None, interval_years=2, today=date(2022, 1, 1)
    ) == date(2022, 1, 1)


def test_cleanup_outcome_refusal_when_no_reason():
    assert rules.cleanup_outcome_refusal(outcome="repeal", reason=" ")
    assert rules.cleanup_outcome_refusal(outcome="burn", reason="x")
    assert rules.cleanup_outcome_refusal(outcome="continue", reason="仍然适用") is None

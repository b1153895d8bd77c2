"""Normative-document refusals as the Chinese UI shows them: a stable code, and a message in
Chinese that names the rule (issue 15; tests/test_refusal_catalogue.py checks every message)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from normdocs import services
from normdocs.models import Filing

from .conftest import submit_complete

pytestmark = pytest.mark.django_db


def refused(code: str, service, **kwargs) -> ValidationError:
    """The refusal ``service`` raises, checked for its code."""
    with pytest.raises(ValidationError) as info:
        service(**kwargs)
    assert info.value.code == code, info.value.messages
    return info.value


def zh(refusal: ValidationError) -> str:
    """The refusal as the Chinese UI shows it: translated when read, not when raised."""
    with translation.override("zh-hans"):
        return " ".join(refusal.messages)


@pytest.fixture
def draft(bureau_body, drafter):
    return services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="乌恰县司法局法律援助工作规定", text="第一条……"
    )


def test_a_review_by_comment_collection_is_refused_in_chinese_naming_115(draft, drafter):
    refusal = refused(
        "review_method_not_allowed",
        services.legality_review_submit,
        document=draft,
        by=drafter,
        method="comment_collection",
    )
    assert "征求意见" in zh(refusal)
    assert "不得以征求意见、会签、参加审议等方式代替合法性审核" in zh(refusal)
    with translation.override("en"):
        assert refusal.messages[0].startswith("Comment collection cannot replace legality review")


def test_an_unreviewed_draft_is_refused_deliberation_in_chinese(draft, drafter):
    refusal = refused(
        "wrong_state", services.normdoc_send_to_deliberation, document=draft, by=drafter
    )
    assert "“起草中”" in zh(refusal) and "不得提交集体审议" in zh(refusal)

    submit_complete(document=draft, by=drafter, on=date.today() - timedelta(40))
    refusal = refused(
        "legality_review_required",
        services.normdoc_send_to_deliberation,
        document=draft,
        by=drafter,
    )
    assert "合法性审核结论" in zh(refusal) and "国办发〔2018〕115号" in zh(refusal)


def test_an_imported_number_without_hao_is_refused_in_chinese(bureau_body, officials):
    refusal = refused(
        "number_without_hao",
        services.normdoc_import_published,
        by=officials["publisher"],
        drafting_body=bureau_body,
        title="乌恰县司法局人民调解工作办法",
        number="恰司规〔2021〕3",
        published_on=date(2021, 5, 10),
    )
    assert zh(refusal) == "“恰司规〔2021〕3”未以“号”结尾。"


def test_a_filing_not_yet_received_is_refused_acceptance_in_chinese(
    draft, drafter, officials, drive
):
    document = drive(draft, "published", drafter=drafter, immediate_reason="群众急需")
    refusal = refused(
        "wrong_filing_state",
        services.filing_accept,
        filing=Filing.objects.get(document=document),
        by=officials["filing_reviewer"],
    )
    assert "“待报送”" in zh(refusal) and "自治区人民政府令第218号" in zh(refusal)

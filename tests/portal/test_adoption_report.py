"""The stored adoption report (意见采纳情况) is published with the decision (第十五条、第三十二条):
it never quotes a hidden comment and names a commenter only with their consent."""

import pytest

from tests.portal.test_moderation import _finish
from workflows.consultations.services import comment_hide, comment_submit

pytestmark = pytest.mark.django_db


def test_the_stored_report_leaves_out_hidden_comments_when_one_was_hidden(
    open_consultation, people
):
    comment_submit(consultation=open_consultation, text="建议延长过渡期")
    abusive = comment_submit(consultation=open_consultation, text="侮辱性言论XYZ")
    comment_hide(comment=abusive, by=people["drafter"], reason="辱骂")
    _finish(open_consultation, people)
    open_consultation.refresh_from_db()
    report = open_consultation.adoption_report
    assert "建议延长过渡期" in report
    assert "侮辱性言论XYZ" not in report
    # Counted, so the totals stay truthful, but not quoted.
    assert "共收到意见2条" in report and "1条因含不当内容不予公开" in report


def test_the_stored_report_names_only_commenters_who_consented_when_some_did_not(
    open_consultation, people
):
    comment_submit(consultation=open_consultation, text="意见甲", name="王五", show_name=True)
    comment_submit(consultation=open_consultation, text="意见乙", name="赵六", show_name=False)
    _finish(open_consultation, people)
    open_consultation.refresh_from_db()
    report = open_consultation.adoption_report
    assert "王五：" in report
    assert "赵六" not in report and "意见乙" in report


def test_the_published_decision_carries_the_filtered_report_when_a_comment_was_hidden(
    drive, people
):
    from decisions import services as s

    d = drive.initiate()
    consultation = drive.consult(d, comments=("建议分步调整", "辱骂内容QQQ"), dispose=False)
    abusive = consultation.comments.get(text="辱骂内容QQQ")
    s.decision_comment_hide(comment=abusive, by=people["drafter"], reason="辱骂")
    for comment in consultation.comments.all():
        s.decision_comment_dispose(
            comment=comment, by=people["drafter"], outcome="not_adopted", reason="不符合实际"
        )
    s.decision_consultation_finish(decision=d, by=people["drafter"])
    d.refresh_from_db()
    drive.assess(d)
    drive.review(d)
    drive.to_meeting(d)
    drive.adopt(d)
    drive.publish(d)
    report = d.publication.adoption_report
    assert "建议分步调整" in report
    assert "辱骂内容QQQ" not in report
    # The drive's commenters did not consent to showing their names.
    assert "居民" not in report

"""The staff forms of a decision's steps guide the clerk (issue 18): each field with its label,
required mark, help and its own error directly under it; the form's own refusal once at the top;
finishing a step is its own button, not a checkbox beside "Save"; the comment-disposition page
is labelled sections, one action each, whose confirmation says what is confirmed.

The server's behaviour is unchanged: the draft's ``submit`` flag still decides (the API sends
``submit``; the page's "finish" button sends it), and every action is ``task_complete``.
"""

import re

import pytest
from viewflow.workflow.status import STATUS

from decisions.flows import DecisionFlow
from decisions.models import Stage
from workflows.consultations.models import Disposition
from workflows.consultations.selectors import consultation_latest

from .test_screens import Scenario, form, task_url

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _field_block(body: str, name: str) -> str:
    start = body.index(f'data-field="{name}"')
    end = body.find('data-field="', start + 1)
    return body[start : end if end != -1 else body.index("</form>", start)]


def _form(body: str, action: str) -> str:
    start = body.index(f'data-testid="form-{action}"')
    return body[start : body.index("</form>", start)]


def _draft_data(decision, **over):
    data = {
        "title": decision.title,
        "draft_text": decision.draft_text or "第一条 居民供热价格调整。",
        "legal_basis": "\n".join(decision.legal_basis),
    }
    data.update(over)
    return form("draft", **data)


@pytest.fixture
def drafting(drive, people, client):
    scenario = Scenario(drive, people)
    task = scenario.process.task_set.get(flow_task=DecisionFlow.draft)
    client.force_login(people["drafter"])
    return scenario, task


def test_the_draft_step_is_finished_by_its_own_button_not_a_checkbox(client, drafting):
    scenario, task = drafting
    body = client.get(task_url(task), **ZH).content.decode()
    draft = _form(body, "draft")
    # No checkbox named like the flag: two buttons carry it, "Save" empty, "finish" on.
    assert not re.search(r'<input[^>]*name="draft-submit"', draft)
    save = re.search(r'<button[^>]*data-testid="submit-draft"[^>]*>([^<]*)<', draft)
    finish = re.search(r'<button[^>]*data-testid="finish-draft"[^>]*>([^<]*)<', draft)
    assert save and finish
    assert 'name="draft-submit" value=""' in save.group(0) and save.group(1) == "保存"
    assert 'name="draft-submit" value="on"' in finish.group(0)
    assert finish.group(1) == "提交草案并完成本步骤"

    # "Save": the draft is kept, the step stays open.
    response = client.post(
        task_url(task),
        {**_draft_data(scenario.d, draft_text="第一条 修改后。"), "draft-submit": ""},
    )
    assert response.status_code == 302
    scenario.d.refresh_from_db()
    task.refresh_from_db()
    assert scenario.d.draft_text == "第一条 修改后。"
    assert scenario.d.stage == Stage.DRAFTING
    assert task.status != STATUS.DONE

    # "Submit and finish this step": the same form with the flag on; the step ends.
    response = client.post(task_url(task), {**_draft_data(scenario.d), "draft-submit": "on"})
    assert response.status_code == 302
    scenario.d.refresh_from_db()
    task.refresh_from_db()
    assert scenario.d.stage != Stage.DRAFTING
    assert task.status == STATUS.DONE


def test_a_field_error_stands_under_its_field_once_and_the_input_is_kept(client, drafting):
    scenario, task = drafting
    response = client.post(
        task_url(task),
        {**_draft_data(scenario.d, not_disclosable="on", title="关于供热价格的决定（修改）")},
        **ZH,
    )
    assert response.status_code == 200
    body = response.content.decode()
    block = _field_block(body, "not_disclosable_reason")
    message = "请说明该事项不予公开的理由。"
    assert message in block
    assert '<ul class="errorlist" id="id_draft-not_disclosable_reason_error">' in block
    # Under the input, which names the error and says it is invalid.
    assert block.index('id_draft-not_disclosable_reason_error">') > block.index("<textarea")
    assert 'aria-invalid="true"' in block
    assert 'aria-describedby="id_draft-not_disclosable_reason_error"' in block
    # Not repeated at the top.
    assert 'data-testid="form-errors"' not in body
    assert body.count(message) == 1
    # The input is kept.
    assert 'value="关于供热价格的决定（修改）"' in body
    assert re.search(r'<input[^>]*name="draft-not_disclosable"[^>]*checked', body)


def test_required_fields_carry_a_mark_and_a_label(client, drafting):
    _scenario, task = drafting
    body = client.get(task_url(task), **ZH).content.decode()
    title = _field_block(body, "title")
    assert '<label class="fz-field__label" for="id_draft-title">' in title
    assert 'class="fz-required"' in title and "（必填）" in title
    options = _field_block(body, "options")
    assert 'class="fz-required"' not in options


@pytest.fixture
def disposing(drive, people, client):
    scenario = Scenario(drive, people)
    task = scenario.up_to("dispose_comments")
    client.force_login(people["drafter"])
    return scenario, task


def test_the_disposition_page_is_labelled_sections_one_action_each(client, disposing):
    scenario, task = disposing
    body = client.get(task_url(task), **ZH).content.decode()
    headings = re.findall(r'<h3 id="heading-(\w+)" data-testid="heading-\w+">([^<]*)</h3>', body)
    assert headings == [
        ("dispose", "一、逐条处理意见"),
        ("hide", "二、对公众隐藏含不当内容的意见（如有）"),
        ("finish", "三、完成意见处理"),
    ]
    for action in ("dispose", "hide", "finish"):
        section = _form(body, action)
        assert section.count("<button") == 1
        assert f'aria-labelledby="heading-{action}"' in body
    assert "保存该条处理意见" in _form(body, "dispose")
    assert "提交并完成本步骤" in _form(body, "finish")
    # The confirmation says what is confirmed.
    finish = _form(body, "finish")
    label = re.search(r'<label class="fz-field__label" for="id_finish-confirm">([^<]*)<', finish)
    assert label and label.group(1).startswith("本人确认每条意见均已处理完毕")
    assert ">确认<" not in finish
    # The first comment without a disposition is already chosen.
    comment = consultation_latest(subject=scenario.d).comments.get()
    assert re.search(rf'<option value="{comment.pk}" selected>', _form(body, "dispose"))


def test_finishing_with_a_comment_undisposed_is_refused_once_at_the_top(client, disposing):
    scenario, task = disposing
    response = client.post(task_url(task), form("finish", confirm="on"), **ZH)
    assert response.status_code == 200
    body = response.content.decode()
    finish = _form(body, "finish")
    assert 'data-testid="form-errors"' in finish
    top = re.search(r'data-testid="form-errors">(.*?)</div>', finish, re.S).group(1)
    message = re.sub(r"<[^>]+>", "", top).strip()
    assert message and body.count(message) == 1
    # After a refusal the confirmation still says what is confirmed, also when it was unticked.
    assert "本人确认每条意见均已处理完毕" in finish
    unticked = client.post(task_url(task), form("finish"), **ZH).content.decode()
    finish = _form(unticked, "finish")
    assert 'id="id_finish-confirm_error"' in finish
    assert "本人确认每条意见均已处理完毕" in finish
    # The disposition then the finish: the step ends.
    comment = consultation_latest(subject=scenario.d).comments.get()
    response = client.post(
        task_url(task), form("dispose", comment=comment.pk, outcome="adopted", reason="")
    )
    assert response.status_code == 302
    assert Disposition.objects.get(comment=comment).outcome == "adopted"
    response = client.post(task_url(task), form("finish", confirm="on"))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == STATUS.DONE

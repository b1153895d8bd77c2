"""The validity task on a document's page (issue 18; 自治区人民政府令第218号 第三十七条): the head
of the issuing body sees when the decision is due (the last day of the validity period) and every
lawful end of the task, each one a service of normdocs: renew here (normdoc_renew), let it lapse
(normdoc_expire, the daily sweep), amend it by a new document (normdoc_create), repeal it or
declare it invalid in a cleanup (cleanup_item_decide). Nothing is offered that no service does.
"""

import re
from datetime import date

import pytest

from normdocs import services
from normdocs.models import Status

pytestmark = pytest.mark.django_db

BASE = "/normdocs/register/"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def in_force(county_body, officials, travel_to):
    travel_to(date(2026, 11, 20))
    document = services.normdoc_import_published(
        by=officials["publisher"],
        drafting_body=county_body,
        title="乌恰县城乡居民最低生活保障办法",
        number="恰政规〔2021〕3号",
        published_on=date(2021, 12, 20),
    )
    services.validity_sweep(on=date(2026, 11, 20))
    document.refresh_from_db()
    assert document.status == Status.IN_FORCE
    assert document.valid_until == date(2026, 12, 19)
    return document


def _renew_section(body: str) -> str:
    start = body.index('data-testid="form-renew"')
    return body[start : body.index("</form>", start)]


def test_the_validity_task_shows_its_due_date_and_every_lawful_choice(client, officials, in_force):
    client.force_login(officials["head"])
    body = client.get(f"{BASE}{in_force.pk}/", **ZH).content.decode()
    section = _renew_section(body)
    due = re.search(r'data-testid="validity-due" data-due="([\d-]+)">([^<]*)<', section)
    assert due and due.group(1) == "2026-12-19"
    assert "2026-12-19" in due.group(2) and "第三十七条" in due.group(2)
    choices = re.findall(r'<dt data-choice="(\w+)">([^<]*)</dt>', section)
    assert choices == [
        ("renew", "延续有效期"),
        ("lapse", "到期失效"),
        ("amend", "修改"),
        ("repeal", "废止或宣布失效"),
    ]
    # Amending and repealing are done where their services are: a new draft, a cleanup.
    assert 'href="../new/"' in section and 'href="../cleanups/"' in section
    # The form itself still renews, with its fields labelled and required.
    assert 'name="renew-decision_reference"' in section and "（必填）" in section


def test_the_renewal_from_the_page_moves_the_due_date(client, officials, in_force):
    client.force_login(officials["head"])
    response = client.post(
        f"{BASE}{in_force.pk}/",
        {
            "action": "renew",
            "renew-decision_reference": "县政府第12次常务会议纪要",
            "renew-reason": "评估后仍需适用",
        },
    )
    assert response.status_code == 302
    in_force.refresh_from_db()
    assert in_force.valid_until == date(2031, 12, 19)


def test_a_renewal_without_its_decision_is_an_error_at_the_field(client, officials, in_force):
    client.force_login(officials["head"])
    response = client.post(
        f"{BASE}{in_force.pk}/",
        {"action": "renew", "renew-decision_reference": "", "renew-reason": "仍需适用"},
        **ZH,
    )
    assert response.status_code == 200
    section = _renew_section(response.content.decode())
    start = section.index('data-field="decision_reference"')
    block = section[start : section.index('data-field="reason"')]
    assert 'id="id_renew-decision_reference_error"' in block
    assert 'aria-invalid="true"' in block
    assert "仍需适用" in section  # the input is kept
    in_force.refresh_from_db()
    assert in_force.valid_until == date(2026, 12, 19)

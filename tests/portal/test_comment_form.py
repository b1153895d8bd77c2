"""The hand-written comment form keeps what the generic renderer gave: escaping, CSRF, the
honeypot and field errors; the stacked rate limits count in order (《重大行政决策程序暂行条例》
第十四条: the public comments)."""

import re

import pytest
from django.test import Client

from tests.portal.conftest import comment_url
from workflows.consultations.models import Comment
from workflows.public.ratelimit import Check, Rate, hit_all

pytestmark = pytest.mark.django_db

HOSTILE = '"><script>alert(1)</script>'


def _form(html: str) -> str:
    return re.search(r'<form method="post"[^>]*data-testid="comment-form".*?</form>', html, re.S)[0]


def test_the_form_carries_the_csrf_token_the_honeypot_and_every_field(open_consultation):
    client = Client(enforce_csrf_checks=True)
    form = _form(client.get(comment_url(open_consultation)).content.decode())
    token = client.cookies["csrftoken"].value
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', form)
    assert token
    assert 'name="website"' in form and 'class="fz-hp"' in form and 'tabindex="-1"' in form
    for name in ("text", "paragraph_ref", "name", "show_name", "contact"):
        assert f'name="{name}"' in form
    assert 'maxlength="5000"' in form and "required" in form
    assert "errorlist" not in form


def test_a_refused_comment_shows_its_field_error_and_the_typed_values_escaped(
    client, open_consultation
):
    response = client.post(
        comment_url(open_consultation),
        {"text": "", "name": HOSTILE, "paragraph_ref": HOSTILE, "show_name": "on"},
    )
    assert response.status_code == 400
    form = _form(response.content.decode())
    assert '<ul class="errorlist" id="id_text_error"><li>' in form
    assert 'aria-invalid="true"' in form
    assert "<script>" not in form
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in form
    assert 'id="id_show_name" checked' in form
    assert not Comment.objects.exists()


def test_a_refused_long_comment_comes_back_in_the_textarea_escaped(client, open_consultation):
    text = "<b>长</b>" * 1000
    response = client.post(comment_url(open_consultation), {"text": text})
    assert response.status_code == 400
    form = _form(response.content.decode())
    assert "&lt;b&gt;长&lt;/b&gt;" in form and "<b>长</b>" not in form
    assert '<ul class="errorlist" id="id_text_error">' in form


def test_stacked_limits_count_in_order_and_stop_at_the_first_refusal():
    tight, loose = Rate(1, 60), Rate(100, 60)
    checks = [Check("comment_key", "c:1", tight), Check("comment_ip", "10.9.9.9", loose)]
    assert hit_all(checks, now=1_000.0) == 0
    assert hit_all(checks, now=1_001.0) > 0  # the first limit refuses ...
    # ... and the second was not counted for the refused request: 1 before, 2 now.
    assert hit_all([Check("comment_ip", "10.9.9.9", Rate(2, 60))], now=1_002.0) == 0
    assert hit_all([Check("comment_ip", "10.9.9.9", Rate(2, 60))], now=1_003.0) > 0

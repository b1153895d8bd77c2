"""The drafting-body register (制定主体清单) on the public portal (issue 17)."""

import pytest

from normdocs import services


@pytest.mark.django_db
def test_the_portal_lists_the_drafting_bodies_with_kind_and_legal_basis_escaped(
    client, county_body, bureau_body, township, make_person
):
    from workflows.models import Unit
    from workflows.services import unit_ensure

    odd = unit_ensure(name="<script>alert(1)</script>局", kind=Unit.Kind.DEPARTMENT)[0]
    services.drafting_body_register(
        unit=odd,
        kind="department",
        legal_basis="<b>三定方案</b>",
        issuer_codes=["恰X"],
        by=county_body.registered_by,
    )
    register = client.get("/public/documents/").content.decode()
    assert 'href="/public/documents/drafting-bodies/"' in register
    page = client.get("/public/documents/drafting-bodies/").content.decode()
    assert page.count('data-testid="drafting-body"') == 3
    assert 'data-count="3"' in page
    assert "乌恰县人民政府" in page and "乌恰县司法局" in page
    assert "《地方组织法》第七十九条；三定方案" in page and "恰司" in page
    assert "政府工作部门" in page or "Government department" not in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<b>三定方案</b>" not in page and "&lt;b&gt;三定方案&lt;/b&gt;" in page

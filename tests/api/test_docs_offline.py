"""Swagger UI must work on an offline government network: its assets come from our server."""

import pytest


@pytest.mark.django_db
def test_the_api_docs_load_their_assets_locally(client, drafter):
    client.force_login(drafter)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html

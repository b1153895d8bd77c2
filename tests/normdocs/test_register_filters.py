"""The staff register's filters (issue 17): "全部" shows every status the reader may see, and
the status filter offers every status."""

from datetime import date

import pytest
from django.test import Client

from normdocs import services
from normdocs.models import Status

pytestmark = pytest.mark.django_db
BASE = "/normdocs/register/"


def test_all_shows_drafts_reviews_in_force_and_ended_documents_and_every_status_is_offered(
    bureau_body, drafter, drive
):
    draft = services.normdoc_create(by=drafter, drafting_body=bureau_body, title="草稿中的规定")
    in_review = services.normdoc_create(by=drafter, drafting_body=bureau_body, title="审核中的规定")
    drive(in_review, "legality_review", drafter=drafter)
    root_publisher = drafter.__class__.objects.create_superuser("root", password="x-sec-123456")
    in_force = services.normdoc_import_published(
        by=root_publisher,
        drafting_body=bureau_body,
        title="现行规定",
        number="恰司规〔2022〕2号",
        published_on=date(2022, 5, 10),
    )
    repealed = services.normdoc_import_published(
        by=root_publisher,
        drafting_body=bureau_body,
        title="已废止规定",
        number="恰司规〔2021〕1号",
        published_on=date(2021, 5, 10),
        status=Status.REPEALED,
    )
    client = Client()
    client.force_login(drafter)
    page = client.get(BASE, {"status": "all"}).content.decode()
    for document in (draft, in_review, in_force, repealed):
        assert f'data-document="{document.pk}"' in page, document.title
    for value, _label in Status.choices:
        assert f'<option value="{value}"' in page
    only_drafts = client.get(BASE, {"status": "draft"}).content.decode()
    assert f'data-document="{draft.pk}"' in only_drafts
    assert f'data-document="{in_force.pk}"' not in only_drafts


def test_the_next_page_of_all_stays_all(bureau_body, drafter, monkeypatch):
    from normdocs.views import RegisterView

    monkeypatch.setattr(RegisterView, "paginate_by", 2)
    drafts = [
        services.normdoc_create(by=drafter, drafting_body=bureau_body, title=f"草稿{n}")
        for n in range(3)
    ]
    client = Client()
    client.force_login(drafter)
    first = client.get(BASE, {"status": "all", "q": "草稿"}).content.decode()
    assert 'href="?status=all&amp;q=%E8%8D%89%E7%A8%BF&amp;page=2"' in first
    second = client.get(BASE, {"status": "all", "q": "草稿", "page": 2}).content.decode()
    assert f'data-document="{drafts[0].pk}"' in second

"""A superuser who may draft for every body also sees every draft (no 404 on their own)."""

import pytest

from normdocs import services
from normdocs.permissions import documents_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(make_person, justice_bureau, bureau_body):
    drafter = make_person("bureau_drafter", justice_bureau, drafter=[justice_bureau])
    return services.normdoc_create(by=drafter, drafting_body=bureau_body, title="法律援助工作规定")


def test_a_superuser_sees_another_bodys_unpublished_draft(draft, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.invalid", "x" * 20)
    assert documents_visible_to(admin).filter(pk=draft.pk).exists()


def test_an_outsider_does_not_see_the_draft(draft, outsider):
    assert not documents_visible_to(outsider).filter(pk=draft.pk).exists()


def test_an_inactive_superuser_sees_nothing(draft, django_user_model):
    admin = django_user_model.objects.create_superuser("root2", "r2@example.invalid", "x" * 20)
    admin.is_active = False
    assert not documents_visible_to(admin).exists()

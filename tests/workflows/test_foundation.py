import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from workflows.models import Profile, Unit
from workflows.permissions import has_role_in_unit, role_revoke, units_for_role
from workflows.roles import ROLES

pytestmark = pytest.mark.django_db


def _counts():
    from django.contrib.auth import get_user_model
    from guardian.models import UserObjectPermission

    return {
        "units": Unit.objects.count(),
        "users": get_user_model().objects.count(),
        "profiles": Profile.objects.count(),
        "groups": Group.objects.count(),
        "grants": UserObjectPermission.objects.count(),
    }


def test_the_role_migration_creates_every_role_group():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("workflows.migrations.0002_create_role_groups")
    Group.objects.all().delete()
    migration.create_groups(apps, None)
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLES)


def test_demo_twice_gives_the_same_counts():
    call_command("demo", "--quiet-accounts")
    first = _counts()
    call_command("demo", "--quiet-accounts")
    assert _counts() == first
    # county, its departments, its 11 townships, and the further bodies on the drafting-body
    # list the normdocs demo confirms (54 in all, as in the seed report)
    assert first["units"] == 54
    assert Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).count() == 11


def test_demo_does_not_reset_a_changed_password():
    call_command("demo", "--quiet-accounts")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="drafter")
    user.set_password("changed-by-the-user-123")
    user.save()
    call_command("demo", "--quiet-accounts")
    user.refresh_from_db()
    assert user.check_password("changed-by-the-user-123")


def test_a_role_is_scoped_to_the_unit_it_was_granted_for(drafter, justice_bureau, township):
    assert has_role_in_unit(user=drafter, role="drafter", unit=justice_bureau)
    assert not has_role_in_unit(user=drafter, role="drafter", unit=township)
    assert list(units_for_role(user=drafter, role="drafter")) == [justice_bureau]


def test_revoking_the_last_unit_removes_the_group(drafter, justice_bureau):
    role_revoke(user=drafter, role="drafter", unit=justice_bureau)
    drafter = type(drafter).objects.get(pk=drafter.pk)  # fresh permission cache
    assert not has_role_in_unit(user=drafter, role="drafter", unit=justice_bureau)
    assert not drafter.groups.filter(name="drafter").exists()


def test_an_inactive_person_holds_no_role(drafter, justice_bureau):
    drafter.is_active = False
    drafter.save()
    assert not has_role_in_unit(user=drafter, role="drafter", unit=justice_bureau)


def test_the_inbox_requires_login(client):
    response = client.get(reverse("workbench:inbox:index"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_inbox_is_empty_for_a_new_drafter(client, drafter):
    client.force_login(drafter)
    response = client.get(reverse("workbench:inbox:index"))
    assert response.status_code == 200
    assert (
        "没有待办事项" in response.content.decode()
        or "Nothing is waiting" in response.content.decode()
    )


def test_login_locks_out_after_repeated_failures(client, drafter, settings):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "drafter", "password": "wrong"})
    response = client.post(url, {"username": "drafter", "password": drafter.plain_password})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_succeeds_with_the_right_password(client, drafter):
    response = client.post(
        reverse("login"), {"username": "drafter", "password": drafter.plain_password}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(drafter.pk)


def test_unknown_pages_get_the_site_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"404" in response.content


def test_login_form_is_protected_by_csrf(drafter):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": "drafter", "password": drafter.plain_password}
    )
    assert response.status_code == 403

"""The register reads the person's grants and groups once (issue 22): the statement that
reads the grants also answers every ``has_role`` of the page (who reads all, the menu,
"start a decision"), and a role granted or revoked shows at the next request."""

import pytest
from django.urls import reverse

from tests.support import page_statements
from workflows.permissions import role_grant, role_revoke

pytestmark = pytest.mark.django_db

REGISTER = "decisions:register:index"


def _sent(client, url) -> tuple[list[str], object]:
    return page_statements(client, url)


@pytest.mark.parametrize("who", ["drafter", "archivist", "secretary"])
def test_the_register_reads_the_persons_groups_once(drive, people, client, who):
    drive.initiate()
    client.force_login(people[who])
    client.get(reverse(REGISTER))  # warm caches (content types, session)
    sent, _response = _sent(client, reverse(REGISTER))
    assert len([sql for sql in sent if "auth_user_groups" in sql]) == 1


def test_a_drafter_role_granted_or_revoked_shows_at_the_next_request(people, client):
    person, unit = people["expert"], people["bureau"]
    client.force_login(person)
    assert not _sent(client, reverse(REGISTER))[1].context["may_start"]
    role_grant(user=person, role="drafter", unit=unit)
    assert _sent(client, reverse(REGISTER))[1].context["may_start"]
    role_revoke(user=person, role="drafter", unit=unit)
    assert not _sent(client, reverse(REGISTER))[1].context["may_start"]

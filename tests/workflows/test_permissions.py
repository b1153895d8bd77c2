"""has_role_in_unit answers what guardian's has_perm would, in one query, remembered only within
one task action (role_checks_memoised)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from guardian.shortcuts import assign_perm, remove_perm

from workflows.permissions import (
    has_role,
    has_role_in_unit,
    role_checks_memoised,
    role_grant,
    role_holders_in_unit,
    role_revoke,
)


def test_a_role_check_costs_one_query_when_the_person_holds_it(
    drafter, justice_bureau, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert has_role_in_unit(user=drafter, role="drafter", unit=justice_bureau)


def test_another_role_over_the_same_unit_does_not_count_when_checking(drafter, justice_bureau):
    assert not has_role_in_unit(user=drafter, role="legal_advisor", unit=justice_bureau)


def test_a_grant_to_one_of_the_persons_groups_counts_when_made_for_that_unit(
    make_person, justice_bureau, township
):
    person = make_person("clerk", justice_bureau)
    group = Group.objects.create(name="司法局法制科")
    person.groups.add(group)
    assign_perm("workflows.act_as_legal_advisor", group, justice_bureau)
    assert has_role_in_unit(user=person, role="legal_advisor", unit=justice_bureau)
    assert not has_role_in_unit(user=person, role="legal_advisor", unit=township)
    assert not has_role_in_unit(user=person, role="drafter", unit=justice_bureau)


def test_an_active_superuser_holds_every_role_and_an_inactive_one_none(make_person, township):
    admin = make_person("root", township)
    admin.is_superuser = True
    admin.save()
    assert has_role_in_unit(user=admin, role="archivist", unit=township)
    admin.is_active = False
    assert not has_role_in_unit(user=admin, role="archivist", unit=township)


def test_the_public_holds_no_role(justice_bureau):
    assert not has_role_in_unit(user=AnonymousUser(), role="drafter", unit=justice_bureau)


def test_a_grant_and_a_revocation_count_at_once_for_the_same_user_object(drafter, township):
    assert not has_role_in_unit(user=drafter, role="drafter", unit=township)
    role_grant(user=drafter, role="drafter", unit=township)
    assert has_role_in_unit(user=drafter, role="drafter", unit=township)
    role_revoke(user=drafter, role="drafter", unit=township)
    assert not has_role_in_unit(user=drafter, role="drafter", unit=township)


@pytest.mark.parametrize("role", ["drafter", "legal_advisor", "archivist"])
def test_the_answer_is_guardians_when_asked_for_any_person_and_unit(
    role, drafter, legal_advisor, archivist, outsider, county, justice_bureau, township
):
    for person in (drafter, legal_advisor, archivist, outsider):
        for unit in (county, justice_bureau, township):
            fresh = type(person).objects.get(pk=person.pk)  # no permission cache either way
            expected = fresh.has_perm(f"workflows.act_as_{role}", unit)
            assert has_role_in_unit(user=fresh, role=role, unit=unit) == expected


def test_a_persons_roles_are_read_once_per_user_object_and_forgotten_when_changed(
    make_person, justice_bureau, django_assert_num_queries
):
    """A page asks several roles (its menu): one query for all of them. A grant, a revocation
    or a change of groups on the same object is seen at once; a user loaded afresh (the next
    request) reads the groups again."""
    person = make_person("clerk", justice_bureau)
    with django_assert_num_queries(1):
        assert not has_role(user=person, role="archivist")
        assert not has_role(user=person, role="administrator")
        assert not has_role(user=person, role="legal_advisor")
    role_grant(user=person, role="legal_advisor", unit=justice_bureau)
    assert has_role(user=person, role="legal_advisor")
    role_revoke(user=person, role="legal_advisor", unit=justice_bureau)
    assert not has_role(user=person, role="legal_advisor")
    person.groups.add(Group.objects.get(name="archivist"))  # as the admin's user form does
    assert has_role(user=person, role="archivist")
    person.groups.clear()
    assert not has_role(user=person, role="archivist")


# --- role checks remembered within one task action -------------------------------------------


def test_a_role_check_is_asked_once_within_a_memoised_block(
    drafter, justice_bureau, django_assert_num_queries
):
    with role_checks_memoised(), django_assert_num_queries(1):
        for _ in range(3):
            assert has_role_in_unit(user=drafter, role="drafter", unit=justice_bureau)


def test_a_revoked_role_is_seen_at_once_outside_a_memoised_block(drafter, justice_bureau):
    with role_checks_memoised():
        assert has_role_in_unit(user=drafter, role="drafter", unit=justice_bureau)
    # Revoked behind the module's back (guardian directly): nothing remembered it.
    remove_perm("workflows.act_as_drafter", drafter, justice_bureau)
    assert not has_role_in_unit(user=drafter, role="drafter", unit=justice_bureau)


def test_a_revocation_through_the_module_is_seen_at_once_within_a_memoised_block(
    drafter, justice_bureau
):
    with role_checks_memoised():
        assert has_role_in_unit(user=drafter, role="drafter", unit=justice_bureau)
        role_revoke(user=drafter, role="drafter", unit=justice_bureau)
        assert not has_role_in_unit(user=drafter, role="drafter", unit=justice_bureau)


def test_role_holders_are_asked_in_one_query_when_checking_several_people(
    make_person, county, justice_bureau, django_assert_num_queries
):
    members = [make_person(f"member{i}", county, meeting_member=[county]) for i in range(3)]
    stranger = make_person("stranger", county, meeting_member=[justice_bureau])
    people = [*members, stranger]
    with role_checks_memoised():
        with django_assert_num_queries(1):
            held = role_holders_in_unit(users=people, role="meeting_member", unit=county)
        assert held == {m.pk for m in members}
        with django_assert_num_queries(0):
            assert not has_role_in_unit(user=stranger, role="meeting_member", unit=county)
    for person in people:
        expected = (
            type(person)
            .objects.get(pk=person.pk)
            .has_perm("workflows.act_as_meeting_member", county)
        )
        assert (person.pk in held) == expected

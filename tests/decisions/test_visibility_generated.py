"""Visibility read from the person's role grants (issue 22) answers exactly what the per-row
subquery on guardian's object-permission table answered, for every demo person, on the demo
data with a few hundred generated decisions across forty units (the bench's own generator)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.test import override_settings
from guardian.shortcuts import assign_perm

from bench.inbox import Generator
from decisions.models import Decision, PostEvaluation
from decisions.selectors import (
    GOVERNMENT_ROLES,
    UNIT_ROLES,
    decision_is_visible,
    decisions_visible_to,
    reads_all,
)
from workflows.models import Unit
from workflows.permissions import has_role, role_grant, units_for_role
from workflows.record.verify import record_verify
from workflows.services import person_ensure

pytestmark = pytest.mark.django_db


def old_decisions_visible_to(*, user):
    """decisions_visible_to as it was before issue 22: guardian per role, per row."""
    if not (user.is_authenticated and user.is_active):
        return Decision.objects.none()
    if reads_all(user):
        return Decision.objects.all()
    condition = Q(pk__in=[])
    for role in UNIT_ROLES:
        if has_role(user=user, role=role):
            condition |= Q(lead_unit__in=units_for_role(user=user, role=role))
    for role in GOVERNMENT_ROLES:
        if has_role(user=user, role=role):
            condition |= Q(government__in=units_for_role(user=user, role=role))
    condition |= Q(pk__in=PostEvaluation.objects.filter(evaluator=user).values("decision_id"))
    return Decision.objects.filter(condition)


@override_settings(FAZHI_DEMO_PASSWORD="demo-password-for-tests")
def test_every_demo_person_sees_what_guardian_per_row_showed_them():
    call_command("demo", quiet_accounts=True)
    User = get_user_model()
    county = Unit.objects.get(name="乌恰县人民政府")
    bureau = Unit.objects.get(name="乌恰县司法局")
    drafter = User.objects.get(username="drafter")
    generator = Generator({"county": county, "bureau": bureau, "drafter": drafter})
    generator.add(400)
    generator.verify()  # the generator continued the demo's record chain

    # Edge cases beside the demo's roles: a grant without the role's group, a group without
    # a grant, a second unit, an outside evaluator, an inactive holder.
    generated = list(Unit.objects.filter(name__startswith="基准部门").order_by("pk")[:3])
    assign_perm("workflows.act_as_drafter", User.objects.get(username="expert"), generated[0])
    township_drafter = User.objects.get(username="township_drafter")
    role_grant(user=township_drafter, role="unit_head", unit=generated[1])
    outsider = person_ensure(
        username="outside_evaluator", full_name="第三方评估", unit=generated[2], password=None
    )[0]
    assert Decision.objects.filter(lead_unit=generated[2]).exists()
    PostEvaluation.objects.create(
        decision=Decision.objects.filter(lead_unit=generated[2]).first(),
        trigger=PostEvaluation.Trigger.GOVERNMENT_DECIDED,
        evaluator=outsider,
        started_by=User.objects.get(username="principal"),
    )
    lapsed = person_ensure(
        username="lapsed_drafter",
        full_name="离职",
        unit=bureau,
        password=None,
        roles={"drafter": [bureau]},
    )[0]
    lapsed.is_active = False
    lapsed.save()
    group_only = person_ensure(
        username="group_only", full_name="无授权", unit=bureau, password=None
    )[0]
    group_only.groups.add(*User.objects.get(username="secretary").groups.all())

    people = list(User.objects.order_by("username"))
    assert len(people) >= 16 and Decision.objects.count() >= 400
    seen = {}
    for person in people:
        person = User.objects.get(pk=person.pk)  # no group names cached across the grants above
        old = set(old_decisions_visible_to(user=person).values_list("pk", flat=True))
        new = set(decisions_visible_to(user=person).values_list("pk", flat=True))
        assert new == old, person.username
        seen[person.username] = len(new)
        for decision in Decision.objects.order_by("?")[:5]:
            assert decision_is_visible(user=person, decision=decision) == (decision.pk in old)

    # The comparison compared something: people see different, non-trivial parts.
    assert 0 < seen["township_drafter"] and 0 < seen["drafter"] < seen["secretary"]
    assert seen["archivist"] == Decision.objects.count()
    assert seen["outside_evaluator"] == 1 and seen["lapsed_drafter"] == 0
    assert seen["group_only"] == 0
    assert record_verify().ok

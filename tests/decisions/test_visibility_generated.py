"""Visibility read from the person's role grants in one filter (issue 22) answers exactly what
the rules by office (issue 16, decisions.selectors) say when asked per person and per decision
through guardian (``has_role`` and ``units_for_role``) and the decision's own rows, for every
demo person, on the demo data with a few hundred generated decisions across forty units,
spread over every stage and tied to reviews, agenda items, experts, assessors and
publications."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from guardian.shortcuts import assign_perm

from decisions.models import (
    AgendaItem,
    Decision,
    ExpertOpinion,
    ExpertProfile,
    ExpertSelection,
    LegalityReview,
    PostEvaluation,
    Publication,
    RiskAssessment,
    Session,
    Stage,
)
from decisions.rules.stages import STAGE_ORDER
from decisions.selectors import decision_is_visible, decisions_visible_to, reads_all, visibility
from workflows.models import Unit
from workflows.permissions import has_role, role_grant, units_for_role
from workflows.roles import ROLES
from workflows.services import person_ensure, unit_ensure

pytestmark = pytest.mark.django_db
AT = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
UNITS = 40


class Facts:
    """What the rules read of one decision, each read on its own, row by row."""

    def __init__(self, d: Decision):
        self.decision = d
        self.reviewed = LegalityReview.objects.filter(decision=d).exists()
        self.on_agenda = AgendaItem.objects.filter(decision=d).exists()
        self.on_session = AgendaItem.objects.filter(decision=d).exclude(session=None).exists()
        self.published = Publication.objects.filter(decision=d, published=True).exists()
        self.tied = (
            set(PostEvaluation.objects.filter(decision=d).values_list("evaluator", flat=True))
            | set(RiskAssessment.objects.filter(decision=d).values_list("assessor", flat=True))
            | set(
                ExpertSelection.objects.filter(decision=d, withdrawn_at=None).values_list(
                    "expert__user", flat=True
                )
            )
            | set(ExpertOpinion.objects.filter(decision=d).values_list("expert__user", flat=True))
        )


class Oracle:
    """The rules of decisions.selectors asked the slow way: guardian per role (``has_role``,
    ``units_for_role``) and each decision's own rows (``Facts``)."""

    def __init__(self, user):
        self.user = user
        self.units = {
            role: {u.pk for u in units_for_role(user=user, role=role)}
            if has_role(user=user, role=role)
            else set()
            for role in ROLES
        }
        # A grant on a government, or on a department (not a township: a government of its
        # own level) under it, is a role in that government.
        self.governments = set()
        for unit in Unit.objects.filter(pk__in=set().union(*self.units.values())):
            if unit.kind in (Unit.Kind.GOVERNMENT, Unit.Kind.TOWNSHIP):
                self.governments.add(unit.pk)
            elif unit.parent_id:
                self.governments.add(unit.parent_id)

    def holds(self, role, unit_id) -> bool:
        return unit_id in self.units[role]

    def sees(self, facts: Facts) -> bool:
        user, d = self.user, facts.decision
        if not (user.is_authenticated and user.is_active):
            return False
        if reads_all(user):
            return True
        gov = d.government
        at = STAGE_ORDER.index(d.stage)
        if any(self.holds(r, d.lead_unit_id) for r in UNIT_ROLES_SPEC):
            return True
        if gov.review_office_id and any(
            self.holds(r, gov.review_office_id) for r in ("legal_advisor", "unit_head")
        ):
            if facts.reviewed or facts.on_agenda:
                return True
        if self.holds("meeting_secretary", gov.pk) and facts.on_agenda:
            return True
        if any(self.holds(r, gov.pk) for r in ("meeting_secretary", "meeting_member", "principal")):
            if at >= STAGE_ORDER.index(Stage.MEETING) or facts.on_session:
                return True
        if (
            self.holds("publisher", gov.pk)
            and at >= STAGE_ORDER.index(Stage.PUBLICATION)
            and d.outcome != "reject"
        ):
            return True
        if facts.published and gov.pk in self.governments:
            return True
        return user.pk in facts.tied


UNIT_ROLES_SPEC = ("drafter", "unit_head", "legal_advisor", "risk_assessor")


def spread(generated: list[Decision], people: dict, county: Unit) -> None:
    """Tie the generated decisions to every kind of row the rules read, and spread them over
    every stage (a bad import could leave them anywhere: the stage is set by ``update``)."""
    for k, d in enumerate(generated):
        Decision.objects.filter(pk=d.pk).update(stage=STAGE_ORDER[k % len(STAGE_ORDER)])
    # Some archived straight from the meeting: rejected (第三十条), never published.
    rejected = [d.pk for d in generated[STAGE_ORDER.index(Stage.ARCHIVING) :: 2 * len(STAGE_ORDER)]]
    Decision.objects.filter(pk__in=rejected).update(outcome="reject")
    template = LegalityReview.objects.order_by("pk").first()
    assert template is not None, "the demo submits a decision for review"
    reviews = []
    for d in generated[::3]:
        review = LegalityReview.objects.get(pk=template.pk)
        review.pk = None
        review.decision_id = d.pk
        review.opinion_serial = None
        review.opinion_number = ""
        review.deadline_id = None
        reviews.append(review)
    LegalityReview.objects.bulk_create(reviews)
    session = Session.objects.create(
        government=county,
        kind="executive",
        year=2024,
        number=99,
        held_at=AT,
        secretary=people["secretary"],
        principal=people["principal"],
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            government=county,
            kind=AgendaItem.Kind.MAJOR_DECISION,
            title=d.title,
            decision=d,
            lead_unit_id=d.lead_unit_id,
            proposed_by=people["drafter"],
            proposed_at=AT,
            session=session if i % 2 else None,
            order=i if i % 2 else None,
        )
        for i, d in enumerate(generated[1::5])
    )
    Publication.objects.bulk_create(
        Publication(decision=d, published=i % 3 != 0, recorded_by=people["publisher"])
        for i, d in enumerate(generated[2::7])
    )
    expert = ExpertProfile.objects.get_or_create(user=people["expert"])[0]
    ExpertSelection.objects.bulk_create(
        ExpertSelection(
            decision=d,
            expert=expert,
            chosen_by=people["drafter"],
            chosen_at=AT,
            withdrawn_at=AT if i % 4 == 0 else None,
            withdrawn_reason="利害关系" if i % 4 == 0 else "",
        )
        for i, d in enumerate(generated[3::11])
    )
    RiskAssessment.objects.bulk_create(
        RiskAssessment(
            decision=d,
            assessor=people["third_party"],
            contingency_plan="预案",
            overall_level="low",
            submitted_at=AT,
        )
        for d in generated[4::13]
    )


def generate(county: Unit, bureau: Unit, drafter, n: int) -> list[Decision]:
    """``n`` decisions of the county spread over 司法局 and 39 more departments, in bulk (what
    a data import would leave: no process, no record)."""
    units = [bureau] + [
        unit_ensure(
            name=f"基准部门{i}", kind=Unit.Kind.DEPARTMENT, issuer_code=f"基{i}", parent=county
        )[0]
        for i in range(1, UNITS)
    ]
    return Decision.objects.bulk_create(
        Decision(
            government=county,
            lead_unit=units[k % UNITS],
            out_of_catalogue_reason="基准数据（批量生成）",
            title=f"基准决策{k}",
            problem="问题",
            created_by=drafter,
        )
        for k in range(n)
    )


@override_settings(FAZHI_DEMO_PASSWORD="demo-password-for-tests")
def test_every_demo_person_sees_what_the_rules_by_office_show_them(monkeypatch):
    call_command("demo", quiet_accounts=True)
    User = get_user_model()
    county = Unit.objects.get(name="乌恰县人民政府")
    bureau = Unit.objects.get(name="乌恰县司法局")
    assert county.review_office_id == bureau.pk
    drafter = User.objects.get(username="drafter")
    generated = generate(county, bureau, drafter, 400)

    # Edge cases beside the demo's roles: a grant without the role's group, a group without
    # a grant, a second unit, an outside evaluator, an inactive holder, a pure reviewer of the
    # review office, a third-party assessor granted on the government.
    units = list(Unit.objects.filter(name__startswith="基准部门").order_by("pk")[:3])
    assign_perm("workflows.act_as_drafter", User.objects.get(username="expert"), units[0])
    township_drafter = User.objects.get(username="township_drafter")
    role_grant(user=township_drafter, role="unit_head", unit=units[1])
    outsider = person_ensure(
        username="outside_evaluator", full_name="第三方评估", unit=units[2], password=None
    )[0]
    evaluated = Decision.objects.filter(lead_unit=units[2]).first()
    PostEvaluation.objects.create(
        decision=evaluated,
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
    person_ensure(
        username="office_reviewer",
        full_name="审查员",
        unit=bureau,
        password=None,
        roles={"legal_advisor": [bureau]},
    )[0]
    third_party = person_ensure(
        username="third_party",
        full_name="第三方机构",
        unit=units[2],
        password=None,
        roles={"risk_assessor": [county]},
    )[0]
    people = {name: User.objects.get(username=name) for name in ("secretary", "principal")}
    people |= {
        "drafter": drafter,
        "publisher": User.objects.get(username="publisher"),
        "expert": User.objects.get(username="expert"),
        "third_party": third_party,
    }
    spread(generated, people, county)

    everyone = list(User.objects.order_by("username"))
    assert len(everyone) >= 18 and Decision.objects.count() >= 400
    decisions = [Facts(d) for d in Decision.objects.select_related("government").order_by("pk")]
    walks = visibility._walks
    seen = {}
    for person in everyone:
        person = User.objects.get(pk=person.pk)  # no group names cached across the grants above
        oracle = Oracle(person)
        expected = {facts.decision.pk for facts in decisions if oracle.sees(facts)}
        got = set(decisions_visible_to(user=person).values_list("pk", flat=True))
        assert got == expected, (person.username, sorted(got ^ expected)[:10])
        # The other form of the list (visibility._walks: every branch hashed, for a review
        # office that reviewed a large part of all decisions) sees the same.
        monkeypatch.setattr(visibility, "_walks", lambda reviews_for: not walks(reviews_for))
        other = set(decisions_visible_to(user=person).values_list("pk", flat=True))
        monkeypatch.setattr(visibility, "_walks", walks)
        assert other == expected, (person.username, "walk", sorted(other ^ expected)[:10])
        seen[person.username] = len(got)
        for d in Decision.objects.order_by("?")[:5]:
            assert decision_is_visible(user=person, decision=d) == (d.pk in expected)

    # The list's form follows the share of all decisions the review office reviewed
    # (visibility._walks, read against PostgreSQL's estimate of the decisions' number): the
    # county's office reviewed a third of them, a township's none.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Decision._meta.db_table}")
        township = Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).first()
        assert not LegalityReview.objects.filter(government=township).exists()
        assert visibility._walks([county.pk]) is True
        assert visibility._walks([township.pk]) is False

    # The comparison compared something: people see different, non-trivial parts.
    total = Decision.objects.count()
    assert seen["archivist"] == total, seen
    # (The demo's decisions are led by other units than 司法局: its drafter sees no more than a
    # township's drafter with a department's grant besides.)
    assert 0 < seen["township_drafter"] < total and 0 < seen["drafter"] < total, seen
    assert 0 < seen["office_reviewer"] < total, seen
    assert 0 < seen["publisher"] < seen["member"] < total, seen
    assert seen["member"] == seen["principal"] < seen["secretary"] < total, seen
    assert 0 < seen["expert"] < seen["member"], seen
    # A role in the government and nothing else: its published decisions only.
    assert 0 < seen["filing_reviewer"] < seen["publisher"], seen
    assert 0 < seen["third_party"] < seen["member"], seen
    assert seen["outside_evaluator"] >= 1 and seen["lapsed_drafter"] == 0, seen
    assert seen["group_only"] == 0, seen

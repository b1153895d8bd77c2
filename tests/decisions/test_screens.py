"""Every human task of DecisionFlow over HTTP, with Django's test client on PostgreSQL.

For each task: the offered person sees the form; valid input moves the process on; invalid
input shows the error and changes nothing; a person of another unit gets 404; a person who
sees the decision but was not offered the task is refused.
"""

from datetime import date, timedelta

import pytest
from django.urls import get_resolver
from django.utils import timezone
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from decisions import services as s
from decisions.flows import DecisionFlow
from decisions.models import Meeting
from workflows.consultations.selectors import consultation_latest
from workflows.consultations.services import comment_submit
from workflows.record.models import Event

from .conftest import RISK_OK
from .test_flow import do, open_task

pytestmark = pytest.mark.django_db

NOW = timezone.now


def task_url(task) -> str:
    get_resolver().url_patterns  # noqa: B018 - builds the site, which names the flow's nodes
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


class Scenario:
    """Drives one decision through the flow, up to the task named, with the real services."""

    ORDER = [
        "draft",
        "open_consultation",
        "dispose_comments",
        "risk_assessment",
        "submit_legality",
        "legality_review",
        "approve_legality",
        "package_check",
        "meeting",
        "party_report",
        "publication",
        "archive",
    ]

    def __init__(self, drive, people, experts=False):
        self.drive, self.p = drive, people
        flags = {"expert_argumentation_needed": True} if experts else {}
        self.d = drive.initiate(**flags)
        self.process = DecisionFlow.start.run(decision=self.d)
        self.experts = experts

    def step(self, name):
        p, d = self.p, self.d
        if name == "draft":
            do(
                self.process,
                "draft",
                p["drafter"],
                lambda: s.decision_draft_submit(decision=d, by=p["drafter"]),
            )
        elif name == "open_consultation":

            def open_it():
                now = NOW()
                c = s.decision_consultation_open(
                    decision=d,
                    by=p["drafter"],
                    opens_at=now - timedelta(days=31),
                    closes_at=now - timedelta(seconds=1),
                )
                comment_submit(consultation=c, text="建议分步调整", at=now - timedelta(days=2))

            do(self.process, "open_consultation", p["drafter"], open_it)
            assert fire_due_timers() == 1
        elif name == "dispose_comments":

            def dispose():
                for c in consultation_latest(subject=d).comments.all():
                    s.decision_comment_dispose(comment=c, by=p["drafter"], outcome="adopted")
                s.decision_consultation_finish(decision=d, by=p["drafter"])

            do(self.process, "dispose_comments", p["drafter"], dispose)
        elif name == "risk_assessment":
            if self.experts:
                self.expert_opinion()
                opinion = d.expert_opinions.get()

                def handle():
                    s.expert_opinion_handle(opinion=opinion, by=p["drafter"], handling="采纳")

                do(self.process, "expert_argumentation", p["drafter"], handle)
            do(
                self.process,
                "risk_assessment",
                p["drafter"],
                lambda: s.risk_assessment_submit(
                    decision=d,
                    by=p["drafter"],
                    dimensions=RISK_OK,
                    contingency_plan="预案",
                    overall_level="low",
                ),
            )
        elif name == "submit_legality":
            do(
                self.process,
                "submit_legality",
                p["drafter"],
                lambda: s.legality_review_submit(
                    decision=d, by=p["drafter"], procedures_account="已完成"
                ),
            )
        elif name == "legality_review":
            do(
                self.process,
                "legality_review",
                p["legal_advisor"],
                lambda: s.legality_review_complete(
                    review=s.latest_review(d),
                    by=p["legal_advisor"],
                    outcome="lawful",
                    opinion="合法",
                ),
            )
        elif name == "approve_legality":
            do(
                self.process,
                "approve_legality",
                p["review_head"],
                lambda: s.legality_review_approve(review=s.latest_review(d), by=p["review_head"]),
            )
        elif name == "package_check":
            do(
                self.process,
                "package_check",
                p["drafter"],
                lambda: s.decision_package_check(decision=d, by=p["drafter"]),
            )
        elif name == "meeting":
            do(self.process, "meeting", p["secretary"], lambda: self.drive.adopt(d))
        elif name == "party_report":
            do(
                self.process,
                "party_report",
                p["secretary"],
                lambda: s.party_report_record(
                    decision=d,
                    by=p["secretary"],
                    reported_on=date.today(),
                    reference="恰政报〔2024〕1号",
                    recipient="县委",
                ),
            )
        elif name == "publication":
            do(
                self.process,
                "publication",
                p["publisher"],
                lambda: s.publication_record(
                    decision=d,
                    by=p["publisher"],
                    published_on=date.today(),
                    channel="网站",
                    interpretation="解读",
                ),
            )

    def expert_opinion(self):
        expert = self.p["expert"]
        pooled = s.expert_register(user=expert, fields=["价格"], by=self.p["legal_advisor"])
        s.experts_choose(decision=self.d, by=self.p["drafter"], experts=[pooled])
        s.expert_opinion_submit(decision=self.d, by=expert, text="可行", signed=True)

    def up_to(self, name):
        target = "risk_assessment" if name == "expert_argumentation" else name
        for step in self.ORDER[: self.ORDER.index(target)]:
            self.step(step)
        if name == "expert_argumentation":
            self.expert_opinion()
        self.d.refresh_from_db()
        return open_task(self.process, name)


def form(action, **fields):
    return {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def risk_fields(**over):
    data = {"overall_level": "low", "contingency_plan": "预案"}
    for name in RISK_OK:
        data.update(
            {f"{name}_level": "low", f"{name}_risk_points": "点", f"{name}_mitigations": "措施"}
        )
    data.update(over)
    return form("assess", **data)


def open_session(people):
    """A numbered session already in session (another unit's item on its agenda): the
    decision's meeting step schedules it there and its deliberation starts at once."""
    secretary = people["secretary"]
    session = s.session_plan(
        government=people["county"],
        by=secretary,
        kind="executive",
        held_at=NOW(),
        principal=people["principal"],
    )
    item = s.agenda_item_propose(
        by=people["housing_drafter"], title="关于供暖保障的汇报", lead_unit=people["housing"]
    )
    s.agenda_item_check(item=item, by=people["legal_advisor"], outcome="lawful", opinion="合法")
    s.agenda_item_add(session=session, item=item, by=secretary)
    return s.session_open(session=session, by=secretary, present=people["members"])


def meeting_posts(people):
    posts = [form("schedule", session=open_session(people).pk)]
    for m in people["members"]:
        posts.append(form("statement", speaker=m.pk, position="support", text=f"{m.username} 同意"))
    posts.append(form("decide", head_decision="adopt", statement="同意。"))
    return posts


# name -> (offered person, a person who sees the decision but was not offered it,
#          valid POSTs, invalid POST, expected stage after the valid POSTs)
CASES = {
    "draft": (
        "drafter",
        "legal_advisor",
        lambda p: [
            form("draft", title="新标题", draft_text="第一条", legal_basis="《条例》", submit="on")
        ],
        lambda p: form(
            "draft", title="t", draft_text="x", legal_basis="《条例》", not_disclosable="on"
        ),
        "consultation",
    ),
    "open_consultation": (
        "drafter",
        "legal_advisor",
        lambda p: [
            form("open", opens_at=local(NOW()), closes_at=local(NOW() + timedelta(days=31)))
        ],
        lambda p: form("open", opens_at=local(NOW()), closes_at=local(NOW() + timedelta(days=5))),
        "consultation",
    ),
    "dispose_comments": (
        "drafter",
        "legal_advisor",
        None,  # built from the comment ids, below
        lambda p: form("finish", confirm="on"),
        "assessment",
    ),
    "expert_argumentation": (
        "drafter",
        "legal_advisor",
        None,
        lambda p: form("finish", confirm="on"),
        "assessment",
    ),
    "risk_assessment": (
        "drafter",
        "legal_advisor",
        lambda p: [risk_fields()],
        lambda p: risk_fields(economy_level=""),
        "legality_review",
    ),
    "submit_legality": (
        "drafter",
        "legal_advisor",
        lambda p: [form("submit", procedures_account="已公开征求意见")],
        lambda p: form("submit", procedures_account=""),
        "legality_review",
    ),
    "legality_review": (
        "legal_advisor",
        "drafter",
        lambda p: [form("review", outcome="lawful", opinion="合法")],
        lambda p: form("review", outcome="unlawful", opinion="违法", exploratory_reform="on"),
        "legality_review",  # the opinion awaits the review office head's approval
    ),
    "approve_legality": (
        "review_head",
        "legal_advisor",
        lambda p: [form("approve", confirm="on")],
        lambda p: form("approve"),
        "package",
    ),
    "package_check": (
        "drafter",
        "legal_advisor",
        lambda p: [form("check", confirm="on")],
        lambda p: form("check"),
        "meeting",
    ),
    "meeting": ("secretary", "member", meeting_posts, None, "party_report"),
    "party_report": (
        "secretary",
        "member",
        lambda p: [
            form(
                "report", reported_on="2024-05-01", reference="恰政报〔2024〕2号", recipient="县委"
            )
        ],
        lambda p: form("report", reported_on="2024-05-01", reference="", recipient="县委"),
        "publication",
    ),
    "publication": (
        "publisher",
        "secretary",
        lambda p: [
            form("publish", published_on="2024-05-02", channel="网站", interpretation="解读")
        ],
        lambda p: form("publish", published_on="2024-05-02", channel="网站", interpretation=""),
        "archiving",
    ),
    "archive": (
        "archivist",
        "drafter",
        lambda p: [form("seal", confirm="on")],
        lambda p: form("seal"),
        "archived",
    ),
}


def person(people, key):
    return people["members"][0] if key == "member" else people[key]


def snapshot(scenario, task):
    scenario.d.refresh_from_db()
    task.refresh_from_db()
    return (scenario.d.stage, task.status, Event.objects.count())


@pytest.mark.parametrize("name", list(CASES))
def test_the_task_page_works_for_the_offered_person_when_the_process_reaches_it(
    name, drive, people, client
):
    offered, _, valid, _, stage = CASES[name]
    scenario = Scenario(drive, people, experts=name == "expert_argumentation")
    task = scenario.up_to(name)
    url = task_url(task)
    client.force_login(person(people, offered))

    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="decision-task"' in body and "csrfmiddlewaretoken" in body
    assert 'data-testid="form-' in body

    if name == "dispose_comments":
        comment = consultation_latest(subject=scenario.d).comments.get()
        posts = [
            form("dispose", comment=comment.pk, outcome="not_adopted", reason="理由"),
            form("finish", confirm="on"),
        ]
    elif name == "expert_argumentation":
        opinion = scenario.d.expert_opinions.get()
        posts = [
            form("handle", opinion=opinion.pk, handling="已采纳"),
            form("finish", confirm="on"),
        ]
    else:
        posts = valid(people)
    for data in posts:
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[-3000:]
    task.refresh_from_db()
    scenario.d.refresh_from_db()
    assert task.status == STATUS.DONE
    assert task.owner_id == person(people, offered).pk
    assert scenario.d.stage == stage
    if name == "meeting":
        meeting = scenario.d.meetings.get()
        order = list(meeting.statements.values_list("speaker__username", flat=True))
        assert order[-1] == "principal" and len(order) == 5


@pytest.mark.parametrize("name", [n for n, case in CASES.items() if case[3] is not None])
def test_the_task_page_shows_the_error_and_changes_nothing_when_the_input_is_invalid(
    name, drive, people, client
):
    offered, _, _, invalid, _ = CASES[name]
    scenario = Scenario(drive, people, experts=name == "expert_argumentation")
    task = scenario.up_to(name)
    client.force_login(person(people, offered))
    before = snapshot(scenario, task)

    response = client.post(task_url(task), invalid(people))

    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body
    assert snapshot(scenario, task) == before


@pytest.mark.parametrize("name", list(CASES))
def test_the_task_page_is_not_found_for_another_units_person_and_refused_to_a_colleague_not_offered_it(
    name, drive, people, client
):
    offered, colleague, valid, _, _ = CASES[name]
    scenario = Scenario(drive, people, experts=name == "expert_argumentation")
    task = scenario.up_to(name)
    url = task_url(task)
    before = snapshot(scenario, task)

    client.force_login(people["outsider"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "x"}).status_code == 404
    assert (
        client.get(task.flow_task.reverse("index", args=[task.process_id, task.pk])).status_code
        == 404
    )

    client.force_login(person(people, colleague))
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "x"}).status_code == 403
    assert snapshot(scenario, task) == before


def test_the_meeting_page_withholds_the_heads_decision_until_every_member_present_has_spoken(
    drive, people, client
):
    scenario = Scenario(drive, people)
    task = scenario.up_to("meeting")
    url = task_url(task)
    client.force_login(people["secretary"])
    posts = meeting_posts(people)
    client.post(url, posts[0])  # scheduled onto the open session: its deliberation starts
    body = client.get(url).content.decode()
    assert 'data-testid="pending-speakers" data-count="4"' in body
    assert 'data-testid="form-decide"' not in body and 'data-testid="head-waits"' in body

    # Forcing the decision anyway is refused with the reason, and nothing is recorded.
    response = client.post(url, posts[-1])
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    meeting = Meeting.objects.get(decision=scenario.d)
    assert meeting.status == "open" and not meeting.statements.exists()

    for data in posts[1:-1]:
        assert client.post(url, data).status_code == 302
    body = client.get(url).content.decode()
    assert 'data-testid="pending-speakers"' not in body
    assert 'data-testid="form-decide"' in body and 'data-testid="form-statement"' not in body


def test_the_disposition_form_offers_only_this_decisions_comments(drive, people, client):
    other = Scenario(drive, people)
    other.up_to("dispose_comments")
    scenario = Scenario(drive, people)
    task = scenario.up_to("dispose_comments")
    foreign = consultation_latest(subject=other.d).comments.get()
    client.force_login(people["drafter"])
    before = snapshot(scenario, task)
    response = client.post(task_url(task), form("dispose", comment=foreign.pk, outcome="adopted"))
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not hasattr(foreign, "disposition") or foreign.disposition is None
    assert snapshot(scenario, task) == before


def test_the_expert_task_chooses_experts_refuses_an_interested_one_and_waits_for_opinions(
    drive, people, client, make_person, county
):
    scenario = Scenario(drive, people, experts=True)
    scenario.up_to("risk_assessment")  # the expert branch is open, nobody chosen yet
    task = open_task(scenario.process, "expert_argumentation")
    url = task_url(task)
    pooled = s.expert_register(user=people["expert"], fields=["价格"], by=people["legal_advisor"])
    conflicted_user = make_person("expert_conflicted", county, expert=[county])
    conflicted = s.expert_register(
        user=conflicted_user, fields=["价格"], by=people["legal_advisor"]
    )
    s.expert_interest_declare(expert=conflicted, description="供热公司股东", decision=scenario.d)
    client.force_login(people["drafter"])

    response = client.post(url, form("choose", experts=[pooled.pk, conflicted.pk]))
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not scenario.d.expert_selections.exists()

    assert client.post(url, form("choose", experts=[pooled.pk])).status_code == 302
    assert list(scenario.d.expert_selections.values_list("expert", flat=True)) == [pooled.pk]
    body = client.get(url).content.decode()
    assert 'data-missing="expert_opinions"' in body

    # The stage waits for the chosen expert's written, signed opinion.
    response = client.post(url, form("finish", confirm="on"))
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    task.refresh_from_db()
    assert task.status != STATUS.DONE

    opinion = s.expert_opinion_submit(
        decision=scenario.d, by=people["expert"], text="可行", signed=True
    )
    assert client.post(url, form("handle", opinion=opinion.pk, handling="采纳")).status_code == 302
    assert client.post(url, form("finish", confirm="on")).status_code == 302
    task.refresh_from_db()
    assert task.status == STATUS.DONE

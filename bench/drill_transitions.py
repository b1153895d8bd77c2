"""The fault drill's transitions over HTTP (run by ``bench.drill``): decisions taken from their
proposal to the meeting through the API while database backends are terminated, each step
checked against the full-process record.

The drill observes through the ORM on its own connection (never terminated); every transition
is made by gunicorn.
"""

from __future__ import annotations

import time

import requests

from bench import drill_procs as procs
from bench.drill_scenarios import Drill, HttpCount

DRAFT = {
    "title": "关于调整城区供热价格的决定",
    "draft_text": "第一条 城区居民供热价格调整为每平方米22元。",
    "legal_basis": "《价格法》",
    "not_disclosable": True,
    "not_disclosable_reason": "涉及国家秘密",
    # Required at submission since issue 16: the drafting explanation (第十四条) and the
    # government's decision to start (第十条); without them every transition was refused
    # (400 start_decision_required) and the drill measured nothing.
    "drafting_explanation": "起草说明",
    "start_decided_by": "县长",
    "start_decided_on": "2024-01-15",
    "start_reference": "县长批示〔2024〕3号",
    "submit": True,
}
RISK = {
    "overall_level": "low",
    "contingency_plan": "应急预案",
    **{
        f"{name}_{part}": value
        for name in ("social_stability", "public_safety", "ecological_environment", "economy")
        for part, value in (
            ("level", "low"),
            ("risk_points", f"{name} 风险点"),
            ("mitigations", f"{name} 防范措施"),
        )
    },
}
# (node, action, who, data, the record event the step writes): a decision from drafting to the
# meeting, not disclosable (第十四条), as tests/api does it.
STEPS = [
    ("draft", "draft", "drafter", DRAFT, "decision.draft_submitted"),
    ("risk_assessment", "assess", "drafter", RISK, "decision.risk_assessed"),
    (
        "submit_legality",
        "submit",
        "drafter",
        {"procedures_account": "已开展风险评估"},
        "decision.legality_review_submitted",
    ),
    (
        "legality_review",
        "review",
        "legal_advisor",
        {"outcome": "lawful", "opinion": "经审查，合法。"},
        "decision.legality_opinion_prepared",
    ),
    # The review office's head approves and numbers the opinion (第二十八条).
    ("approve_legality", "approve", "unit_head", {"confirm": True}, "decision.legality_reviewed"),
    ("package_check", "check", "drafter", {"confirm": True}, "decision.package_checked"),
]
ATTEMPTS = 6  # per transition, as a person pressing the button again after an error page


def _post(session: requests.Session, url: str, body: dict, count: HttpCount):
    try:
        response = session.post(url, json=body, timeout=30)
    except requests.RequestException:
        response = None
    count.note(response)
    return response


def _events(decision_pk: int, action: str) -> int:
    from django.contrib.contenttypes.models import ContentType

    from decisions.models import Decision
    from workflows.record.models import Event

    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(Decision),
        object_id=str(decision_pk),
        action=action,
    ).count()


def _task(decision_pk: int, node: str, *, done: bool):
    from viewflow.workflow.status import STATUS

    from decisions.flows import DecisionFlow
    from decisions.models import Decision

    process = Decision.objects.get(pk=decision_pk).process
    statuses = [STATUS.DONE] if done else [STATUS.NEW, STATUS.ASSIGNED]
    return process.task_set.filter(flow_task=getattr(DecisionFlow, node), status__in=statuses)


def _initiate(drill: Drill, sessions, title: str, count: HttpCount) -> int | None:
    """POST /api/v1/decisions/ until it answers 201 or the decision is found to exist (an
    error answered after the commit); None when every attempt failed without one."""
    from decisions.models import Decision

    body = {
        "lead_unit": drill.justice.pk,
        "out_of_catalogue_reason": "上级临时交办",
        "title": title,
        "problem": "供热成本上涨。",
        "legal_basis": ["《中华人民共和国价格法》", "《重大行政决策程序暂行条例》"],
    }
    for _ in range(ATTEMPTS):
        response = _post(sessions["drafter"], f"{drill.base_url}/api/v1/decisions/", body, count)
        if response is not None and response.status_code == 201:
            return response.json()["id"]
        found = Decision.objects.filter(title=title).values_list("pk", flat=True).first()
        if found is not None:
            return found
        time.sleep(0.1)
    return None


def _agree(decision_pk: int, node: str, event: str) -> tuple[int, int, bool]:
    """(tasks of ``node`` done, ``event`` events, whether they disagree: half-done)."""
    done, events = _task(decision_pk, node, done=True).count(), _events(decision_pk, event)
    return done, events, (done > 0) != (events > 0)


def _transition(drill, sessions, decision_pk, step, title: str, count: HttpCount) -> dict:
    """One step through POST /api/v1/tasks/{id}/complete/, pressed again after an error until
    the task is found done (bounded). After every error the task and the record must already
    agree (the step committed whole or not at all), and again at the end."""
    node, action, who, data, event = step
    if node == "draft":
        data = {**data, "title": title}  # the decision keeps its drill title
    outcome = "failed"
    errors = {"committed": 0, "rolled_back": 0, "half_done": 0}
    for _ in range(ATTEMPTS):
        task = _task(decision_pk, node, done=False).first()
        if task is None:
            outcome = "done" if _task(decision_pk, node, done=True).exists() else "not open"
            break
        url = f"{drill.base_url}/api/v1/tasks/{task.pk}/complete/"
        response = _post(sessions[who], url, {"action": action, "data": data}, count)
        if response is not None and response.status_code == 200 and response.json()["done"]:
            outcome = "done"
            break
        if response is None or response.status_code >= 500:
            done, _, half = _agree(decision_pk, node, event)
            errors["committed" if done else "rolled_back"] += 1
            errors["half_done"] += half
        if response is not None and 400 <= response.status_code < 500:
            if response.status_code != 409:  # refused for good: the drill's data is wrong
                outcome = f"refused {response.status_code}: {response.text[:200]}"
                break
        time.sleep(0.1)
    done, events, half = _agree(decision_pk, node, event)
    return {
        "step": node,
        "outcome": outcome,
        "task_done": done,
        "events": events,
        "half_done": half,
        "doubled": done > 1 or events > 1,
        "errors_committed": errors["committed"],
        "errors_rolled_back": errors["rolled_back"],
        "half_done_after_an_error": errors["half_done"],
    }


def transitions_under_terminations(
    drill: Drill, *, decisions: int, every: float = 0.5, limit: float = 150.0
) -> dict:
    """``decisions`` decisions taken from their proposal to the meeting over the API, as the
    demo's drafter, legal advisor and the review office's head, while every database backend of the drill's processes
    is terminated every ``every`` seconds. Every 5xx is counted; each transition is then
    checked against the record (an event for every completed step, none for one that did not
    complete), and the whole chain verified."""
    from decisions.models import Decision, Stage
    from workflows.record.verify import record_verify

    sessions = {}
    for who, token in drill.tokens.items():
        session = requests.Session()
        session.headers.update({"Authorization": f"Token {token}", "Accept": "application/json"})
        sessions[who] = session
    count = HttpCount()
    checks, stuck = [], []
    initiations = {"attempted": 0, "made": 0, "half_done": 0}
    started = time.monotonic()
    stamp = time.strftime("%H%M%S")
    with procs.BackendTerminator(drill.database, every=every, max_seconds=limit + 30) as terminator:
        for i in range(decisions):
            if time.monotonic() - started > limit:
                break
            title = f"演练决策 {stamp}-{i:03d}"
            initiations["attempted"] += 1
            pk = _initiate(drill, sessions, title, count)
            if pk is None:
                stuck.append(f"{title}: not initiated")
                continue
            initiations["made"] += 1
            made = Decision.objects.filter(title=title).count()
            if made != 1 or _events(pk, "decision.initiated") != 1:
                initiations["half_done"] += 1
            for step in STEPS:
                check = _transition(drill, sessions, pk, step, title, count)
                checks.append({"decision": pk, **check})
                if check["outcome"] != "done":
                    stuck.append(f"decision {pk} {step[0]}: {check['outcome']}")
                    break
    seconds = round(time.monotonic() - started, 1)
    # Checked again with the dust settled: the answer to every transition is final now.
    half_done = sum(c["half_done_after_an_error"] for c in checks)
    doubled = 0
    for check in checks:
        event = next(s[4] for s in STEPS if s[0] == check["step"])
        done, events, half = _agree(check["decision"], check["step"], event)
        half_done += half
        doubled += done > 1 or events > 1
    at_meeting = Decision.objects.filter(
        title__startswith=f"演练决策 {stamp}-", stage=Stage.MEETING
    )
    verified = record_verify()
    died = drill.revive("transitions")
    return {
        "decisions": initiations["attempted"],
        "initiations_made": initiations["made"],
        "initiations_half_done": initiations["half_done"],
        "transitions": len(checks),
        "transitions_done": sum(1 for c in checks if c["outcome"] == "done"),
        "half_done": half_done + initiations["half_done"],
        "doubled_transitions": doubled,
        "reached_meeting": at_meeting.count(),
        "requests": count.requests,
        "http_5xx": count.server_errors,
        "errors_after_commit": sum(c["errors_committed"] for c in checks),
        "errors_rolled_back": sum(c["errors_rolled_back"] for c in checks),
        "no_response": count.no_response,
        "by_status": {str(k): v for k, v in sorted(count.by_status.items())},
        "stuck": stuck[:10],
        "record_verify_ok": verified.ok,
        "record_verify": f"{verified.checked} events checked"
        + ("" if verified.ok else f"; broken at {verified.broken_seq}: {verified.reason}"),
        "pg_terminations": terminator.terminated,
        "seconds": seconds,
        "died": died,
    }

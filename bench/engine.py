"""Engine: whole decision lifecycles through DecisionFlow and the services, against two floors.

    DATABASE_URL=postgres://… .venv/bin/python -m bench.engine [--quick] [--lifecycles N]

One lifecycle is the adopted path with a public consultation: 12 human tasks (draft, open
consultation, dispose of comments, risk assessment, submit for, complete and approve legality
review, package check, meeting, Party-committee report, publication, archive) plus the
consultation timer fired by the dispatcher beat runs (``workflows.timers``). Each task is
completed through ``workflows.tasking``, the one path pages and API take: under the process
lock, the offer re-checked, the services run in the lock's transaction (without savepoints:
``workflows.transactions``), then viewflow's start/execute — so every figure includes the record
events, the legal clocks and the permission checks.

``python -m bench.engine --profile`` prints where a lifecycle's time goes.

References measured in the same run:
* raw: a psycopg loop of one UPDATE + one INSERT per commit (the floor of any transition);
* bare viewflow: ``bench.flows.BareFlow``, 11 sequential human tasks, no services.

The engine and bare viewflow run in alternating rounds (``ROUNDS``) and the ratio reported is
the median round's: the machine is shared, and a load that moves between two long runs moved
the ratio by half of itself.

A "transition" is one completed human task; statements and commits per transition count
everything a lifecycle sends to PostgreSQL (start and timer included) divided by 12.

Targets (bench.run): at least half bare viewflow's transitions per second (an engine that runs
viewflow plus the services cannot be faster than viewflow alone) and at most 25 statements per
transition.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time
from datetime import date, timedelta

from bench import harness

HUMAN_TASKS = 12
BARE_TASKS = 11  # bench.flows.BareFlow
ROUNDS = 5  # alternating engine/bare rounds (see main)
RISK_OK = {
    name: {"level": "low", "risk_points": f"{name}: 风险点", "mitigations": f"{name}: 防范措施"}
    for name in ("social_stability", "public_safety", "ecological_environment", "economy")
}


def people() -> dict:
    from decisions import services as s
    from workflows.models import Unit
    from workflows.services import person_ensure, unit_ensure

    county, _ = unit_ensure(name="乌恰县人民政府", kind=Unit.Kind.GOVERNMENT, issuer_code="恰政")
    bureau, _ = unit_ensure(
        name="乌恰县司法局", kind=Unit.Kind.DEPARTMENT, issuer_code="恰司", parent=county
    )
    lead, _ = unit_ensure(
        name="乌恰县发展和改革委员会",
        kind=Unit.Kind.DEPARTMENT,
        issuer_code="恰发改",
        parent=county,
    )
    county.review_office = bureau  # 司法局 reviews the government's decisions (第二十五条)
    county.save(update_fields=["review_office"])

    def person(username, unit, **roles):
        return person_ensure(
            username=username, full_name=username, unit=unit, password=None, roles=roles
        )[0]

    p = {
        "county": county,
        "bureau": lead,
        "review_office": bureau,
        "drafter": person("drafter", lead, drafter=[lead]),
        "legal_advisor": person("legal_advisor", bureau, legal_advisor=[county, bureau]),
        "review_head": person("review_head", bureau, unit_head=[bureau]),
        "archivist": person("archivist", county, archivist=[county]),
        "secretary": person("secretary", county, meeting_secretary=[county]),
        "principal": person("principal", county, principal=[county]),
        "publisher": person("publisher", county, publisher=[county]),
        "members": [person(f"member{i}", county, meeting_member=[county]) for i in range(1, 5)],
    }
    item = s.catalogue_item_create(
        by=p["legal_advisor"],
        government=county,
        year=2024,
        title="乌恰县城区供热价格调整",
        lead_unit=lead,
    )
    s.catalogue_party_consent_record(  # 第三条: the Party committee consented first
        by=p["legal_advisor"],
        government=county,
        year=2024,
        consented_by="中共乌恰县委常委会",
        consented_on=date(2024, 1, 10),
        reference="县委常委会2024年第1次会议",
    )
    p["item"] = s.catalogue_item_publish(item=item, by=p["legal_advisor"])
    return p


def complete(process, flow_class, name: str, user, action=None) -> None:
    """Complete the open task ``name`` as ``user``, the way the task view does."""
    from django.db import transaction
    from viewflow.workflow.status import STATUS

    from workflows.tasking import task_run

    task = process.task_set.get(
        flow_task=getattr(flow_class, name), status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    if action is not None:  # the real flow: the one path pages and API take
        task_run(task=task, user=user, service=action)
        return
    with flow_class.lock(process.pk), transaction.atomic():  # bare viewflow, the reference
        task.refresh_from_db()
        activation = task.flow_task.activation_class(task)
        activation.assign(user)
        activation.start(None)
        activation.execute()


def lifecycle(p: dict, n: int) -> None:
    """One decision from initiation to the sealed archive."""
    from django.utils import timezone

    from decisions import services as s
    from decisions.flows import DecisionFlow
    from workflows.consultations.services import comment_submit
    from workflows.timers import timers_fire_due

    d = s.decision_start(
        by=p["drafter"],
        lead_unit=p["bureau"],
        catalogue_item=p["item"],
        title=f"关于调整城区供热价格的决定（第{n}号）",
        problem="供热成本上涨，现行价格难以为继。",
        legal_basis=["《中华人民共和国价格法》第二十三条", "《重大行政决策程序暂行条例》"],
    )
    process = d.process
    drafter = p["drafter"]

    def draft():
        s.decision_draft_save(
            decision=d,
            by=drafter,
            draft_text="第一条 城区居民供热价格调整为每平方米22元。",
            options=[{"title": "方案一", "text": "一次调整到位"}],
            drafting_explanation="起草说明",
            start_decided_by="县长",
            start_decided_on=date(2024, 1, 15),
            start_reference="县长批示〔2024〕3号",
        )
        s.decision_draft_submit(decision=d, by=drafter)

    complete(process, DecisionFlow, "draft", drafter, draft)
    now = timezone.now()
    holder = {}

    def open_consultation():
        holder["c"] = s.decision_consultation_open(
            decision=d,
            by=drafter,
            opens_at=now - timedelta(days=30),
            closes_at=now + timedelta(days=1),
        )
        comment_submit(consultation=holder["c"], text="建议分步调整", name="居民", at=now)

    complete(process, DecisionFlow, "open_consultation", drafter, open_consultation)
    # The period ends: move the due moment rather than the clock, then let the timer
    # dispatcher beat runs every minute (``workflows.timers``) close the consultation.
    consultation = holder["c"]
    past = now - timedelta(seconds=1)
    process.task_set.filter(flow_task=DecisionFlow.wait_consultation).update(scheduled=past)
    type(consultation).objects.filter(pk=consultation.pk).update(closes_at=past)
    timers_fire_due()

    def dispose():
        for comment in consultation.comments.all():
            s.decision_comment_dispose(
                comment=comment, by=drafter, outcome="partly_adopted", reason="分两年实施"
            )
        s.decision_consultation_finish(decision=d, by=drafter)

    complete(process, DecisionFlow, "dispose_comments", drafter, dispose)
    complete(
        process,
        DecisionFlow,
        "risk_assessment",
        drafter,
        lambda: s.risk_assessment_submit(
            decision=d, by=drafter, dimensions=RISK_OK, contingency_plan="预案", overall_level="low"
        ),
    )
    complete(
        process,
        DecisionFlow,
        "submit_legality",
        drafter,
        lambda: s.legality_review_submit(decision=d, by=drafter, procedures_account="已完成"),
    )
    advisor = p["legal_advisor"]
    complete(
        process,
        DecisionFlow,
        "legality_review",
        advisor,
        lambda: s.legality_review_complete(
            review=s.latest_review(d), by=advisor, outcome="lawful", opinion="合法"
        ),
    )
    complete(
        process,
        DecisionFlow,
        "approve_legality",
        p["review_head"],
        lambda: s.legality_review_approve(review=s.latest_review(d), by=p["review_head"]),
    )
    complete(
        process,
        DecisionFlow,
        "package_check",
        drafter,
        lambda: s.decision_package_check(decision=d, by=drafter),
    )
    secretary = p["secretary"]

    def meeting():
        session = s.session_plan(
            government=d.government,
            by=secretary,
            kind="executive",
            held_at=timezone.now(),
            principal=p["principal"],
        )
        item = s.session_agenda_add_decision(session=session, decision=d, by=secretary)
        s.session_open(session=session, by=secretary, present=p["members"])
        m = item.deliberation
        for member, position in zip(
            p["members"], ["support", "support", "conditional", "oppose"], strict=True
        ):
            s.meeting_statement_record(
                meeting=m, by=secretary, speaker=member, position=position, text=position
            )
        s.meeting_decide(meeting=m, by=secretary, head_decision="adopt", statement="同意。")
        s.session_conclude(session=session, by=secretary)

    complete(process, DecisionFlow, "meeting", secretary, meeting)
    complete(
        process,
        DecisionFlow,
        "party_report",
        secretary,
        lambda: s.party_report_record(
            decision=d,
            by=secretary,
            reported_on=date.today(),
            reference=f"恰政报〔2024〕{n}号",
            recipient="中共乌恰县委",
        ),
    )
    complete(
        process,
        DecisionFlow,
        "publication",
        p["publisher"],
        lambda: s.publication_record(
            decision=d,
            by=p["publisher"],
            published_on=date.today(),
            channel="政府网站",
            interpretation="解读",
        ),
    )
    complete(
        process,
        DecisionFlow,
        "archive",
        p["archivist"],
        lambda: s.decision_seal(decision=d, by=p["archivist"]),
    )
    process.refresh_from_db()
    if process.status != "DONE":
        raise SystemExit(f"lifecycle {n} did not finish: {process.status}")


def bare_lifecycle(user) -> None:
    from bench.flows import BareFlow

    process = BareFlow.start.run()
    for i in range(1, BARE_TASKS + 1):
        complete(process, BareFlow, f"step_{i}", user)
    process.refresh_from_db()
    if process.status != "DONE":
        raise SystemExit(f"the bare flow did not finish: {process.status}")


def raw_rate(commits: int) -> float:
    """Commits/s of a psycopg loop doing one UPDATE and one INSERT per transaction."""
    import os

    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        conn.execute("CREATE TABLE bench_raw_state (id int PRIMARY KEY, n bigint NOT NULL)")
        conn.execute(
            "CREATE TABLE bench_raw_log (id bigserial PRIMARY KEY, n bigint NOT NULL, "
            "at timestamptz NOT NULL DEFAULT now(), note text NOT NULL)"
        )
        conn.execute("INSERT INTO bench_raw_state VALUES (1, 0)")
        conn.commit()
        started = time.perf_counter()
        for i in range(commits):
            conn.execute("UPDATE bench_raw_state SET n = n + 1 WHERE id = 1")
            conn.execute("INSERT INTO bench_raw_log (n, note) VALUES (%s, %s)", [i, "transition"])
            conn.commit()
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bench_raw_state, bench_raw_log")
        conn.commit()
    return commits / elapsed


def profile_top(fn, lines: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.common_arguments(parser)
    parser.add_argument("--lifecycles", type=int, default=None)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of 2 lifecycles")
    args = parser.parse_args()
    lifecycles = args.lifecycles or (3 if args.quick else 20)
    raw_commits = 300 if args.quick else 3000

    name = harness.setup("engine")
    try:
        from django.contrib.auth import get_user_model
        from django.db import connection

        p = people()
        lifecycle(p, 0)  # warm-up: imports, caches, plans
        bare_user = get_user_model().objects.create(username="bare")
        bare_lifecycle(bare_user)

        # The machine is shared and its load moves within seconds: run the engine and the bare
        # reference in alternating rounds, so that each ratio compares like with like, and
        # report the median round's ratio.
        counter = harness.SqlCounter(connection)
        bare_counter = harness.SqlCounter(connection)
        rounds = min(ROUNDS, lifecycles)
        engine_s = bare_s = 0.0
        bare_runs = 0
        round_ratios = []
        n = 0
        for r in range(rounds):
            size = lifecycles // rounds + (1 if r < lifecycles % rounds else 0)
            started = time.perf_counter()
            with counter.counting():
                for _ in range(size):
                    n += 1
                    lifecycle(p, n)
            round_engine = time.perf_counter() - started
            started = time.perf_counter()
            with bare_counter.counting():
                for _ in range(size * 3):
                    bare_lifecycle(bare_user)
            round_bare = time.perf_counter() - started
            engine_s, bare_s, bare_runs = (
                engine_s + round_engine,
                bare_s + round_bare,
                bare_runs + size * 3,
            )
            round_ratios.append(  # transitions per second, each flow with its own task count
                (size * HUMAN_TASKS / round_engine) / (size * 3 * BARE_TASKS / round_bare)
            )
        engine_tps = lifecycles * HUMAN_TASKS / engine_s
        bare_tps = bare_runs * BARE_TASKS / bare_s

        raw_tps = raw_rate(raw_commits)

        from workflows.record.verify import record_verify

        verified = record_verify()
        if not verified.ok:
            raise SystemExit(f"the record does not verify after the lifecycles: {verified}")
        if args.profile:
            print(profile_top(lambda: [lifecycle(p, 10_000 + i) for i in range(2)], 40))
    finally:
        harness.teardown(name, keep=args.keep)

    transitions = lifecycles * HUMAN_TASKS
    figures = {
        "lifecycles": lifecycles,
        "transitions": transitions,
        "lifecycles_per_s": round(lifecycles / engine_s, 2),
        "transitions_per_s": round(engine_tps, 1),
        "bare_viewflow_transitions_per_s": round(bare_tps, 1),
        "raw_commits_per_s": round(raw_tps, 1),
        "ratio_to_raw": harness.ratio(engine_tps, raw_tps),
        "ratio_to_bare_viewflow": round(statistics.median(round_ratios), 3),
        "ratio_to_bare_viewflow_rounds": [round(r, 3) for r in round_ratios],
        "statements_per_transition": round(counter.statements / transitions, 1),
        "commits_per_transition": round(counter.commits / transitions, 2),
        "bare_statements_per_transition": round(
            bare_counter.statements / (bare_runs * BARE_TASKS), 1
        ),
        "bare_commits_per_transition": round(bare_counter.commits / (bare_runs * BARE_TASKS), 2),
        "record_events_verified": verified.checked,
    }
    rows = [
        ("lifecycles (12 human tasks + timer each)", f"{lifecycles}"),
        ("lifecycles/s through the services", f"{figures['lifecycles_per_s']}"),
        ("transitions/s (services)", f"{figures['transitions_per_s']}"),
        (
            "transitions/s (bare viewflow, same 11 tasks)",
            f"{figures['bare_viewflow_transitions_per_s']}",
        ),
        ("raw psycopg UPDATE+INSERT commits/s", f"{figures['raw_commits_per_s']}"),
        ("engine / raw", f"{figures['ratio_to_raw']}"),
        (
            "engine / bare viewflow, median of rounds  (target ≥ 0.5)",
            f"{figures['ratio_to_bare_viewflow']}  {figures['ratio_to_bare_viewflow_rounds']}",
        ),
        (
            "SQL statements per transition  (target ≤ 25)",
            f"{figures['statements_per_transition']}",
        ),
        (
            "SQL statements per transition, bare viewflow",
            f"{figures['bare_statements_per_transition']}",
        ),
        (
            "commits per transition (services / bare viewflow)",
            f"{figures['commits_per_transition']} / {figures['bare_commits_per_transition']}",
        ),
    ]
    harness.emit("engine", figures, rows)


if __name__ == "__main__":
    main()

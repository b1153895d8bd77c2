"""The engine bench's workloads (``bench.engine``): the people and catalogue item a decision
needs, one decision's whole lifecycle through ``DecisionFlow`` and the services, and the bare
viewflow reference's lifecycle, each task completed as the task view completes it.
"""

from __future__ import annotations

from datetime import date, timedelta

BARE_TASKS = 11  # bench.flows.BareFlow
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
    from decisions import services as s

    d = s.decision_start(
        by=p["drafter"],
        lead_unit=p["bureau"],
        catalogue_item=p["item"],
        title=f"关于调整城区供热价格的决定（第{n}号）",
        problem="供热成本上涨，现行价格难以为继。",
        legal_basis=["《中华人民共和国价格法》第二十三条", "《重大行政决策程序暂行条例》"],
    )
    consultation = _draft_and_consult(p, d)
    _dispose_and_assess(p, d, consultation)
    _legality_review(p, d)
    _meeting(p, d)
    _report_publish_and_archive(p, d, n)
    process = d.process
    process.refresh_from_db()
    if process.status != "DONE":
        raise SystemExit(f"lifecycle {n} did not finish: {process.status}")


def _draft_and_consult(p: dict, d):
    """The draft saved and submitted, the consultation opened with one comment, then its
    period run out and the timer fired by the dispatcher beat runs (``workflows.timers``)."""
    from django.utils import timezone

    from decisions import services as s
    from decisions.flows import DecisionFlow
    from workflows.consultations.services import comment_submit
    from workflows.timers import timers_fire_due

    process, drafter = d.process, p["drafter"]

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
    return consultation


def _dispose_and_assess(p: dict, d, consultation) -> None:
    """The comment disposed of and the consultation finished; the risk assessed."""
    from decisions import services as s
    from decisions.flows import DecisionFlow

    process, drafter = d.process, p["drafter"]

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


def _legality_review(p: dict, d) -> None:
    """Submitted for legality review, reviewed, approved by the office's head; the package
    checked."""
    from decisions import services as s
    from decisions.flows import DecisionFlow

    process, drafter, advisor = d.process, p["drafter"], p["legal_advisor"]
    complete(
        process,
        DecisionFlow,
        "submit_legality",
        drafter,
        lambda: s.legality_review_submit(decision=d, by=drafter, procedures_account="已完成"),
    )
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


def _meeting(p: dict, d) -> None:
    """A session planned, the decision on its agenda, four members heard, the head adopts."""
    from django.utils import timezone

    from decisions import services as s
    from decisions.flows import DecisionFlow

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

    complete(d.process, DecisionFlow, "meeting", secretary, meeting)


def _report_publish_and_archive(p: dict, d, n: int) -> None:
    """Reported to the Party committee, published, sealed in the archive."""
    from decisions import services as s
    from decisions.flows import DecisionFlow

    process, secretary = d.process, p["secretary"]
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


def bare_lifecycle(user) -> None:
    from bench.flows import BareFlow

    process = BareFlow.start.run()
    for i in range(1, BARE_TASKS + 1):
        complete(process, BareFlow, f"step_{i}", user)
    process.refresh_from_db()
    if process.status != "DONE":
        raise SystemExit(f"the bare flow did not finish: {process.status}")

"""Inbox: latency and queries of the inbox API and page for a legal advisor, at 1,000 and at
100,000 decisions in the database.

    DATABASE_URL=postgres://… .venv/bin/python -m bench.inbox [--quick]

The decisions are generated in bulk with COPY, not through the services: each has its viewflow
process, 5 tasks (4 done, 1 open and offered to the role that acts next, in the lead unit or
the county government; the risk assessment also to the lead unit's risk assessors) and 10
record events. The lead units cycle through 40 departments; every open legality review is
offered to the legal advisors of the county's review office (司法局), as the flow offers it, and
the advisor holds that role, as in the demo — an eighth of all decisions. Each of those
decisions also has what ``legality_review_submit`` leaves behind: its draft version, the
legality review under way (submitted within the last two weeks, the opinion needed by the
7-working-day minimum or by a later date given) and the review's running clock on it
(``clocks_deadline``, rule ``decision.legality_review``, responsible: the office's legal
advisors; those past due marked overdue, as the sweep would) — the clock the inbox reads for
the task's due date. No other open node meets a clock
(``decisions.inbox.decision_process_clocks``). The record events are filler rows the inbox
never reads (they make the tables the size a county reaches), but real ones: each batch claims
its sequence numbers from the record's chain head under its lock, continues the chain from the
head's hash with SHA-256 over the canonical bytes (no SM3, as with ``FAZHI_RECORD_SM3`` off) and
moves the head to its last event, so the generator can run on any database and later appends
(and ``record_verify``) find an intact chain (``Generator.verify``, which also checks that every
open legality review has its running clock).

Latency is measured in this process with Django's test client (middleware, authentication,
template or serializer included; no network): p50 and p95 of ``--requests`` GETs after a
warm-up. The figure the issue asks for is p95 at 100k ÷ p95 at 1k.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from types import SimpleNamespace

from bench import harness

UNITS = 40
TASKS_PER_DECISION = 5
EVENTS_PER_DECISION = 10
# (open node, role it is offered to, where: the lead unit, the county government or the
# county's review office, 司法局, which reviews every decision's legality: 第二十五条)
OPEN_NODES = [
    ("draft", "drafter", "lead"),
    ("dispose_comments", "drafter", "lead"),
    ("risk_assessment", "drafter", "lead"),
    ("submit_legality", "drafter", "lead"),
    ("legality_review", "legal_advisor", "review_office"),
    ("package_check", "drafter", "lead"),
    ("meeting", "meeting_secretary", "county"),
    ("publication", "publisher", "county"),
]
DONE_NODES = ["draft", "open_consultation", "dispose_comments", "risk_assessment"]
# Nodes offered to a second (role, unit) beside the one above, as the flow offers them: the
# risk assessment also to the lead unit's third-party risk assessors (第二十二条).
ALSO_OFFERED = {"risk_assessment": ("risk_assessor", "lead")}
# Measured one request at a time on the decisions list, the inbox page and the task API (issue
# 22: each ≤ 25 ms at 100k decisions): the secretary is offered every county-level meeting
# task (an eighth of the decisions), the drafter those of their department, the archivist reads all.
STAFF = ("secretary", "drafter", "archivist")
# The open legality reviews' clocks, as ``legality_review_submit`` leaves them: submitted up to
# REVIEW_SUBMITTED_WITHIN days ago, half due on the minimum the rule computes (7 working days,
# 第二十六条), half on a later date the submission gave, REVIEW_GIVEN_DAYS calendar days after
# submission; under a tenth are overdue (marked so, as the sweep would have), most are due in
# the next weeks.
REVIEW_SUBMITTED_WITHIN = 14
REVIEW_GIVEN_DAYS = (14, 42)
REVIEW_TABLES = ("decisions_draftversion", "decisions_legalityreview", "clocks_deadline")


class Generator:
    """Appends decisions with COPY, continuing ids where the last batch stopped."""

    def __init__(self, p: dict):
        from django.contrib.contenttypes.models import ContentType

        from decisions.flows import DecisionFlow
        from decisions.models import Decision
        from workflows.models import Unit
        from workflows.services import unit_ensure

        self.p = p
        self.units = [p["bureau"]] + [
            unit_ensure(
                name=f"基准部门{i}",
                kind=Unit.Kind.DEPARTMENT,
                issuer_code=f"基{i}",
                parent=p["county"],
            )[0]
            for i in range(1, UNITS)
        ]
        self.flow_task = {
            name: f"decisions/flows.DecisionFlow.{name}" for name in DecisionFlow._nodes_by_name
        }
        self.offered_in = {"county": p["county"], "review_office": p["review_office"]}
        self.decision_type = ContentType.objects.get_for_model(Decision).pk
        self.made = 0
        self._review_clock_init()

    def _review_clock_init(self) -> None:
        """What every open legality review's clock shares (``deadline_open`` in
        ``legality_review_submit``): the rule as it stands, the default jurisdiction, and the
        actors the step is offered to (the review office's legal advisors)."""
        from django.contrib.contenttypes.models import ContentType
        from django.utils import timezone, translation

        from decisions.models import LegalityReview
        from decisions.services.review import RULE_KEY
        from decisions.steps import step_of_node
        from workflows.clocks.selectors import calendar_for, jurisdiction_default, rule_for

        self.review_type = ContentType.objects.get_for_model(LegalityReview).pk
        self.jurisdiction = jurisdiction_default()
        self.review_rule = rule_for(RULE_KEY, jurisdiction=self.jurisdiction)
        self.review_calendar = calendar_for(self.jurisdiction)
        with translation.override(None):
            self.review_stage = str(self.review_rule.description)[:300]
        # ``str(review)`` as the clock copies it when it opens: "<decision id>: <status>".
        self.review_label = str(LegalityReview.Status.SUBMITTED.label)
        self.today = timezone.localdate()
        # Whom the clock reminds and shows to, read from the step as the service reads it
        # (``legality_review_actors``): the legal advisors of the county's review office, the
        # same for every generated decision (they are all the county's).
        county_decision = SimpleNamespace(government=self.p["county"], lead_unit=None)
        self.review_actors = step_of_node("legality_review").offered_units(county_decision)[0]
        if self.review_actors[1] != self.offered_in["review_office"]:
            raise RuntimeError(f"the review step is offered to {self.review_actors}")
        self._minimum_on: dict[dt.date, tuple[dt.date | None, int | None]] = {}

    def _minimum(self, start: dt.date) -> tuple[dt.date | None, int | None]:
        """(the 7th working day after ``start``, None), or (None, the year whose holiday notice
        the count waits for): ``legality_review_earliest`` and the clock's own computation."""
        from workflows.calendar import CalendarRangeError

        if start not in self._minimum_on:
            try:
                due = self.review_rule.due(start, calendar=self.review_calendar)
                self._minimum_on[start] = (due, None)
            except CalendarRangeError as unknown:
                self._minimum_on[start] = (None, unknown.year)
        return self._minimum_on[start]

    def _review_clock(self, k: int) -> dict:
        """When the ``k``-th decision's review was submitted and when its opinion is due: the
        LegalityReview's and the Deadline's dates, as ``legality_review_submit`` sets them."""
        from django.utils import timezone

        from workflows.clocks.rules import CALENDAR

        h = (k * 7919) % 10_007  # a fixed spread, the same on every run
        start = self.today - dt.timedelta(days=h % REVIEW_SUBMITTED_WITHIN)
        submitted_at = timezone.make_aware(
            dt.datetime.combine(start, dt.time(9, 30)) + dt.timedelta(minutes=h % 480)
        )
        minimum_on, awaiting = self._minimum(start)
        low, high = REVIEW_GIVEN_DAYS
        if h % 2 and minimum_on is not None:  # the submission gave a later date: calendar days
            given = start + dt.timedelta(days=low + h % (high - low))
            due, needed_by = max(given, minimum_on), max(given, minimum_on)
            unit, amount = CALENDAR, (due - start).days
        else:  # not given: the reviewer gets exactly the minimum, in the rule's own unit
            due, needed_by = minimum_on, minimum_on
            unit, amount = self.review_rule.unit, self.review_rule.amount
        return {
            "start": start,
            "submitted_at": submitted_at,
            "minimum_on": minimum_on,
            "unchecked_year": awaiting,
            "needed_by": needed_by,
            "due": due,
            "unit": unit,
            "amount": amount,
            "status": "overdue" if due is not None and due < self.today else "open",
        }

    def _next_ids(self, cursor) -> dict:
        ids = {}
        for table in (
            "decisions_decision",
            "viewflow_process",
            "viewflow_task",
            "workflows_taskoffer",
            *REVIEW_TABLES,
        ):
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            ids[table] = cursor.fetchone()[0] + 1
        return ids

    def _offer_unit(self, where: str, lead):
        """The unit a task is offered in: the decision's lead unit, or a county-level office."""
        return lead if where == "lead" else self.offered_in[where]

    def add(self, n: int) -> float:
        from django.db import connection, transaction
        from django.db.models import Q

        from workflows.inbox.undated import undated_tasks_refresh
        from workflows.record.canonical import canonical_bytes, sha256_hex
        from workflows.record.services import _chain_head_advance, _chain_head_set

        started = time.perf_counter()
        p = self.p
        t0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        label = "decisions.decision"
        with transaction.atomic(), connection.cursor() as cursor:
            # The head's row lock is held to the commit: no append interleaves with ours.
            last_seq, prev_hash = _chain_head_advance(n * EVENTS_PER_DECISION)
            seq = last_seq - n * EVENTS_PER_DECISION
            ids = self._next_ids(cursor)
            raw = cursor.cursor
            review_role, review_office = self.review_actors
            decisions, processes, links, tasks, offers, events = [], [], [], [], [], []
            versions, reviews, clocks = [], [], []
            d_id, pr_id, t_id, o_id = (
                ids["decisions_decision"],
                ids["viewflow_process"],
                ids["viewflow_task"],
                ids["workflows_taskoffer"],
            )
            v_id, r_id, c_id = (ids[table] for table in REVIEW_TABLES)
            for i in range(n):
                k = self.made + i
                unit = self.units[k % UNITS]
                node, role, where = OPEN_NODES[(k // UNITS) % len(OPEN_NODES)]
                at = t0 + dt.timedelta(minutes=k)
                decisions.append(
                    (
                        d_id,
                        "基准数据（批量生成）",
                        f"基准决策{k}",
                        "问题",
                        "",
                        "[]",
                        "",
                        "[]",
                        False,
                        "",
                        False,
                        False,
                        False,
                        "",
                        "legality_review",
                        "",
                        None,
                        None,
                        "{}",
                        "",
                        at,
                        at,
                        None,
                        p["drafter"].pk,
                        p["county"].pk,
                        unit.pk,
                        None,
                        None,
                        "",
                        "",
                        "",
                    )
                )
                processes.append((pr_id, "decisions/flows.DecisionFlow", "NEW", at, None, "{}"))
                links.append((pr_id, d_id))
                for done in DONE_NODES:
                    tasks.append(
                        (
                            t_id,
                            self.flow_task[done],
                            "HUMAN",
                            "DONE",
                            at,
                            at,
                            at,
                            "start",
                            p["drafter"].pk,
                            pr_id,
                            at,
                            "{}",
                        )
                    )
                    offers.append((o_id, "drafter", t_id, unit.pk))
                    o_id += 1
                    if done in ALSO_OFFERED:
                        also, also_where = ALSO_OFFERED[done]
                        offers.append((o_id, also, t_id, self._offer_unit(also_where, unit).pk))
                        o_id += 1
                    t_id += 1
                tasks.append(
                    (
                        t_id,
                        self.flow_task[node],
                        "HUMAN",
                        "NEW",
                        at,
                        None,
                        None,
                        "start",
                        None,
                        pr_id,
                        None,
                        "{}",
                    )
                )
                offers.append((o_id, role, t_id, self._offer_unit(where, unit).pk))
                o_id += 1
                if node in ALSO_OFFERED:
                    also, also_where = ALSO_OFFERED[node]
                    offers.append((o_id, also, t_id, self._offer_unit(also_where, unit).pk))
                    o_id += 1
                t_id += 1
                if node == "legality_review":
                    # What ``legality_review_submit`` left: the draft version sent, the review
                    # under way and its running clock, on the review (第二十五条、第二十六条).
                    c = self._review_clock(k)
                    text = f"基准决策{k}草案"
                    versions.append(
                        (
                            v_id,
                            d_id,
                            1,
                            f"基准决策{k}",
                            text,
                            "[]",
                            "[]",
                            sha256_hex(text.encode()),
                            "draft",
                            "",
                            False,
                            "",
                            p["drafter"].pk,
                            at,
                        )
                    )
                    reviews.append(
                        (
                            r_id,
                            d_id,
                            v_id,
                            review_office.pk,
                            "[]",
                            "已依法履行公众参与、风险评估程序。",
                            p["drafter"].pk,
                            c["submitted_at"],
                            c["needed_by"],
                            c["minimum_on"],
                            "",
                            c["unchecked_year"],
                            c["due"],
                            c_id,
                            "submitted",
                            "[]",
                            "",
                            "",
                            "",
                            "",
                            False,
                            "",
                            "",
                        )
                    )
                    clocks.append(
                        (
                            c_id,
                            self.review_type,
                            str(r_id),
                            f"{d_id}: {self.review_label}"[:500],
                            self.jurisdiction.pk,
                            self.review_rule.key,
                            self.review_stage,
                            self.review_rule.legal_source,
                            c["start"],
                            c["unit"],
                            c["amount"],
                            c["due"],
                            c["unchecked_year"] if c["due"] is None else None,
                            c["status"],
                            c["submitted_at"],
                            "",
                            review_office.pk,
                            review_role,
                        )
                    )
                    v_id, r_id, c_id = v_id + 1, r_id + 1, c_id + 1
                for e in range(EVENTS_PER_DECISION):
                    seq += 1
                    payload = {"n": e, "opinion": "经审查，符合法定程序。"}
                    action = f"decision.step{e}"
                    digest = sha256_hex(
                        canonical_bytes(
                            seq=seq,
                            at=at,
                            actor_kind="system",
                            actor_user_id=None,
                            actor_label="system",
                            action=action,
                            content_type=label,
                            object_id=str(d_id),
                            payload=payload,
                            prev_hash=prev_hash,
                        )
                    )
                    events.append(
                        (
                            seq,
                            at,
                            "system",
                            None,
                            "system",
                            action,
                            self.decision_type,
                            str(d_id),
                            json.dumps(payload, ensure_ascii=False),
                            prev_hash,
                            digest,
                            "",
                        )
                    )
                    prev_hash = digest
                d_id += 1
                pr_id += 1
            self._copy(
                raw,
                "decisions_decision",
                (
                    "id, out_of_catalogue_reason, title, problem, necessity, legal_basis, draft_text, "
                    "options, not_disclosable, not_disclosable_reason, hearing_needed, "
                    "expert_argumentation_needed, affects_market_actors, fair_competition_review, stage, "
                    "outcome, suspended_at, sealed_at, seal_checklist, seal_sha256, created_at, "
                    "updated_at, catalogue_item_id, created_by_id, government_id, lead_unit_id, "
                    "sealed_by_id, supersedes_id, drafting_explanation, start_decided_by, "
                    "start_reference"
                ),
                decisions,
            )
            self._copy(
                raw,
                "viewflow_process",
                "id, flow_class, status, created, finished, data",
                processes,
            )
            self._copy(raw, "decisions_decisionprocess", "process_ptr_id, decision_id", links)
            self._copy(
                raw,
                "viewflow_task",
                (
                    "id, flow_task, flow_task_type, status, created, started, finished, token, owner_id, "
                    "process_id, assigned, data"
                ),
                tasks,
            )
            self._copy(raw, "workflows_taskoffer", "id, role, task_id, unit_id", offers)
            self._copy(
                raw,
                "decisions_draftversion",
                (
                    "id, decision_id, number, title, text, options, legal_basis, sha256, kind, "
                    "amendments, substantive, review_opinion, created_by_id, created_at"
                ),
                versions,
            )
            self._copy(
                raw,
                "decisions_legalityreview",
                (
                    "id, decision_id, draft_version_id, review_office_id, legal_basis, "
                    "procedures_account, submitted_by_id, submitted_at, opinion_needed_by, "
                    "minimum_on, short_time_reason, minimum_unchecked_year, due_on, deadline_id, "
                    "status, returned_missing, return_note, outcome, opinion, amendments, "
                    "exploratory_reform, legal_risk_statement, opinion_number"
                ),
                reviews,
            )
            self._copy(
                raw,
                "clocks_deadline",
                (
                    "id, content_type_id, object_id, subject_label, jurisdiction_id, rule_key, "
                    "rule_description, legal_source, start, unit, amount, due, awaiting_year, "
                    "status, opened_at, waived_reason, responsible_unit_id, responsible_role"
                ),
                clocks,
            )
            self._copy(
                raw,
                "record_event",
                (
                    "seq, at, actor_kind, actor_user_id, actor_label, action, content_type_id, object_id, "
                    "payload, prev_hash, hash, hash_sm3"
                ),
                events,
            )
            for table in (
                "decisions_decision",
                "viewflow_process",
                "viewflow_task",
                "workflows_taskoffer",
                *REVIEW_TABLES,
            ):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
            if seq != last_seq:  # cannot happen: we numbered exactly what we claimed
                raise RuntimeError(f"generated events end at #{seq}, the head claimed #{last_seq}")
            _chain_head_set(seq=last_seq, last_hash=prev_hash)
            # The tasks copied in bypassed the receivers that keep the grouped inbox's
            # undated rows: computed for this batch's tasks, as the data migration does.
            undated_tasks_refresh(tasks=Q(pk__gte=ids["viewflow_task"]))
        self.made += n
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return time.perf_counter() - started

    @staticmethod
    def verify() -> None:
        """Walk the whole record chain (head included) and check the open legality reviews'
        clocks; raise if either does not verify."""
        from workflows.record.verify import record_verify

        result = record_verify()
        if not result.ok:
            raise RuntimeError(f"the record chain does not verify after generation: {result}")
        Generator._verify_review_clocks()
        Generator._verify_undated_tasks()

    @staticmethod
    def _verify_review_clocks() -> None:
        """Raise unless every open legality review task has its review under way with a running
        clock on it, where the inbox looks (``decisions.inbox.decision_process_clocks``)."""
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection

        from decisions.models import LegalityReview
        from decisions.services.review import RULE_KEY

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM viewflow_task t WHERE t.flow_task = %s AND t.status = 'NEW' "
                "AND NOT EXISTS (SELECT 1 FROM decisions_decisionprocess dp "
                "JOIN decisions_legalityreview r ON r.decision_id = dp.decision_id "
                "AND r.status = 'submitted' "
                "JOIN clocks_deadline c ON c.content_type_id = %s AND c.object_id = r.id::text "
                "AND c.rule_key = %s AND c.status IN ('open', 'overdue') "
                "WHERE dp.process_ptr_id = t.process_id)",
                [
                    "decisions/flows.DecisionFlow.legality_review",
                    ContentType.objects.get_for_model(LegalityReview).pk,
                    RULE_KEY,
                ],
            )
            (missing,) = cursor.fetchone()
        if missing:
            raise RuntimeError(f"{missing} open legality reviews have no running clock")

    @staticmethod
    def _verify_undated_tasks() -> None:
        """Raise unless the grouped inbox's undated rows are exactly the open tasks at clocked
        steps whose clock gives no due date (``workflows.inbox.undated``)."""
        from workflows.inbox.undated import undated_tasks_expected
        from workflows.models import UndatedTask

        expected = set(undated_tasks_expected())
        kept = set(UndatedTask.objects.values_list("task_id", "created"))
        if kept != expected:
            raise RuntimeError(
                f"undated rows: {len(kept - expected)} too many, {len(expected - kept)} missing"
            )

    @staticmethod
    def _copy(raw, table: str, columns: str, rows: list) -> None:
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def measure(client, url: str, requests: int) -> dict:
    for _ in range(3):  # warm-up
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
    # Not CaptureQueriesContext: request_started empties connection.queries.
    counter = harness.SqlCounter()
    with counter.counting():
        response = client.get(url)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(harness.percentile(times, 0.5), 2),
        "p95_ms": round(harness.percentile(times, 0.95), 2),
        "queries": counter.statements,
        "bytes": len(response.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness.common_arguments(parser)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None)
    args = parser.parse_args()
    large = args.large or (10_000 if args.quick else 100_000)
    requests = args.requests or (20 if args.quick else 60)

    name = harness.setup("inbox")
    try:
        from django.test import Client
        from django.urls import reverse

        from bench.engine import people
        from workflows.inbox import tasks_for_user

        p = people()
        advisor = p["legal_advisor"]
        gen = Generator(p)
        client = Client()
        client.force_login(advisor)
        urls = {"api": reverse("api:task-list"), "page": reverse("workbench:inbox:index")}
        staff_urls = {**urls, "list": reverse("decisions:register:index")}
        staff = {}
        for who in STAFF:
            staff[who] = Client()
            staff[who].force_login(p[who])
        results, generate_s, staff_results = {}, {}, {}
        for size in (args.small, large):
            generate_s[size] = gen.add(size - gen.made)
            inbox_size = tasks_for_user(user=advisor).count()
            results[size] = {k: measure(client, u, requests) for k, u in urls.items()}
            results[size]["inbox_tasks"] = inbox_size
            staff_results[size] = {
                (who, k): measure(staff[who], u, requests)
                for who in STAFF
                for k, u in staff_urls.items()
            }
        started = time.perf_counter()
        gen.verify()
        verify_s = time.perf_counter() - started
    finally:
        harness.teardown(name, keep=args.keep)

    small, big = results[args.small], results[large]
    figures = {"small": args.small, "large": large, "requests": requests}
    for kind in ("api", "page"):
        for size, label in ((args.small, "small"), (large, "large")):
            for k, v in results[size][kind].items():
                figures[f"{kind}_{label}_{k}"] = v
        figures[f"{kind}_p95_ratio"] = harness.ratio(big[kind]["p95_ms"], small[kind]["p95_ms"], 2)
        figures[f"{kind}_p50_ratio"] = harness.ratio(big[kind]["p50_ms"], small[kind]["p50_ms"], 2)
    figures["inbox_tasks_small"] = small["inbox_tasks"]
    figures["inbox_tasks_large"] = big["inbox_tasks"]
    figures["generate_s_large"] = round(generate_s[large], 1)
    figures["verify_s_large"] = round(verify_s, 1)
    rows = []
    for kind, what in (("api", "API /api/v1/tasks/"), ("page", "page /workbench/inbox/")):
        for size in (args.small, large):
            r = results[size][kind]
            rows.append(
                (
                    f"{what} at {size:,} decisions",
                    f"p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  {r['queries']} queries",
                )
            )
        rows.append(
            (
                f"{what} p95 ratio {large // 1000}k/{args.small // 1000}k (target ≤ 1.5, p95 ≤ 50 ms)",
                f"{figures[f'{kind}_p95_ratio']}",
            )
        )
    rows.append(("tasks in the advisor's inbox", f"{small['inbox_tasks']} → {big['inbox_tasks']}"))
    worst = {"p50_ms": 0.0, "p95_ms": 0.0}
    for (who, kind), r in staff_results[large].items():
        r_small = staff_results[args.small][(who, kind)]
        for k in ("p50_ms", "p95_ms", "queries"):
            figures[f"staff_{who}_{kind}_small_{k}"] = r_small[k]
            figures[f"staff_{who}_{kind}_large_{k}"] = r[k]
        worst = {k: max(worst[k], r[k]) for k in worst}
        rows.append(
            (
                f"{who} {kind} at {args.small:,} → {large:,}",
                f"p50 {r_small['p50_ms']} → {r['p50_ms']} ms  p95 {r_small['p95_ms']} → "
                f"{r['p95_ms']} ms  {r['queries']} queries",
            )
        )
    figures["staff_large_max_p50_ms"] = worst["p50_ms"]
    figures["staff_large_max_p95_ms"] = worst["p95_ms"]
    rows.append(
        (
            f"staff endpoints at {large:,}: worst p50 / p95 (target p50 ≤ 25 ms)",
            f"{worst['p50_ms']} / {worst['p95_ms']} ms",
        )
    )
    rows.append((f"bulk generation of {large:,} decisions", f"{figures['generate_s_large']} s"))
    rows.append(("record_verify of the generated chain", f"ok, {figures['verify_s_large']} s"))
    harness.emit("inbox", figures, rows)


if __name__ == "__main__":
    main()

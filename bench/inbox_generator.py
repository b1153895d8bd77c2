"""The inbox section's decisions, generated in bulk with COPY, not through the services: each
has its viewflow process, 5 tasks (4 done, 1 open and offered to the role that acts next, in the
lead unit or the county government; the risk assessment also to the lead unit's risk assessors)
and 10 record events. The lead units cycle through 40 departments; every open legality review is
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
open legality review has its running clock). The rows themselves: ``bench.inbox_rows``.
"""

from __future__ import annotations

import datetime as dt
import time
from types import SimpleNamespace

from bench.inbox_rows import (
    ID_TABLES,
    Batch,
    decision_row,
    event_row,
    review_row,
    task_row,
    version_row,
)

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
# The open legality reviews' clocks, as ``legality_review_submit`` leaves them: submitted up to
# REVIEW_SUBMITTED_WITHIN days ago, half due on the minimum the rule computes (7 working days,
# 第二十六条), half on a later date the submission gave, REVIEW_GIVEN_DAYS calendar days after
# submission; under a tenth are overdue (marked so, as the sweep would have), most are due in
# the next weeks.
REVIEW_SUBMITTED_WITHIN = 14
REVIEW_GIVEN_DAYS = (14, 42)


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
        for table in ID_TABLES:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            ids[table] = cursor.fetchone()[0] + 1
        return ids

    def _offer_unit(self, where: str, lead):
        """The unit a task is offered in: the decision's lead unit, or a county-level office."""
        return lead if where == "lead" else self.offered_in[where]

    def add(self, n: int) -> float:
        """Append ``n`` decisions with everything they have, in one transaction; the seconds
        it took (the ANALYZE after it included)."""
        from django.db import connection, transaction
        from django.db.models import Q

        from workflows.inbox.undated import undated_tasks_refresh
        from workflows.record.services import _chain_head_advance, _chain_head_set

        started = time.perf_counter()
        t0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        with transaction.atomic(), connection.cursor() as cursor:
            # The head's row lock is held to the commit: no append interleaves with ours.
            last_seq, prev_hash = _chain_head_advance(n * EVENTS_PER_DECISION)
            seq = last_seq - n * EVENTS_PER_DECISION
            ids = self._next_ids(cursor)
            batch = Batch.starting_at(ids)
            for i in range(n):
                k = self.made + i
                unit = self.units[k % UNITS]
                node, role, where = OPEN_NODES[(k // UNITS) % len(OPEN_NODES)]
                at = t0 + dt.timedelta(minutes=k)
                self._add_decision(batch, k=k, unit=unit, at=at)
                self._add_tasks(batch, unit=unit, open_node=(node, role, where), at=at)
                if node == "legality_review":
                    self._add_review(batch, k=k, at=at)
                seq, prev_hash = self._add_events(batch, seq=seq, prev_hash=prev_hash, at=at)
                batch.d_id += 1
                batch.pr_id += 1
            batch.copy(cursor.cursor)
            for table in ID_TABLES:
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

    def _add_decision(self, batch: Batch, *, k: int, unit, at: dt.datetime) -> None:
        """The ``k``-th decision, led by ``unit``, and its viewflow process."""
        p = self.p
        batch.rows["decisions_decision"].append(
            decision_row(
                d_id=batch.d_id,
                k=k,
                at=at,
                drafter_id=p["drafter"].pk,
                county_id=p["county"].pk,
                unit_id=unit.pk,
            )
        )
        batch.rows["viewflow_process"].append(
            (batch.pr_id, "decisions/flows.DecisionFlow", "NEW", at, None, "{}")
        )
        batch.rows["decisions_decisionprocess"].append((batch.pr_id, batch.d_id))

    def _add_tasks(self, batch: Batch, *, unit, open_node: tuple, at: dt.datetime) -> None:
        """The process's done tasks, each offered to the lead unit's drafters, then its open
        task at ``open_node`` (node, role, where), each also offered as ``ALSO_OFFERED`` says."""
        drafter_id = self.p["drafter"].pk
        for done in DONE_NODES:
            batch.rows["viewflow_task"].append(
                task_row(
                    t_id=batch.t_id,
                    flow_task=self.flow_task[done],
                    pr_id=batch.pr_id,
                    at=at,
                    done_by=drafter_id,
                )
            )
            batch.offer("drafter", unit.pk)
            self._offer_also(batch, done, unit)
            batch.t_id += 1
        node, role, where = open_node
        batch.rows["viewflow_task"].append(
            task_row(
                t_id=batch.t_id,
                flow_task=self.flow_task[node],
                pr_id=batch.pr_id,
                at=at,
                done_by=None,
            )
        )
        batch.offer(role, self._offer_unit(where, unit).pk)
        self._offer_also(batch, node, unit)
        batch.t_id += 1

    def _offer_also(self, batch: Batch, node: str, unit) -> None:
        if node in ALSO_OFFERED:
            also, also_where = ALSO_OFFERED[node]
            batch.offer(also, self._offer_unit(also_where, unit).pk)

    def _add_review(self, batch: Batch, *, k: int, at: dt.datetime) -> None:
        """What ``legality_review_submit`` left: the draft version sent, the review under way
        and its running clock, on the review (第二十五条、第二十六条)."""
        c = self._review_clock(k)
        drafter_id = self.p["drafter"].pk
        batch.rows["decisions_draftversion"].append(
            version_row(v_id=batch.v_id, d_id=batch.d_id, k=k, drafter_id=drafter_id, at=at)
        )
        batch.rows["decisions_legalityreview"].append(
            review_row(
                r_id=batch.r_id,
                d_id=batch.d_id,
                v_id=batch.v_id,
                c_id=batch.c_id,
                office_id=self.review_actors[1].pk,
                drafter_id=drafter_id,
                c=c,
            )
        )
        batch.rows["clocks_deadline"].append(self._clock_row(batch, c))
        batch.v_id, batch.r_id, batch.c_id = batch.v_id + 1, batch.r_id + 1, batch.c_id + 1

    def _clock_row(self, batch: Batch, c: dict) -> tuple:
        """The review's running clock (``clocks_deadline``), as ``deadline_open`` writes it."""
        review_role, review_office = self.review_actors
        return (
            batch.c_id,
            self.review_type,
            str(batch.r_id),
            f"{batch.d_id}: {self.review_label}"[:500],
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

    def _add_events(
        self, batch: Batch, *, seq: int, prev_hash: str, at: dt.datetime
    ) -> tuple[int, str]:
        """The decision's filler record events, numbered on from ``seq`` and chained on from
        ``prev_hash``; the last event's number and hash."""
        for e in range(EVENTS_PER_DECISION):
            seq += 1
            row, prev_hash = event_row(
                seq=seq,
                at=at,
                e=e,
                decision_type=self.decision_type,
                d_id=batch.d_id,
                prev_hash=prev_hash,
            )
            batch.rows["record_event"].append(row)
        return seq, prev_hash

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

"""The rows ``bench.inbox_generator.Generator`` copies in, one builder per kind of row, and
the batch that collects them with the next id of each table: a decision with its viewflow
process, its tasks and their offers, the draft version, legality review and running clock an
open review has (``legality_review_submit``, 第二十五条、第二十六条), and its record events
chained from the head's hash. Plain tuples in each table's COPY column order."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

REVIEW_TABLES = ("decisions_draftversion", "decisions_legalityreview", "clocks_deadline")
# Tables whose ids the generator continues, and whose sequences it moves past the copied rows.
ID_TABLES = (
    "decisions_decision",
    "viewflow_process",
    "viewflow_task",
    "workflows_taskoffer",
    *REVIEW_TABLES,
)
# Each table's COPY columns, in the order the rows are copied in.
COLUMNS = {
    "decisions_decision": (
        "id, out_of_catalogue_reason, title, problem, necessity, legal_basis, draft_text, "
        "options, not_disclosable, not_disclosable_reason, hearing_needed, "
        "expert_argumentation_needed, affects_market_actors, fair_competition_review, stage, "
        "outcome, suspended_at, sealed_at, seal_checklist, seal_sha256, created_at, "
        "updated_at, catalogue_item_id, created_by_id, government_id, lead_unit_id, "
        "sealed_by_id, supersedes_id, drafting_explanation, start_decided_by, "
        "start_reference"
    ),
    "viewflow_process": "id, flow_class, status, created, finished, data",
    "decisions_decisionprocess": "process_ptr_id, decision_id",
    "viewflow_task": (
        "id, flow_task, flow_task_type, status, created, started, finished, token, owner_id, "
        "process_id, assigned, data"
    ),
    "workflows_taskoffer": "id, role, task_id, unit_id",
    "decisions_draftversion": (
        "id, decision_id, number, title, text, options, legal_basis, sha256, kind, "
        "amendments, substantive, review_opinion, created_by_id, created_at"
    ),
    "decisions_legalityreview": (
        "id, decision_id, draft_version_id, review_office_id, legal_basis, "
        "procedures_account, submitted_by_id, submitted_at, opinion_needed_by, "
        "minimum_on, short_time_reason, minimum_unchecked_year, due_on, deadline_id, "
        "status, returned_missing, return_note, outcome, opinion, amendments, "
        "exploratory_reform, legal_risk_statement, opinion_number"
    ),
    "clocks_deadline": (
        "id, content_type_id, object_id, subject_label, jurisdiction_id, rule_key, "
        "rule_description, legal_source, start, unit, amount, due, awaiting_year, "
        "status, opened_at, waived_reason, responsible_unit_id, responsible_role"
    ),
    "record_event": (
        "seq, at, actor_kind, actor_user_id, actor_label, action, content_type_id, object_id, "
        "payload, prev_hash, hash, hash_sm3"
    ),
}


@dataclass
class Batch:
    """One ``add``'s rows per table (in ``COLUMNS`` order, so in copy order) and the id the
    next row of each table takes."""

    d_id: int
    pr_id: int
    t_id: int
    o_id: int
    v_id: int
    r_id: int
    c_id: int
    rows: dict[str, list] = field(default_factory=lambda: {table: [] for table in COLUMNS})

    @classmethod
    def starting_at(cls, ids: dict) -> Batch:
        v_id, r_id, c_id = (ids[table] for table in REVIEW_TABLES)
        return cls(
            d_id=ids["decisions_decision"],
            pr_id=ids["viewflow_process"],
            t_id=ids["viewflow_task"],
            o_id=ids["workflows_taskoffer"],
            v_id=v_id,
            r_id=r_id,
            c_id=c_id,
        )

    def offer(self, role: str, unit_id: int) -> None:
        """Offer the current task to ``role`` in the unit ``unit_id``."""
        self.rows["workflows_taskoffer"].append((self.o_id, role, self.t_id, unit_id))
        self.o_id += 1

    def copy(self, raw) -> None:
        """COPY every table's rows in, in ``COLUMNS`` order."""
        for table, columns in COLUMNS.items():
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in self.rows[table]:
                    copy.write_row(row)


def decision_row(
    *, d_id: int, k: int, at: dt.datetime, drafter_id: int, county_id: int, unit_id: int
) -> tuple:
    """The ``k``-th generated decision, at the legality review stage."""
    return (
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
        drafter_id,
        county_id,
        unit_id,
        None,
        None,
        "",
        "",
        "",
    )


def task_row(
    *, t_id: int, flow_task: str, pr_id: int, at: dt.datetime, done_by: int | None
) -> tuple:
    """A human task of the process: done by ``done_by`` at ``at``, or (None) open."""
    done = done_by is not None
    return (
        t_id,
        flow_task,
        "HUMAN",
        "DONE" if done else "NEW",
        at,
        at if done else None,
        at if done else None,
        "start",
        done_by,
        pr_id,
        at if done else None,
        "{}",
    )


def version_row(*, v_id: int, d_id: int, k: int, drafter_id: int, at: dt.datetime) -> tuple:
    """The draft version sent to the legality review."""
    from workflows.record.canonical import sha256_hex

    text = f"基准决策{k}草案"
    return (
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
        drafter_id,
        at,
    )


def review_row(
    *, r_id: int, d_id: int, v_id: int, c_id: int, office_id: int, drafter_id: int, c: dict
) -> tuple:
    """The legality review under way, with the dates of its clock ``c``."""
    return (
        r_id,
        d_id,
        v_id,
        office_id,
        "[]",
        "已依法履行公众参与、风险评估程序。",
        drafter_id,
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


def event_row(
    *, seq: int, at: dt.datetime, e: int, decision_type: int, d_id: int, prev_hash: str
) -> tuple[tuple, str]:
    """The ``e``-th filler record event of a decision, chained on ``prev_hash`` with SHA-256
    over the canonical bytes; the row and its hash."""
    from workflows.record.canonical import canonical_bytes, sha256_hex

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
            content_type="decisions.decision",
            object_id=str(d_id),
            payload=payload,
            prev_hash=prev_hash,
        )
    )
    row = (
        seq,
        at,
        "system",
        None,
        "system",
        action,
        decision_type,
        str(d_id),
        json.dumps(payload, ensure_ascii=False),
        prev_hash,
        digest,
        "",
    )
    return row, digest

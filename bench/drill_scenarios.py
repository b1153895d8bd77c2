"""The fault drill's reminder scenarios (run by ``bench.drill``): reminders owed while Redis,
the worker, beat or the database connections fail. Each returns its figures as a dict;
``bench.drill`` prints them. (Transitions over HTTP: ``bench.drill_transitions``.)

The drill process observes through the ORM on its own connection (never terminated) and never
delivers anything itself: every reminder and e-mail is sent by the worker that beat's sweeps
feed.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

from bench import drill_procs as procs

CLAIM_TIMEOUT = 8  # FAZHI_REMINDER_CLAIM_TIMEOUT_SECONDS of the drill's processes
SWEEP_SECONDS = 2  # FAZHI_SWEEP_SECONDS
DELIVERY_LIMIT = 150.0  # seconds a scenario may take to deliver everything
# After everything is delivered: a stale "sending" mark is retried after the claim timeout, a
# lost message re-queued after it; a double would show within this.
SETTLE = CLAIM_TIMEOUT + 3 * SWEEP_SECONDS
RULE_KEY = "decision.legality_review"  # 7 working days, 《重大行政决策程序暂行条例》第二十六条


@dataclass
class Drill:
    """What the scenarios share: the processes, the database, the people, the mail file."""

    database: str
    env: dict[str, str]
    base_url: str
    redis: object  # tests.support.OwnRedis
    web: procs.Proc
    worker: procs.Proc
    beat: procs.Proc
    mail_file: object  # Path
    unit: object = None  # the drill's own unit: its clocks, its reviewer and its head
    justice: object = None  # 乌恰县司法局, the demo drafter's unit
    reviewer: object = None
    head: object = None
    tokens: dict[str, str] = field(default_factory=dict)
    restarts: list[str] = field(default_factory=list)

    def processes(self) -> list[procs.Proc]:
        return [self.web, self.worker, self.beat]

    def revive(self, scenario: str) -> list[str]:
        """Restart any of the three that died by itself (not by the drill's hand): a finding."""
        died = []
        for proc in self.processes():
            if not proc.alive():
                died.append(proc.name)
                proc.start()
                if proc is self.worker:
                    procs.worker_started(proc)
        self.restarts += [f"{scenario}: {name}" for name in died]
        return died


# --- reminders --------------------------------------------------------------------------------


def clocks_open(drill: Drill, key: str, n: int) -> list[int]:
    """``n`` legality-review clocks, each on its own subject, started so that they are overdue
    today on the real calendar (the processes read today from the real clock): each is owed
    one overdue reminder to its reviewer and one to the unit's head (the escalation)."""
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    import decisions.services.review  # noqa: F401 - registers the rule
    from workflows.calendar import add_working_days, working_days_before
    from workflows.clocks.selectors import calendar_for
    from workflows.clocks.services import deadline_open

    calendar = calendar_for()
    today = timezone.localdate()
    start = working_days_before(today, 10, calendar=calendar)
    assert add_working_days(start, 7, calendar=calendar) < today  # overdue today
    subjects = Group.objects.bulk_create(
        [Group(name=f"drill-{key}-{i:03d}") for i in range(n)], batch_size=500
    )
    with transaction.atomic():
        return [
            deadline_open(
                subject=subject,
                rule_key=RULE_KEY,
                start=start,
                responsible_unit=drill.unit,
                responsible_people=[drill.reviewer],
            ).pk
            for subject in subjects
        ]


def _mail_lines(drill: Drill) -> list[list[str]]:
    if not drill.mail_file.exists():
        return []
    return [line.split("\t") for line in drill.mail_file.read_text().splitlines() if line]


def reminder_state(drill: Drill, key: str, deadline_ids: list[int]) -> dict:
    """Owed, sent, lost and doubled reminders and e-mails of one scenario's clocks."""
    from django.db.models import Count

    from workflows.clocks.models import Notification, Reminder
    from workflows.clocks.sweep import reminder_message_id

    owed = 2 * len(deadline_ids)  # the reviewer and the head, for each clock
    rows = list(
        Reminder.objects.filter(deadline_id__in=deadline_ids).values_list(
            "pk", "sent_at", "email_status", "recipient__email"
        )
    )
    linked = dict(
        Notification.objects.filter(reminder_id__in=[r[0] for r in rows])
        .values_list("reminder_id")
        .annotate(n=Count("pk"))
    )
    # Every in-app notification about this scenario's items, linked to a reminder or not.
    titled = Notification.objects.filter(
        recipient__in=[drill.reviewer, drill.head], title__contains=f"drill-{key}-"
    ).count()
    sent = sum(1 for pk, sent_at, *_ in rows if sent_at is not None and linked.get(pk))
    doubled = sum(1 for pk, *_ in rows if linked.get(pk, 0) > 1) + max(0, titled - len(rows))

    copies = Counter(line[0] for line in _mail_lines(drill))
    mailed = {pk: reminder_message_id(pk) for pk, _, _, email in rows if email}
    emails_owed = len(mailed) + (owed - len(rows))  # every recipient here has an address
    emails_sent = sum(1 for mid in mailed.values() if copies[mid])
    return {
        "reminders_owed": owed,
        "reminders_made": len(rows),
        "reminders_sent": sent,
        "reminders_lost": owed - sent,
        "reminders_doubled": doubled,
        "notifications": titled,
        "emails_owed": emails_owed,
        "emails_sent": emails_sent,
        "emails_doubled": sum(1 for mid in mailed.values() if copies[mid] > 1),
        "email_copies_extra": sum(max(0, copies[mid] - 1) for mid in mailed.values()),
        "emails_missing": emails_owed - emails_sent,
        "emails_unmarked": sum(1 for _, _, status, email in rows if email and status != "sent"),
    }


def _delivered(state: dict) -> bool:
    return (
        state["reminders_sent"] == state["reminders_owed"]
        and state["emails_unmarked"] == 0
        and state["emails_sent"] == state["emails_owed"]
    )


def _sent_so_far(drill: Drill, deadline_ids: list[int]) -> int:
    from workflows.clocks.models import Reminder

    return Reminder.objects.filter(deadline_id__in=deadline_ids, sent_at__isnull=False).count()


def _emailed_so_far(drill: Drill, deadline_ids: list[int]) -> int:
    from workflows.clocks.models import Reminder

    return Reminder.objects.filter(deadline_id__in=deadline_ids, email_status="sent").count()


@dataclass
class HttpCount:
    requests: int = 0
    by_status: Counter = field(default_factory=Counter)
    no_response: int = 0

    def note(self, response: requests.Response | None) -> None:
        self.requests += 1
        if response is None:
            self.no_response += 1
        else:
            self.by_status[response.status_code] += 1

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.by_status.items() if status >= 500)


class HttpProbe:
    """Requests, in a thread, what staff and citizens keep asking for while a fault happens: a
    drafter's inbox (API) and the public portal, one every ``every`` seconds, counting answers
    by status. Bounded by ``max_requests`` and ``max_seconds``."""

    def __init__(self, drill: Drill, *, every=0.25, max_requests=1200, max_seconds=200.0):
        self.count = HttpCount()
        self.urls = [f"{drill.base_url}/api/v1/tasks/", f"{drill.base_url}/public/"]
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {drill.tokens['drafter']}"
        self.every, self.max_requests, self.max_seconds = every, max_requests, max_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="http-probe", daemon=True)

    def _run(self) -> None:
        started = time.monotonic()
        while (
            not self._stop.is_set()
            and self.count.requests < self.max_requests
            and time.monotonic() - started < self.max_seconds
        ):
            url = self.urls[self.count.requests % len(self.urls)]
            try:
                response = self.session.get(url, timeout=30)
            except requests.RequestException:
                response = None
            self.count.note(response)
            self._stop.wait(self.every)

    def __enter__(self) -> HttpProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=35)

    def figures(self) -> dict:
        return {
            "probe_requests": self.count.requests,
            "probe_5xx": self.count.server_errors,
            "probe_no_response": self.count.no_response,
            "probe_by_status": {str(k): v for k, v in sorted(self.count.by_status.items())},
        }


def reminders_run(drill: Drill, key: str, n: int, fault) -> dict:
    """Open ``n`` overdue clocks, do ``fault`` (which returns its notes) while beat and the
    worker deliver, wait (bounded) until every reminder is sent and every e-mail marked, wait
    SETTLE seconds more for late doubles, and count."""
    ids = clocks_open(drill, key, n)
    started = time.monotonic()
    with HttpProbe(drill) as probe:
        notes = fault(drill, key, ids) or {}
        done = procs.wait_for(
            lambda: _delivered(reminder_state(drill, key, ids)),
            timeout=max(5.0, DELIVERY_LIMIT - (time.monotonic() - started)),
            every=0.5,
        )
    seconds = round(time.monotonic() - started, 1)
    time.sleep(SETTLE)
    state = reminder_state(drill, key, ids)
    died = drill.revive(key)
    return {
        **state,
        "delivered_in_time": done,
        "seconds": seconds,
        "deadlines": ids,
        "died": died,
        **probe.figures(),
        **notes,
    }


def no_fault(drill: Drill, key: str, ids: list[int]) -> dict:
    return {}


def redis_restarted(drill: Drill, key: str, ids: list[int], *, down: float = 10.0) -> dict:
    """Stop the drill's redis-server once the sweep has made this scenario's reminders (the
    messages it published are lost with it: no persistence), keep it down ``down`` seconds
    while beat keeps sweeping, start it again empty."""
    # Mid-delivery: the first reminders are out, most messages wait in Redis or in the worker.
    procs.wait_for(lambda: _sent_so_far(drill, ids) > 0, timeout=30, every=0.05)
    at_stop = _sent_so_far(drill, ids)
    drill.redis.stop()
    time.sleep(down)
    drill.redis.start()
    return {"redis_down_s": down, "sent_when_redis_stopped": at_stop}


def worker_killed(drill: Drill, key: str, ids: list[int], *, kills: int = 2) -> dict:
    """SIGKILL the worker (its whole process group: the pool's children too) at about a third
    and two thirds of this scenario's e-mails, restarting it each time."""
    total = 2 * len(ids)
    at_kill = []
    for k in range(1, kills + 1):
        mark = total * k // (kills + 1)
        procs.wait_for(
            lambda mark=mark: _emailed_so_far(drill, ids) >= mark, timeout=45, every=0.02
        )
        at_kill.append([_sent_so_far(drill, ids), _emailed_so_far(drill, ids)])
        drill.worker.kill()
        time.sleep(1.0)
        drill.worker.start()
        procs.worker_started(drill.worker)
    return {"kills": kills, "sent_and_emailed_at_each_kill": at_kill}


def two_beats(drill: Drill, key: str, ids: list[int], *, second: procs.Proc) -> dict:
    """A second beat beside the first for the whole delivery (started before the clocks
    were opened); stopped when every reminder is out."""
    procs.wait_for(
        lambda: _delivered(reminder_state(drill, key, ids)) or not second.alive(),
        timeout=DELIVERY_LIMIT,
        every=0.5,
    )
    alive = second.alive()
    second.stop()
    return {"second_beat_alive_to_the_end": alive}


def backends_terminated(drill: Drill, key: str, ids: list[int], *, every: float = 0.5) -> dict:
    """Terminate every database backend of the drill's processes every ``every`` seconds
    until this scenario's reminders are all delivered (at most 90 s)."""
    with procs.BackendTerminator(drill.database, every=every, max_seconds=90) as terminator:
        procs.wait_for(lambda: _delivered(reminder_state(drill, key, ids)), timeout=90, every=0.25)
    return {
        "pg_terminations": terminator.terminated,
        "pg_rounds": terminator.rounds,
        "terminator_errors": terminator.errors[:3],
    }

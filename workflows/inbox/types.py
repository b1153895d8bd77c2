"""The shapes every inbox module shares: one item waiting for a person (``InboxItem``), the
leading items of one source and their number (``InboxSlice``), and what a source is."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting for a person, whatever machinery carries it."""

    kind: str  # stable machine key: "task", or "<source>.<step>"
    title: str  # what to do
    subject: str  # what it is about
    url: str  # where it is done ("" when there is no page)
    due: date | None
    unit: str  # for which unit the person is asked to act
    stage: str  # where the subject stands in its procedure
    created: datetime  # since when it waits
    key: str = ""  # unique among the person's items, for links and tests
    # No due date yet: its clock waits for this year's holiday notice (domain.md §4).
    awaiting: int | None = None
    legal_source: str = ""  # the provision setting the due date, as it is cited
    jurisdiction_id: int | None = None  # whose working-day calendar counts the days left
    process: str = ""  # the app the work belongs to ("decisions", "normdocs"): the filter
    unit_ids: tuple[int, ...] = ()  # the units for which it is asked (the unit filter, 催办)
    task_id: int | None = None  # the viewflow task carrying it, if any (催办)
    done_at: datetime | None = None  # 已办 / 办结: when the person's part ended
    # The running clock giving ``due``: among items due the same day, the one whose clock
    # started first comes first (``items._sort_key``).
    clock_id: int | None = None


class InboxSlice(list):
    """The leading items of one source in inbox order (a list), and ``total``: how many
    items the source holds in all, beyond the slice too, counted up to
    ``workflows.paging.COUNT_CAP + 1`` at most (more means "more than the cap")."""

    def __init__(self, items: Iterable[InboxItem] = (), *, total: int | None = None):
        super().__init__(items)
        self.total = len(self) if total is None else total


InboxSource = Callable[..., Iterable[InboxItem]]

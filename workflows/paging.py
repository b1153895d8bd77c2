"""Pages that never count everything: a paginator whose count stops at ``COUNT_CAP``.

A staff list (the decisions, the inbox) shows fifty rows; counting every row a person may see
to print "page 1 of 2,000" cost more than reading the page once a prefecture's data is in. The
count is therefore asked of the first ``COUNT_CAP + 1`` rows only (``SELECT COUNT(*) FROM
(… LIMIT 1001)``): below the cap the page reads "page 1 of 3" exactly as before; above it,
"page 1 of 20+", and pages past the cap are read with one row more than they show, which says
whether there is a next one.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 1000


class CappedCount(int):
    """A number counted up to ``cap + 1`` at most (``COUNT_CAP`` unless said): ``capped``
    when it passed the cap, and then shown as "more than ``cap``" (the grouped inbox's group
    counts, issue 22)."""

    def __new__(cls, value: int, cap: int = COUNT_CAP):
        count = super().__new__(cls, value)
        count._cap = cap
        return count

    @property
    def cap(self) -> int:
        return self._cap

    @property
    def capped(self) -> bool:
        return self > self._cap


def capped(count: int, cap: int = COUNT_CAP) -> CappedCount:
    """``count``, stopped at ``cap + 1``."""
    return CappedCount(min(count, cap + 1), cap)


class CappedPage(Page):
    """A page read past the cap: ``has_next`` from the extra row it read."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more

    def has_previous(self):
        return self.number > 1

    def end_index(self):
        return self.start_index() + len(self) - 1 if len(self) else 0


class CappedPaginator(Paginator):
    """``Paginator`` for querysets (and sequences whose ``count()`` is capped, such as the
    inbox) that counts at most ``cap + 1`` items. ``capped`` tells whether there are more than
    ``cap``; ``pages_label`` is the number of pages to show ("20+" when capped)."""

    cap = COUNT_CAP

    @cached_property
    def count(self):
        if isinstance(self.object_list, QuerySet):
            # Unordered: the count stops at the cap's row wherever it finds it, instead of
            # sorting every visible row first (a drafter's 2,500 decisions at 100,000).
            return self.object_list.order_by()[: self.cap + 1].count()
        return min(super().count, self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self):
        if not self.capped:
            return super().num_pages
        return self.cap // self.per_page

    @property
    def pages_label(self) -> str:
        return f"{self.num_pages}+" if self.capped else str(self.num_pages)

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        if not self.capped or number < self.num_pages:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

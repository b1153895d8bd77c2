"""The legal-deadlines section of the annual report (``workflows.reports``): the clocks due in
the year, met on time, met late and overdue, by responsible unit and by month."""

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.reports import PLACEHOLDER, chart, register_report_section, series_chart

from .models import Deadline


def deadlines_section(year: int) -> dict:
    """Legal clocks due in ``year``, per responsible unit: met on time, met late, overdue.

    A clock is met when the act was done (``met_at``, the act's own time when it was entered
    after the fact), so a back-entered year reads as it would have live.
    """
    per_unit, months = _deadline_counts(year)
    total = {
        key: sum(c[key] for c in per_unit.values())
        for key in ("due", "met_on_time", "met_late", "overdue", "open", "waived")
    }
    query = (
        f"workflows.clocks.Deadline where due falls in {year}; on time = status met and "
        "local date of met_at (the act's time) ≤ due; late = met after due or status overdue"
    )
    month_labels = [f"{m}月" for m in range(1, 13)]
    return {
        "title": _("Legal deadlines"),
        "heading": "法定期限办理情况",
        "place": "oversight",
        "sentences": _deadlines_sentences(total, per_unit),
        "figures": {"total": total, "by_unit": {u: dict(c) for u, c in sorted(per_unit.items())}},
        "queries": {"total": query, "by_unit": query + ", grouped by responsible_unit"},
        "charts": [
            series_chart(
                _("Deadlines due, on time and late, by month"),
                month_labels,
                [(_("On time"), months["on_time"]), (_("Late or overdue"), months["late"])],
            ),
            chart(
                _("Deadlines met on time, by unit"),
                [(u, u, c["met_on_time"]) for u, c in sorted(per_unit.items())],
            ),
            chart(
                _("Deadlines missed, by unit"),
                [(u, u, c["met_late"] + c["overdue"]) for u, c in sorted(per_unit.items())],
            ),
        ],
    }


def _deadline_counts(year: int) -> tuple[dict[str, dict[str, int]], dict[str, list[int]]]:
    """The clocks due in ``year`` counted per responsible unit by outcome, and per month of
    their due date on time and late (met late or overdue)."""
    per_unit: dict[str, dict[str, int]] = defaultdict(
        lambda: {"due": 0, "met_on_time": 0, "met_late": 0, "overdue": 0, "open": 0, "waived": 0}
    )
    months = {key: [0] * 12 for key in ("on_time", "late")}
    rows = Deadline.objects.filter(due__year=year).values_list(
        "responsible_unit__name", "status", "due", "met_at"
    )
    for unit, status, due, met_at in rows:
        counts = per_unit[unit]
        counts["due"] += 1
        if status == Deadline.Status.MET:
            late = met_at is not None and timezone.localdate(met_at) > due
            counts["met_late" if late else "met_on_time"] += 1
            months["late" if late else "on_time"][due.month - 1] += 1
        elif status == Deadline.Status.OVERDUE:
            counts["overdue"] += 1
            months["late"][due.month - 1] += 1
        elif status == Deadline.Status.WAIVED:
            counts["waived"] += 1
        else:
            counts["open"] += 1
    return per_unit, months


def _deadlines_sentences(total: dict[str, int], per_unit: dict[str, dict[str, int]]) -> list[str]:
    """The section's text: the year's totals, the units with late clocks, and a placeholder
    for what the system does not record."""
    sentences = [
        f"落实法定期限管理，全年到期法定期限{total['due']}项，按期办结{total['met_on_time']}项，"
        f"逾期办结{total['met_late']}项，逾期未办结{total['overdue']}项。"
    ]
    late_units = [
        f"{unit}{c['met_late'] + c['overdue']}项"
        for unit, c in sorted(per_unit.items())
        if c["met_late"] + c["overdue"]
    ]
    if late_units:
        sentences.append("逾期事项涉及" + "、".join(late_units) + "。")
    sentences.append(f"{PLACEHOLDER}外部监督、联席会议、政务公开等情况，系统未记录，由起草人填写。")
    return sentences


register_report_section("deadlines", deadlines_section, order=900)

"""The annual rule-of-law report (法治政府建设年度报告, domain.md §5) from what the system records.

Apps contribute sections: ``register_report_section(name, fn)`` where ``fn(year) -> dict`` returns

- ``title``: the section's name for the staff page (a translatable string);
- ``heading`` and ``sentences``: the official Chinese text, written like the county's own report
  ("清查14件规范性文件，继续执行的规范性文件8件，…"), used in the .docx and Markdown;
- ``figures``: the numbers, nested dicts of ints (the JSON format);
- ``charts``: ``[{"title": ..., "bars": [{"label": ..., "value": int}]}]`` for the staff page.

This module registers one section of its own: legal deadlines met and overdue by unit.
"""

import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SectionFn = Callable[[int], dict]


@dataclass(frozen=True)
class _Section:
    name: str
    fn: SectionFn
    order: int


_sections: dict[str, _Section] = {}


def register_report_section(name: str, fn: SectionFn, *, order: int = 100) -> None:
    """Add (or replace) the section ``name``; sections appear by ``order``, then name."""
    if not callable(fn):
        raise TypeError("a report section is a callable fn(year) -> dict")
    _sections[name] = _Section(name, fn, order)


def report_section_names() -> list[str]:
    return [s.name for s in sorted(_sections.values(), key=lambda s: (s.order, s.name))]


def annual_report(year: int) -> dict:
    """Every registered section for ``year``."""
    return {
        "year": year,
        "title": f"{year}年度法治政府建设工作报告（统计部分）",
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "sections": {name: _sections[name].fn(year) for name in report_section_names()},
    }


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 January, next 1 January) of ``year`` in the installation's time zone."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


# --- renderings -----------------------------------------------------------------------------


def report_json(report: dict) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=2, default=str).encode("utf-8") + b"\n"


def _flatten(figures: dict, prefix: str = "") -> list[tuple[str, object]]:
    rows = []
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += _flatten(value, f"{name}.")
        else:
            rows.append((name, value))
    return rows


def report_markdown(report: dict) -> str:
    lines = [f"# {report['title']}", ""]
    for section in report["sections"].values():
        lines += [f"## {section['heading']}", "", "".join(section["sentences"]), ""]
        lines += ["| 指标 | 数值 |", "| --- | --- |"]
        lines += [f"| {name} | {value} |" for name, value in _flatten(section["figures"])]
        lines.append("")
    return "\n".join(lines)


def report_docx(report: dict) -> bytes:
    """The statistics part of the report as .docx, in the county's own wording."""
    from docx import Document

    document = Document()
    document.add_heading(report["title"], level=1)
    for number, section in enumerate(report["sections"].values(), 1):
        document.add_heading(f"（{_CHINESE_NUMERALS[number % 11]}）{section['heading']}", level=2)
        document.add_paragraph("".join(section["sentences"]))
        for chart in section.get("charts", []):
            bars = [b for b in chart["bars"] if b["value"]]
            if not bars:
                continue
            table = document.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            table.rows[0].cells[0].text = str(chart["title"])
            table.rows[0].cells[1].text = "数量"
            for bar in bars:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = (
                    str(bar.get("label_zh", bar["label"])),
                    str(bar["value"]),
                )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_CHINESE_NUMERALS = "〇一二三四五六七八九十"


def chart(title, bars: list[tuple[object, str, int]]) -> dict:
    """A chart of (label for the page, label in Chinese, value) bars."""
    return {
        "title": title,
        "bars": [{"label": label, "label_zh": zh, "value": value} for label, zh, value in bars],
    }


# --- the built-in section: legal deadlines --------------------------------------------------


def deadlines_section(year: int) -> dict:
    """Legal clocks due in ``year``, per responsible unit: met on time, met late, overdue."""
    from workflows.clocks.models import Deadline

    per_unit: dict[str, dict[str, int]] = defaultdict(
        lambda: {"due": 0, "met_on_time": 0, "met_late": 0, "overdue": 0, "open": 0, "waived": 0}
    )
    rows = Deadline.objects.filter(due__year=year).values_list(
        "responsible_unit__name", "status", "due", "met_at"
    )
    for unit, status, due, met_at in rows:
        counts = per_unit[unit]
        counts["due"] += 1
        if status == Deadline.Status.MET:
            late = met_at is not None and timezone.localdate(met_at) > due
            counts["met_late" if late else "met_on_time"] += 1
        elif status == Deadline.Status.OVERDUE:
            counts["overdue"] += 1
        elif status == Deadline.Status.WAIVED:
            counts["waived"] += 1
        else:
            counts["open"] += 1
    total = {
        key: sum(c[key] for c in per_unit.values())
        for key in ("due", "met_on_time", "met_late", "overdue", "open", "waived")
    }
    sentences = [
        f"全年到期法定期限{total['due']}项，按期办结{total['met_on_time']}项，"
        f"逾期办结{total['met_late']}项，逾期未办结{total['overdue']}项。"
    ]
    late_units = [
        f"{unit}{c['met_late'] + c['overdue']}项"
        for unit, c in sorted(per_unit.items())
        if c["met_late"] + c["overdue"]
    ]
    if late_units:
        sentences.append("逾期事项涉及" + "、".join(late_units) + "。")
    return {
        "title": _("Legal deadlines"),
        "heading": "法定期限办理情况",
        "sentences": sentences,
        "figures": {"total": total, "by_unit": {u: dict(c) for u, c in sorted(per_unit.items())}},
        "charts": [
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


register_report_section("deadlines", deadlines_section, order=900)

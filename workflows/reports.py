"""The annual rule-of-law report (法治政府建设年度报告, domain.md §5) from what the system records.

The report follows the structure of the county's own report (the seed, 乌恰县2021年度法治政府建设
工作报告): ``OUTLINE`` lists its headings (一、（一）1.). Apps contribute sections:
``register_report_section(name, fn)`` where ``fn(year) -> dict`` returns

- ``title``: the section's name for the staff page (a translatable string);
- ``heading`` and ``sentences``: the official Chinese text, written like the county's own report
  ("清查14件规范性文件，继续执行的规范性文件8件，…");
- ``place``: the key of the ``OUTLINE`` heading its sentences go under;
- ``figures``: the numbers, nested dicts of ints (the JSON format);
- ``queries``: for each figure (a dotted name, or the prefix of a group of them) the records it
  was counted from, so an auditor can trace a number to its rows;
- ``charts``: ``[{"title": ..., "bars": [{"label": ..., "value": int}]}]``, optionally with
  ``"series"`` (several values per label: by month, on time against late).

Every figure counts acts by the day they were done (the date a service was given when the act
was entered after the fact), never by the time the record was entered. Headings the system
cannot know are placeholders for the author, marked ``【待补充】``.

The legal deadlines met and overdue by unit are the clocks' section (``workflows.clocks.report``).
"""

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

SectionFn = Callable[[int], dict]
PLACEHOLDER = "【待补充】"


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


# (key, level, heading, what the author writes when no section is placed there). Level 1 is
# 一、, level 2 （一）, level 3 1. — the seed's own numbering, kept in the heading text.
OUTLINE = [
    ("work", 1, "一、主要工作开展情况", None),
    (
        "functions",
        2,
        "（一）健全政府机构职能体系。",
        "权责清单、“放管服”改革、法治化营商环境等情况，系统未记录，由起草人填写。",
    ),
    ("rules", 2, "（二）健全依法行政制度体系。", None),
    ("legislation", 3, "1.加强重点领域立法。", "参与地方立法情况，系统未记录，由起草人填写。"),
    ("normdocs", 3, "2.加强行政规范性文件管理。", None),
    ("decisions", 2, "（三）健全行政决策制度体系。", None),
    (
        "enforcement",
        2,
        "（四）健全行政执法工作体系。",
        "行政执法体制改革、“双随机、一公开”、执法人员、“三项制度”等情况，系统未记录，由起草人填写。",
    ),
    (
        "emergencies",
        2,
        "（五）健全突发事件应对体系。",
        "突发事件应对情况，系统未记录，由起草人填写。",
    ),
    (
        "disputes",
        2,
        "（六）健全社会矛盾纠纷行政预防调处化解体系。",
        "行政调解、复议、应诉、裁决、普法、公共法律服务情况，系统未记录，由起草人填写。",
    ),
    ("oversight", 2, "（七）健全行政权力制约和监督体系。", None),
    (
        "technology",
        2,
        "（八）健全法治政府建设科技保障体系。",
        "信息化平台、政务服务等情况，系统未记录，由起草人填写。",
    ),
    ("plans", 1, "二、{next_year}年工作安排", "下一年度工作思路、任务和措施，由起草人填写。"),
]


def _government():
    from workflows.models import Unit

    return Unit.objects.filter(kind=Unit.Kind.GOVERNMENT, parent=None).order_by("pk").first()


def annual_report(year: int, *, dated: dt.date | None = None) -> dict:
    """Every registered section for ``year``, placed under the seed's headings.

    ``dated`` is the report's date (成文日期); without it the date is left for the author.
    """
    government = _government()
    issuer = government.name if government else PLACEHOLDER
    sections = {name: _sections[name].fn(year) for name in report_section_names()}
    placed = defaultdict(list)
    for name, section in sections.items():
        placed[section.get("place", "oversight")].append(name)
    outline = []
    for key, level, heading, placeholder in OUTLINE:
        paragraphs = [
            {"section": name, "text": "".join(sections[name]["sentences"])}
            for name in placed.get(key, [])
        ]
        if not paragraphs and placeholder:
            paragraphs = [{"section": None, "text": f"{PLACEHOLDER}{placeholder}"}]
        outline.append(
            {
                "key": key,
                "level": level,
                "heading": heading.format(next_year=year + 1),
                "paragraphs": paragraphs,
            }
        )
    return {
        "year": year,
        "title": f"{issuer.removesuffix('人民政府')}{year}年度法治政府建设工作报告",
        "issuer": issuer,
        "dated": dated.isoformat() if dated else None,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "outline": outline,
        "figures": _traced_figures(sections),
        "sections": sections,
    }


def _traced_figures(sections: dict) -> list[dict]:
    """Every figure with the query it came from (the longest matching entry of ``queries``)."""
    rows = []
    for name, section in sections.items():
        queries = section.get("queries", {})
        for key, value in _flatten(section["figures"]):
            parts = key.split(".")
            query = next(
                (
                    queries[".".join(parts[:n])]
                    for n in range(len(parts), 0, -1)
                    if ".".join(parts[:n]) in queries
                ),
                None,
            )
            if query is None:
                raise ValueError(f"the report figure {name}.{key} has no query")
            rows.append({"name": f"{name}.{key}", "value": value, "query": query})
    return rows


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 January, next 1 January) of ``year`` in the installation's time zone."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def average_working_days(pairs, calendar) -> dict:
    """Working days between each (start, end) pair: min, max, average and how many could not be
    computed (a year whose holiday notice is not entered yet) — those are counted in calendar
    days instead and named, never dropped silently."""
    from workflows.calendar import CalendarRangeError, count_working_days

    days, uncounted, calendar_days = [], 0, []
    for start, end in pairs:
        try:
            days.append(count_working_days(start, end, calendar=calendar))
        except CalendarRangeError:
            uncounted += 1
            calendar_days.append((end - start).days)
    return {
        "counted": len(days),
        "min": min(days) if days else None,
        "max": max(days) if days else None,
        "average": round(sum(days) / len(days), 1) if days else None,
        "not_computable": uncounted,
        "not_computable_average_calendar_days": (
            round(sum(calendar_days) / len(calendar_days), 1) if calendar_days else None
        ),
    }


def duration_clause(days: dict, *, verb: str) -> str:
    """ "，平均审核用时X个工作日" and, when some could not be computed, how many and why."""
    text = ""
    if days["average"] is not None:
        text += f"，平均{verb}用时{days['average']}个工作日"
    if days["not_computable"]:
        text += (
            f"（另有{days['not_computable']}件因当年节假日安排尚未录入无法按工作日计算，"
            f"按自然日计平均{days['not_computable_average_calendar_days']}日）"
        )
    return text


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
    lines = [f"# {report['title']}", "", report["issuer"], ""]
    for heading in report["outline"]:
        lines += [f"{'#' * (heading['level'] + 1)} {heading['heading']}", ""]
        lines += [p["text"] for p in heading["paragraphs"]] + [""] if heading["paragraphs"] else []
    lines += ["## 附：统计数据及来源", "", "| 指标 | 数值 | 来源 |", "| --- | --- | --- |"]
    for row in report["figures"]:
        lines.append(f"| {row['name'].split('.', 1)[1]} | {row['value']} | {row['query']} |")
    lines.append("")
    return "\n".join(lines)


def report_docx(report: dict) -> bytes:
    """The report as .docx laid out like the county's own: title, issuing body, date, then the
    headings 一、（一）1. with the generated sentences. The same report gives the same bytes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from workflows.docxfiles import docx_bytes

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "仿宋_GB2312"
    normal.font.size = Pt(16)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")

    def line(text, *, size=16, bold=False, align=None, font=None, indent=True):
        paragraph = document.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        elif indent:
            paragraph.paragraph_format.first_line_indent = Pt(32)
        run = paragraph.add_run(text)
        run.font.size, run.bold = Pt(size), bold
        if font:
            run.font.name = font
            run.element.rPr.rFonts.set(qn("w:eastAsia"), font)
        return paragraph

    line(report["title"], size=22, align=WD_ALIGN_PARAGRAPH.CENTER, font="方正小标宋简体")
    line(report["issuer"], align=WD_ALIGN_PARAGRAPH.CENTER, font="楷体_GB2312")
    dated = dt.date.fromisoformat(report["dated"]) if report["dated"] else None
    line(
        f"（{dated.year}年{dated.month}月{dated.day}日）"
        if dated
        else f"（{PLACEHOLDER}成文日期）",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        font="楷体_GB2312",
    )
    fonts = {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312"}
    for heading in report["outline"]:
        line(heading["heading"], bold=heading["level"] == 3, font=fonts[heading["level"]])
        for paragraph in heading["paragraphs"]:
            line(paragraph["text"])
    at = dated or dt.date(report["year"] + 1, 1, 1)
    return docx_bytes(document, at=at, title=report["title"])


def chart(title, bars: list[tuple[object, str, int]]) -> dict:
    """A chart of (label for the page, label in Chinese, value) bars."""
    return {
        "title": title,
        "bars": [{"label": label, "label_zh": zh, "value": value} for label, zh, value in bars],
    }


def series_chart(title, labels: list[str], series: list[tuple[object, list[int]]]) -> dict:
    """A chart with several values per label (e.g. on time and late, by month); its ``bars``
    are the totals, for renderings that draw one bar per label."""
    return {
        "title": title,
        "bars": [
            {"label": label, "label_zh": label, "value": sum(values[i] for _, values in series)}
            for i, label in enumerate(labels)
        ],
        "series": [{"label": name, "values": values} for name, values in series],
    }

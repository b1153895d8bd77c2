"""Demo decisions for ``manage.py demo``: what a county like 乌恰县 decides in a year.

The 司法局 compiles the 2026 catalogue (决策事项目录); it is published once the county Party
committee's consent is recorded (第三条). The decisions are led by the units that own the
matter (承办单位, 第十一条) and stand at every stage:

- 发改委's 城区集中供热价格调整 went through consultation and a price hearing, was adopted with
  amendments at the county government's executive session, and is published in its amended
  version and archived;
- 住建局's 城区道路停车收费管理 was adopted at the same session and is published;
- 应急管理局's revision of the 突发事件总体应急预案 (the seed's 突发事件应对体系) is on the
  agenda of the next session;
- 吾合沙鲁乡's 集中供水工程实施方案 is in legality review at the review office (司法局), with
  the date by which its opinion is needed (第二十六条);
- 发改委's 公共资源交易全流程电子化 plan (the seed's 公共资源交易全程电子化) is out for public
  comment with its drafting explanation (第十四条);
- 住建局's 城镇老旧小区改造 plan is being drafted.

The review office reviews every draft: its legal advisor (李明) prepares the opinion and its
head (王建国) approves the numbered 合法性审查意见书; never the lead unit. One executive session
(县政府第N次常务会议) runs from planning to conclusion with three items from three units: the
two major decisions and the 司法局's 法治政府建设 report, checked by the review office like
every agenda item; the heads of the units attend (列席) and present, the members speak, the
head speaks last, and the 纪要 follows (``decisions.documents.session_minutes_docx``).

The seed's own year is there too: two 2021 decisions (住建局's 城区供热管网改造工程 with expert
argumentation, 发改委's 城区农贸市场改造提升), put out for comment, risk assessed, reviewed,
adopted at 县政府2021年第1次常务会议 with the head speaking last beside the 司法局's report
checked by the review office, then published and archived — back-entered through the same
services with each act's 2021 date (``at=``), so ``annual_report 2021`` counts them in 2021.

Everything goes through the services and DecisionFlow's tasks, so the full-process record, the
viewflow tasks and the legal deadlines are real. Every date is set relative to the moment the
demo is loaded (``reference``): a consultation open now closes in the future, the closed ones
ran their 30 days in the past, on whatever day the demo runs. Idempotent: a second run creates
nothing; a failure is raised, never swallowed (the whole demo is one transaction).

The package: ``data`` and ``data_2021`` hold the facts of each year, ``steps`` the
procedure both years take step by step, ``year_2021`` and ``current`` load each year.
"""

from workflows.models import Unit

from .current import load_current
from .data import COUNTY
from .steps import people
from .year_2021 import load_2021

__all__ = ["load"]


def load(*, password: str) -> None:
    """Load the demo decisions, the 2021 ones (back-entered) and this year's; a second run
    creates nothing."""
    county = Unit.objects.get(name=COUNTY)
    p = people()
    load_2021(p, county)
    load_current(p, county)

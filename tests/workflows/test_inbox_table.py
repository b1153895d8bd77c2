"""The inbox page's table (``workflows.inbox.table``): what people and units wrote is escaped,
the urge form carries the CSRF token, and the cells say what the template said."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import translation

from workflows.inbox import DueLight, InboxItem
from workflows.inbox.table import inbox_table_html
from workflows.views import InboxRow

EVIL = '<script>alert("x")</script>'


def _item(**changes) -> InboxItem:
    values = dict(
        kind="task",
        title=f"审查{EVIL}",
        subject=f"决策{EVIL}",
        url='/workbench/x/?a=1&b="2"',
        due=date(2026, 12, 10),
        unit=f"司法局{EVIL}",
        stage=f"合法性审查{EVIL}",
        created=datetime(2026, 12, 1, 1, 30, tzinfo=ZoneInfo("UTC")),
        key="task-7",
        legal_source=f"第二十六条{EVIL}",
        task_id=7,
    )
    values.update(changes)
    return InboxItem(**values)


def test_everything_written_by_people_is_escaped():
    light = DueLight(colour="amber", label=f"剩2个工作日{EVIL}", days=2)
    html = str(
        inbox_table_html(
            [InboxRow(item=_item(), light=light, urgeable=True)],
            tab="unit",
            today=date(2026, 12, 7),
            here=f'/workbench/inbox/?tab=unit&x="{EVIL}',
            csrf_token="token123",
        )
    )
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") == 7  # title, subject, stage, unit, source, light, next
    assert 'href="/workbench/x/?a=1&amp;b=&quot;2&quot;"' in html
    assert 'name="csrfmiddlewaretoken" value="token123"' in html
    assert 'action="/workbench/inbox/urge/7/"' in html


def test_the_cells_show_the_due_day_the_light_and_the_waiting_time_in_shanghai():
    overdue = _item(due=date(2026, 12, 4), key="task-8")
    awaiting = _item(due=None, awaiting=2027, key="task-9", url="")
    light = DueLight(colour="red", label="逾期1个工作日", days=-1)
    with translation.override("zh-hans"):
        html = str(
            inbox_table_html(
                [InboxRow(item=overdue, light=light), InboxRow(item=awaiting, light=None)],
                tab="todo",
                today=date(2026, 12, 7),
            )
        )
    assert 'data-due="2026-12-04"' in html and 'data-testid="inbox-overdue"' in html
    assert 'data-light="red"' in html and "逾期1个工作日" in html
    assert 'data-testid="inbox-awaiting" data-year="2027"' in html
    assert "等待2027年节假日安排通知" in html
    assert "2026-12-01 09:30" in html  # created 01:30 UTC, read in Asia/Shanghai
    assert "inbox-urge" not in html  # only the unit tab urges
    assert '<th scope="col">到期日</th>' in html and '<th scope="col">催办</th>' not in html


def test_the_done_tab_shows_when_the_persons_part_ended():
    done = _item(done_at=datetime(2026, 12, 2, 16, 5, tzinfo=ZoneInfo("UTC")))
    rows = [InboxRow(item=done, light=None)]
    html = str(inbox_table_html(rows, tab="done", today=date(2026, 12, 7)))
    assert "2026-12-03 00:05" in html
    assert "inbox-light" not in html and "data-due" in html

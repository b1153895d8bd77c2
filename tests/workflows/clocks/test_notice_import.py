"""Entering the State Council's yearly holiday notice from its published text.

domain.md §4: working-day clocks follow the notice, 调休 included, and an unknown year is never
guessed. The notices for 2024, 2025 and 2026 (``notices/``) are typed from the published
text; each must read to exactly the schedule the chinesecalendar package carries, day by day,
so a typing mistake in a fixture or a misreading in the parser shows.

The 2027 notice below is MADE UP for these tests (plausible shape, not the real schedule).
Tests that save it say that the package ends with 2026 (``FAZHI_HOLIDAY_PACKAGE_UNTIL``), so
they behave the same whichever chinesecalendar release is installed and whatever today is.
"""

import io
import pickle
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from workflows.calendar import INSTALLED_LAST_YEAR
from workflows.clocks.models import CalendarYear, CalendarYearDay
from workflows.clocks.notice import FESTIVALS, NoticeError, parse_notice

NOTICES = Path(__file__).parent / "notices"

# The package's names for the festivals (chinese_calendar.constants.Holiday).
PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}

MADE_UP_2027 = """\
国务院办公厅关于2027年部分节假日安排的通知
国办发明电〔2026〕99号
一、元旦：1月1日（周五）放假，与周末连休。
二、春节：2月6日（周六）至12日（周五）放假调休，共7天。2月13日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假1天，不调休。
六、中秋节：9月15日（周三）放假1天，不调休。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""
MADE_UP_2027_WORKING_DAYS = {
    date(2027, 2, 13): "春节",
    date(2027, 4, 25): "劳动节",
    date(2027, 5, 8): "劳动节",
    date(2027, 9, 26): "国庆节",
    date(2027, 10, 9): "国庆节",
}


def _text(year: int) -> str:
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


def _days_of(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def _refusal(text: str, **kwargs) -> NoticeError:
    with pytest.raises(NoticeError) as error:
        parse_notice(text, **kwargs)
    return error.value


@pytest.fixture
def package_until_2026(settings):
    """The package ends with 2026 for this test, whichever release is installed."""
    settings.FAZHI_HOLIDAY_PACKAGE_UNTIL = 2026


# --- the published notices ------------------------------------------------------------------


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_a_published_notice_reads_to_the_packages_schedule_day_by_day(year):
    # pyproject pins chinesecalendar>=1.11, the first release to carry 2026.
    assert year <= INSTALLED_LAST_YEAR, f"the installed chinesecalendar lacks {year}"
    notice = parse_notice(_text(year))
    assert notice.year == year
    assert notice.title == f"国务院办公厅关于{year}年部分节假日安排的通知"

    for day in _days_of(year):
        assert notice.is_working_day(day) is chinese_calendar.is_workday(day), day
    package_holidays = {
        day: name
        for day, name in chinese_calendar.holidays.items()
        if day.year == year and not chinese_calendar.is_workday(day)
    }
    assert set(notice.holidays) == set(package_holidays)
    package_working = {d: n for d, n in chinese_calendar.workdays.items() if d.year == year}
    assert set(notice.working_days) == set(package_working)
    # Each date belongs to the festival the package names for it.
    for day, name in package_holidays.items():
        assert PACKAGE_NAMES[name] in notice.holidays[day].split("、"), day
    for day, name in package_working.items():
        assert PACKAGE_NAMES[name] in notice.working_days[day].split("、"), day


def test_one_line_for_national_day_and_mid_autumn_counts_for_both_festivals():
    notice = parse_notice(_text(2025))
    assert notice.festivals == ("元旦", "春节", "清明节", "劳动节", "端午节", "国庆节、中秋节")
    assert notice.holidays[date(2025, 10, 6)] == "国庆节、中秋节"
    assert notice.reference == "国办发明电〔2024〕12号"


def test_a_period_across_two_months_and_lunar_dates_in_parentheses_are_read():
    notice = parse_notice(_text(2025))
    spring = [d for d, name in notice.holidays.items() if name == "春节"]
    assert (spring[0], spring[-1], len(spring)) == (date(2025, 1, 28), date(2025, 2, 4), 8)
    dragon_boat = [d for d, name in notice.holidays.items() if name == "端午节"]
    assert dragon_boat == [date(2025, 5, 31), date(2025, 6, 1), date(2025, 6, 2)]


def test_an_appeal_to_employers_is_kept_as_a_note_and_schedules_nothing():
    notice = parse_notice(_text(2024))
    assert date(2024, 2, 9) not in notice.holidays  # 除夕: "鼓励…安排职工在除夕休息"
    assert len(notice.notes) == 1 and notice.notes[0].startswith("鼓励各单位")


def test_prose_around_the_numbered_lines_is_skipped_and_the_signature_date_read():
    lines = _text(2024).splitlines()
    full = "\n".join(
        [
            *lines[:2],
            "",
            "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
            "　　经国务院批准，现将2024年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节"
            "放假调休日期的具体安排通知如下。",
            *("　　" + line for line in lines[2:]),
            "　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。",
            "",
            "国务院办公厅",
            "2023年10月25日",
            "（此件公开发布）",
        ]
    )
    assert parse_notice(full) == replace(parse_notice(_text(2024)), published_on=date(2023, 10, 25))


def test_half_width_punctuation_blanks_and_an_unnumbered_festival_line_read_alike():
    typed = "国务院办公厅关于2024年部分节假日安排的通知\n" + _text(2024).split("\n", 2)[2].replace(
        "，", ", "
    ).replace("：", ": ").replace("（", " (").replace("）", ")").replace("二、春节", "春节")
    assert parse_notice(typed).holidays == parse_notice(_text(2024)).holidays
    assert parse_notice(typed).working_days == parse_notice(_text(2024)).working_days


def test_the_year_may_be_given_when_the_title_line_is_not_pasted():
    body = _text(2026).split("\n", 1)[1]
    notice = parse_notice(body, year=2026)
    assert (notice.year, notice.title) == (2026, "")
    assert notice.holidays == parse_notice(_text(2026)).holidays


# --- refusals -------------------------------------------------------------------------------

# Line numbers in the 2025 fixture: 1 title, 2 document number, 3 元旦, 4 春节, 5 清明节,
# 6 劳动节, 7 端午节, 8 国庆节、中秋节.


@pytest.mark.parametrize(
    ("old", "new", "line", "says"),
    [
        # Unreadable: a word the reader does not know.
        ("至6日（周日）放假，共3天", "至6日（周日）休息，共3天", 5, "cannot read “4月4日"),
        # A numbered line that is not a festival.
        ("五、端午节：", "五、端阳节：", 7, "cannot read “五、端阳节"),
        # The weekday in parentheses does not match the date.
        ("1月1日（周三）", "1月1日（周四）", 3, "2025-01-01 is a Wednesday, not “周四”"),
        ("5日（周一）放假调休", "5日（星期天）放假调休", 6, "2025-05-05 is a Monday"),
        # 共N天 is not the length of the period.
        ("放假调休，共8天。1月26日", "放假调休，共7天。1月26日", 4, "“共7天” does not match"),
        ("放假1天，不调休", "放假2天，不调休", 3, "“2天” does not match"),
        # A date outside the notice's year.
        (
            "一、元旦：1月1日（周三）放假1天",
            "一、元旦：2024年12月31日（周二）至2025年1月1日（周三）放假2天",
            3,
            "2024-12-31 is not in 2025",
        ),
        ("9月28日（周日）", "2026年9月27日（周日）", 8, "2026-09-27 is not in 2025"),
        # A make-up working day inside the holidays (one date, two meanings).
        ("2月8日（周六）上班", "2月1日（周六）上班", 4, "2025-02-01 is already listed, for 春节"),
        # Two festivals claiming the same date.
        (
            "五、端午节：5月31日（周六）至6月2日（周一）放假，共3天",
            "五、端午节：5月5日（周一）放假1天，不调休",
            7,
            "2025-05-05 is already listed, for 劳动节 on line 6",
        ),
        # A make-up working day on a weekday.
        ("4月27日（周日）上班", "4月28日（周一）上班", 6, "2025-04-28 is a Monday"),
        # 不调休 with a make-up working day, 调休 without one.
        ("不调休。", "不调休。1月4日（周六）上班。", 3, "“不调休”"),
        ("共5天。4月27日（周日）上班。", "共5天。", 6, "lists no make-up working day"),
        # A date that does not exist.
        ("4月4日（周五）", "4月31日（周五）", 5, "“4月31日” is not a date in 2025"),
        # A festival listed twice.
        ("六、国庆节、中秋节", "六、国庆节、端午节", 8, "端午节 is listed again (first on line 7)"),
    ],
)
def test_a_wrong_line_is_refused_with_its_line_number(old, new, line, says):
    text = _text(2025)
    assert old in text
    error = _refusal(text.replace(old, new, 1))
    assert isinstance(error, ValueError)
    assert error.line == line
    with translation.override("en"):
        message = str(error)
    assert message.startswith(f"Line {line}: ")
    assert says in message


def test_a_missing_festival_is_refused_naming_it():
    text = "\n".join(line for line in _text(2025).splitlines() if "清明节" not in line)
    error = _refusal(text)
    assert error.line is None
    with translation.override("en"):
        assert "does not list 清明节" in str(error)


def test_a_schedule_line_that_is_not_a_festival_line_is_refused_not_skipped():
    text = _text(2024) + "另：12月31日（星期二）放假。\n"
    error = _refusal(text)
    assert error.line == 10
    with translation.override("en"):
        assert "starts with its festival" in str(error)


def test_the_year_must_be_known_and_agree_with_the_title():
    assert _refusal(_text(2025).split("\n", 1)[1]).line is None
    repeated = _refusal(_text(2025) + "国务院办公厅关于2026年部分节假日安排的通知\n")
    assert repeated.line == 9
    mismatch = _refusal(_text(2025), year=2026)
    assert mismatch.line == 1
    with translation.override("en"):
        assert "2025" in str(mismatch) and "2026" in str(mismatch)


def test_a_refusal_is_shown_in_chinese_by_default_and_survives_pickling():
    error = _refusal(_text(2025).replace("1月1日（周三）", "1月1日（周四）"))
    with translation.override("zh-hans"):
        assert str(error).startswith("第3行：")
        assert "星期三" in str(error)
    again = pickle.loads(pickle.dumps(error))
    assert (again.line, again.params) == (error.line, error.params)


def test_every_festival_of_the_holiday_regulation_is_required():
    assert FESTIVALS == ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


# --- the management command -----------------------------------------------------------------


@pytest.fixture
def made_up_file(tmp_path):
    path = tmp_path / "made-up-2027.txt"
    path.write_text(MADE_UP_2027, encoding="utf-8")
    return path


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("holiday_notice_import", *map(str, args), stdout=out, stderr=err)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_prints_the_table_and_saves_nothing_without_yes(
    package_until_2026, made_up_file
):
    out = _run(made_up_file, "--published-on", "2026-11-20")
    assert "2027-02-13  Saturday" in out
    assert "make-up working day" in out
    assert "2027-10-07  Thursday" in out
    assert "2027: 25 holidays and 5 make-up working days in 7 festival lines" in out
    assert "Nothing saved" in out
    assert not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_the_command_saves_a_notice_for_a_year_after_the_package_with_yes(
    package_until_2026, made_up_file, admin_user
):
    out = _run(made_up_file, "--published-on", "2026-11-20", "--by", "admin", "--yes")
    assert "Saved" in out
    notice = CalendarYear.objects.get(year=2027)
    assert notice.is_complete
    assert notice.title == "国务院办公厅关于2027年部分节假日安排的通知"
    assert notice.reference == "国办发明电〔2026〕99号"
    assert notice.entered_by == admin_user
    working = notice.days.filter(kind=CalendarYearDay.Kind.WORKING_DAY)
    assert dict(working.values_list("date", "name")) == MADE_UP_2027_WORKING_DAYS
    holidays = notice.days.filter(kind=CalendarYearDay.Kind.HOLIDAY)
    assert holidays.count() == 25
    assert holidays.filter(date=date(2027, 2, 8), name="春节").exists()


@pytest.mark.django_db
def test_the_command_reads_stdin_and_without_an_administrator_enters_as_the_system(
    package_until_2026, monkeypatch
):
    stdin = io.TextIOWrapper(io.BytesIO(MADE_UP_2027.encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    _run("-", "--published-on", "2026-11-20", "--yes")
    notice = CalendarYear.objects.get(year=2027)
    assert notice.entered_by is None
    assert notice.days.count() == 30


@pytest.mark.django_db
def test_the_command_refuses_a_wrong_line_with_its_number_and_saves_nothing(
    package_until_2026, tmp_path
):
    path = tmp_path / "wrong.txt"
    path.write_text(MADE_UP_2027.replace("1月1日（周五）", "1月1日（周六）"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"^Line 3: 2027-01-01 is a Friday"):
        _run(path, "--published-on", "2026-11-20", "--yes")
    assert not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_the_command_takes_the_year_from_the_title_option_when_the_text_has_no_title(
    package_until_2026, tmp_path
):
    path = tmp_path / "body.txt"
    path.write_text(MADE_UP_2027.split("\n", 1)[1], encoding="utf-8")
    with pytest.raises(CommandError, match="year of the notice is not known"):
        _run(path)
    out = _run(path, "--title", "国务院办公厅关于2027年部分节假日安排的通知")
    assert out.startswith("国务院办公厅关于2027年部分节假日安排的通知 (国办发明电〔2026〕99号)")
    assert "2027: 25 holidays" in out


@pytest.mark.django_db
def test_the_command_refuses_to_save_without_a_publication_date(package_until_2026, made_up_file):
    with pytest.raises(CommandError, match="--published-on"):
        _run(made_up_file, "--yes")
    assert not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_the_command_checks_a_package_year_against_the_package_but_never_saves_it(
    package_until_2026,
):
    path = NOTICES / "2025.txt"
    out = _run(path)
    assert "carries 2025 and agrees with this notice on every day" in out
    with pytest.raises(CommandError, match="already carries 2025"):
        _run(path, "--published-on", "2024-11-12", "--yes")
    assert not CalendarYear.objects.exists()


# --- the admin ------------------------------------------------------------------------------

IMPORT_URL = "admin:clocks_calendaryear_import"


@pytest.mark.django_db
def test_the_admin_list_links_to_the_import(admin_client):
    page = admin_client.get(reverse("admin:clocks_calendaryear_changelist"))
    assert reverse(IMPORT_URL) in page.content.decode()
    assert admin_client.get(reverse(IMPORT_URL)).status_code == 200


@pytest.mark.django_db
def test_the_admin_previews_the_pasted_notice_then_saves_it_on_confirmation(
    package_until_2026, admin_client, admin_user
):
    data = {"text": MADE_UP_2027, "published_on": "2026-11-20", "url": "www.gov.cn/x"}
    preview = admin_client.post(reverse(IMPORT_URL), data | {"_preview": "1"})
    assert preview.status_code == 200
    assert preview.context["step"] == "preview"
    html = preview.content.decode()
    assert 'id="notice-days"' in html
    assert "2027-02-13" in html and "2027-10-09" in html
    assert len(preview.context["rows"]) == 30
    assert not CalendarYear.objects.exists()

    saved = admin_client.post(reverse(IMPORT_URL), data | {"_confirm": "1"})
    notice = CalendarYear.objects.get(year=2027)
    assert saved.status_code == 302
    assert saved["Location"] == reverse("admin:clocks_calendaryear_change", args=[notice.pk])
    assert notice.is_complete and notice.entered_by == admin_user
    assert notice.url == "https://www.gov.cn/x"
    assert notice.days.count() == 30


@pytest.mark.django_db
def test_the_admin_shows_a_wrong_line_at_the_text_with_its_number_and_saves_nothing(
    package_until_2026, admin_client
):
    text = MADE_UP_2027.replace("共7天。2月13日", "共6天。2月13日")
    for button in ("_preview", "_confirm"):
        response = admin_client.post(
            reverse(IMPORT_URL), {"text": text, "published_on": "2026-11-20", button: "1"}
        )
        assert response.status_code == 200
        (error,) = response.context["form"].errors["text"]
        assert error.startswith("第4行：")  # Chinese, the default language
        assert error in response.content.decode()
    assert not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_year_already_entered_or_carried_by_the_package(
    package_until_2026, admin_client
):
    response = admin_client.post(
        reverse(IMPORT_URL), {"text": _text(2026), "published_on": "2025-11-04"}
    )
    assert response.context["step"] == "edit"
    assert "2026" in response.context["form"].errors["text"][0]

    CalendarYear.objects.create(year=2027, title="x", published_on=date(2026, 11, 1))
    response = admin_client.post(
        reverse(IMPORT_URL), {"text": MADE_UP_2027, "published_on": "2026-11-20"}
    )
    assert response.context["step"] == "edit"
    assert response.context["form"].errors["text"]


@pytest.mark.django_db
def test_the_admin_asks_for_the_publication_date_when_the_text_has_none(
    package_until_2026, admin_client
):
    response = admin_client.post(reverse(IMPORT_URL), {"text": MADE_UP_2027})
    assert response.context["form"].errors["published_on"]
    signed = MADE_UP_2027 + "国务院办公厅\n2026年11月20日\n"
    response = admin_client.post(reverse(IMPORT_URL), {"text": signed, "_confirm": "1"})
    assert response.status_code == 302
    assert CalendarYear.objects.get().published_on == date(2026, 11, 20)


@pytest.mark.django_db
def test_the_import_is_refused_to_staff_without_the_add_permission(client, package_until_2026):
    clerk = get_user_model().objects.create_user("clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_calendaryear"))
    client.force_login(clerk)
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    response = client.post(reverse(IMPORT_URL), {"text": MADE_UP_2027, "_confirm": "1"})
    assert response.status_code == 403
    page = client.get(reverse("admin:clocks_calendaryear_changelist"))
    assert reverse(IMPORT_URL) not in page.content.decode()
    assert not CalendarYear.objects.exists()

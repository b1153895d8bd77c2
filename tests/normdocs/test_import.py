"""Importing a legacy register (issue 17): `normdocs_import` and the admin upload."""

import csv
import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.management import call_command

from normdocs import services
from normdocs.models import NormativeDocument
from workflows.record.models import Event

HEADER = ["标题", "发文字号", "制定机关", "发布日期", "施行日期", "有效期至", "状态", "索引号"]
BRACKETS = ["〔{y}〕", "[{y}]", "({y})", "（{y}）", "{y}"]
PUBLISHED = date.today() - timedelta(days=400)


def good_rows(count: int) -> list[list]:
    rows = []
    for serial in range(1, count + 1):
        year = BRACKETS[serial % len(BRACKETS)].format(y=2024)
        number = f"恰政发{year}第0{serial}号" if serial % 7 == 0 else f"恰政发{year}{serial}号"
        rows.append(
            [
                f"乌恰县关于第{serial}项工作的规定",
                number,
                "乌恰县人民政府",
                PUBLISHED,
                PUBLISHED + timedelta(days=30),
                None,
                "现行有效" if serial % 2 else "",
                f"24K458996/2024-{serial:05d}",
            ]
        )
    return rows


BAD_ROWS = {
    # spreadsheet row number (data starts at row 2) -> (row, what the reason says)
    "unknown_body": (
        [
            "某临时领导小组规定",
            "恰政发〔2024〕901号",
            "某临时领导小组",
            PUBLISHED,
            None,
            None,
            "",
            "",
        ],
        "制定主体",
    ),
    "malformed": (
        ["无号文件", "恰政发〔2024〕902", "乌恰县人民政府", PUBLISHED, None, None, "", ""],
        "号",
    ),
    "dates": (
        [
            "日期颠倒",
            "恰政发〔2024〕903号",
            "乌恰县人民政府",
            PUBLISHED,
            PUBLISHED - timedelta(days=3),
            None,
            "",
            "",
        ],
        "施行",
    ),
    "status": (
        ["状态不明", "恰政发〔2024〕904号", "乌恰县人民政府", PUBLISHED, None, None, "作废了", ""],
        "作废了",
    ),
    "taken": (
        ["他人文号", "恰司规〔2024〕1号", "乌恰县人民政府", PUBLISHED, None, None, "", ""],
        "恰司",
    ),
}


def register_table() -> list[list]:
    rows = good_rows(195)
    for position, (row, _reason) in zip((3, 50, 99, 150, 198), BAD_ROWS.values(), strict=True):
        rows.insert(position, row)
    return [HEADER, *rows]


def xlsx_bytes(table) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in table:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table:
        writer.writerow(["" if cell is None else str(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


@pytest.fixture
def bodies(county_body, bureau_body, officials):
    return officials["publisher"]


def _import(content, filename, by, **kwargs):
    rows = services.register_rows_read(content=content, filename=filename)
    return services.normdoc_register_import(by=by, rows=rows, **kwargs)


@pytest.mark.django_db
def test_a_200_row_register_with_5_bad_rows_imports_195_and_reports_5_then_changes_nothing(
    bodies,
):
    content = xlsx_bytes(register_table())
    report = _import(content, "台账.xlsx", bodies)
    assert len(report.imported) == 195
    assert [r.row for r in report.refused] == [5, 52, 101, 152, 200]
    for refusal, (_row, says) in zip(report.refused, BAD_ROWS.values(), strict=True):
        assert says in refusal.reason, refusal.reason
    assert NormativeDocument.objects.count() == 195
    events = Event.objects.count()

    again = _import(content, "台账.xlsx", bodies)
    assert again.imported == []
    assert len(again.unchanged) == 195
    assert len(again.refused) == 5
    assert NormativeDocument.objects.count() == 195
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_bracket_variants_leading_zeros_and_di_are_normalised(bodies):
    _import(xlsx_bytes([HEADER, *good_rows(14)]), "r.xlsx", bodies)
    numbers = set(NormativeDocument.objects.values_list("number", flat=True))
    assert numbers == {f"恰政发〔2024〕{n}号" for n in range(1, 15)}
    # The register moved past the imported numbers.
    assert services.number_allocate(issuer_code="恰政", doc_type="发", year=2024)[1] == 15


@pytest.mark.django_db
def test_the_csv_variant_imports_the_same(bodies):
    report = _import(csv_bytes(register_table()), "台账.csv", bodies)
    assert len(report.imported) == 195
    assert len(report.refused) == 5


@pytest.mark.django_db
def test_a_row_is_all_or_nothing_and_a_dry_run_writes_nothing(bodies):
    table = [HEADER, *good_rows(3)]
    # An index number already used by the first row: the third row fails after its number
    # was parsed; nothing of it remains.
    table[3][7] = table[1][7]
    report = _import(xlsx_bytes(table), "r.xlsx", bodies, dry_run=True)
    assert len(report.imported) == 2 and len(report.refused) == 1
    assert "索引号" in report.refused[0].reason
    assert NormativeDocument.objects.count() == 0
    assert Event.objects.filter(action="normdoc.imported").count() == 0

    report = _import(xlsx_bytes(table), "r.xlsx", bodies)
    assert NormativeDocument.objects.count() == 2
    assert not NormativeDocument.objects.filter(number="恰政发〔2024〕3号").exists()


@pytest.mark.django_db
def test_a_register_without_a_required_column_is_refused_whole(bodies):
    from normdocs.rules import RuleRefusal

    with pytest.raises(RuleRefusal) as info:
        services.register_rows_read(
            content=csv_bytes([["标题", "发文字号", "发布日期"]]), filename="r.csv"
        )
    assert info.value.code == "register_columns_missing"


@pytest.mark.django_db
def test_the_command_imports_reports_and_dry_runs(bodies, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx_bytes(register_table()))
    out = io.StringIO()
    call_command("normdocs_import", str(path), "--by", bodies.username, "--dry-run", stdout=out)
    assert NormativeDocument.objects.count() == 0
    assert "可导入195件" in out.getvalue()
    out = io.StringIO()
    call_command("normdocs_import", str(path), "--by", bodies.username, stdout=out)
    text = out.getvalue()
    assert NormativeDocument.objects.count() == 195
    assert "第5行" in text and "拒绝5行" in text
    out = io.StringIO()
    call_command("normdocs_import", str(path), "--by", bodies.username, stdout=out)
    assert "已导入0件" in out.getvalue()


# --- the admin upload -------------------------------------------------------------------------

IMPORT_URL = "/admin/normdocs/normativedocument/import/"


@pytest.fixture
def admin_client(client, django_user_model, bodies):
    client.force_login(django_user_model.objects.create_superuser("root", password="x-sec-123456"))
    return client


@pytest.fixture
def chunks_read(monkeypatch):
    """The chunks the register handler was given: none when it refused before reading."""
    from normdocs.admin import RegisterUploadHandler

    seen = []
    original = RegisterUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        seen.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(RegisterUploadHandler, "receive_data_chunk", spy)
    return seen


def _upload(client, name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})


@pytest.mark.django_db
def test_the_admin_changelist_offers_the_import_and_shows_the_same_report(admin_client):
    assert IMPORT_URL in admin_client.get("/admin/normdocs/normativedocument/").content.decode()
    response = _upload(admin_client, "台账.csv", csv_bytes(register_table()))
    page = response.content.decode()
    assert response.status_code == 200
    assert "导入195件" in page and "拒绝5行" in page
    assert "“某临时领导小组”不在制定主体清单中" in page
    assert NormativeDocument.objects.count() == 195


@pytest.mark.django_db
def test_the_admin_refuses_a_too_large_register_before_reading_it(
    admin_client, settings, chunks_read, monkeypatch
):
    settings.NORMDOCS_IMPORT_MAX_BYTES = 1000
    monkeypatch.setattr("normdocs.admin.register_rows_read", pytest.fail)
    response = _upload(admin_client, "台账.xlsx", b"PK" + b"x" * 200_000)
    assert "1000" in response.content.decode()
    assert "登记台账未导入" in response.content.decode()
    assert chunks_read == []
    # Under the body limit but past the file limit: refused at the chunk that passes it.
    response = _upload(admin_client, "台账.csv", b"x" * 5000)
    assert "登记台账未导入" in response.content.decode()
    assert sum(chunks_read) <= 5000 and NormativeDocument.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_refuses_a_file_of_another_type_before_reading_it(
    admin_client, chunks_read, monkeypatch
):
    monkeypatch.setattr("normdocs.admin.register_rows_read", pytest.fail)
    response = _upload(admin_client, "台账.pdf", b"%PDF-1.7 " + b"x" * 1000)
    assert "登记台账只能从 .xlsx 或 .csv 文件导入" in response.content.decode()
    assert chunks_read == []

"""One writer of a document's text (issue 17): every text a document has is a version kept by
``normdocs/services/versions.py`` (征求意见稿 → 送审稿 → 修改稿 → 印发稿), the imported ones too.

The source test reads every module of the normdocs app: an attribute assignment to ``.text``,
a ``setattr(…, "text", …)``, ``text`` in ``update_fields`` and ``text=`` given to
``create``/``get_or_create``/``update_or_create``/``update`` or to ``NormativeDocument(…)`` /
``DocumentVersion(…)`` are all writes, allowed in ``normdocs/services/versions.py`` alone.
(``text=`` given to a service such as ``normdoc_create`` is not a write: the service hands it
on to the writer.)
"""

import ast
from datetime import date
from pathlib import Path

import pytest

from normdocs import services
from normdocs.models import DocumentVersion, text_sha256
from normdocs.rules import RuleRefusal
from workflows.record.models import Event

ROOT = Path(__file__).resolve().parents[2]
THE_WRITER = Path("normdocs/services/versions.py")
WRITING_CALLS = (
    "create",
    "get_or_create",
    "update_or_create",
    "update",
    "NormativeDocument",
    "DocumentVersion",
)
TEXT = "第一条　为了规范城乡居民最低生活保障工作，制定本办法。\n第二条　本办法自印发之日起施行。"


def text_writes(source: str) -> list[int]:
    """The lines of ``source`` that write a document's ``text``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and part.attr == "text":
                    lines.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        callee = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        )
        if (
            callee == "setattr"
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "text"
        ):
            lines.append(node.lineno)
        for keyword in node.keywords:
            if keyword.arg == "update_fields" and any(
                isinstance(c, ast.Constant) and c.value == "text" for c in ast.walk(keyword.value)
            ):
                lines.append(node.lineno)
            if keyword.arg == "text" and callee in WRITING_CALLS:
                lines.append(node.lineno)
            if (
                keyword.arg == "defaults"
                and callee in WRITING_CALLS
                and isinstance(keyword.value, ast.Dict)
                and any(
                    isinstance(k, ast.Constant) and k.value == "text" for k in keyword.value.keys
                )
            ):
                lines.append(node.lineno)
    return sorted(set(lines))


def test_the_source_reader_finds_every_kind_of_text_write():
    source = """
document.text = "新文本"
old.text, x = "新文本", 1
setattr(document, "text", "新文本")
document.save(update_fields=["status", "text"])
NormativeDocument.objects.filter(pk=1).update(text="新文本")
NormativeDocument.objects.create(title="t", text="新文本")
NormativeDocument(text="新文本")
NormativeDocument.objects.update_or_create(number="n", defaults={"text": "新文本"})
document.text += "附则"
if document.text == "新文本":
    services.normdoc_create(by=u, title="t", text=document.text)
    rules.review_materials_refusal(text=document.text)
    NormativeDocument.objects.filter(text__contains="收费")
"""
    assert text_writes(source) == [2, 3, 4, 5, 6, 7, 8, 9, 10]


def test_only_the_versions_module_writes_a_documents_text():
    writers = {}
    for path in sorted((ROOT / "normdocs").rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts or relative == THE_WRITER:
            continue
        found = text_writes(path.read_text())
        if found:
            writers[str(relative)] = found
    assert writers == {}, "a document's text is written through normdocs.services.versions"
    assert text_writes((ROOT / THE_WRITER).read_text())  # and the versions module does write it


def _import(officials, county_body, **kwargs):
    return services.normdoc_import_published(
        by=officials["publisher"],
        drafting_body=county_body,
        title="乌恰县城乡居民最低生活保障实施办法",
        number="恰政规[2020]2号",
        published_on=date(2020, 4, 1),
        **kwargs,
    )


@pytest.mark.django_db
def test_an_imported_text_is_version_one_as_issued_and_a_reimport_adds_none(county_body, officials):
    document = _import(officials, county_body, text=TEXT + "\r\n")
    version = document.versions.get()
    assert (version.number, version.kind) == (1, DocumentVersion.Kind.AS_ISSUED)
    assert version.text == document.text == TEXT + "\n"
    assert version.sha256 == text_sha256(TEXT + "\n")
    assert version.created_by == officials["publisher"]
    event = Event.objects.filter(object_id=str(document.pk), action="normdoc.imported").get()
    assert event.payload["version"]["number"] == 1
    assert event.payload["version"]["sha256"] == version.sha256
    with pytest.raises(RuleRefusal) as info:
        _import(officials, county_body, text=TEXT)
    assert info.value.code == "number_taken"
    assert DocumentVersion.objects.filter(document__number=document.number).count() == 1


@pytest.mark.django_db
def test_a_document_imported_without_its_text_has_no_version(county_body, officials):
    document = _import(officials, county_body)
    assert document.text == "" and not document.versions.exists()
    event = Event.objects.filter(object_id=str(document.pk), action="normdoc.imported").get()
    assert event.payload["version"] is None


@pytest.mark.django_db
def test_a_register_imported_twice_keeps_no_version(county_body, officials):
    rows = [
        (
            2,
            {
                "title": "乌恰县城乡居民最低生活保障实施办法",
                "number": "恰政规〔2020〕2号",
                "drafting_body": county_body.unit.name,
                "published_on": "2020-04-01",
            },
        )
    ]
    first = services.normdoc_register_import(by=officials["publisher"], rows=rows)
    second = services.normdoc_register_import(by=officials["publisher"], rows=rows)
    assert (first.imported, second.unchanged) == (["恰政规〔2020〕2号"], ["恰政规〔2020〕2号"])
    assert not DocumentVersion.objects.exists()

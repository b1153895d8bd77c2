"""A package exported from the demo's archived decision passes the four-property check, and each
kind of tampering fails it with its own message (DA/T 70-2018)."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from workflows.archive.check import package_check
from workflows.archive.metadata import metadata_parse
from workflows.record.canonical import sm3_hex

from .conftest import remanifest

# The shared package needs the test database; the tests themselves only read files.
pytestmark = pytest.mark.django_db


def run_check(directory, capsys):
    """archive_check's exit status and everything it printed."""
    try:
        call_command("archive_check", str(directory))
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def codes(directory) -> set[str]:
    return {finding.code for finding in package_check(directory).findings}


def test_the_demo_decisions_package_passes_archive_check_when_untouched(package, capsys):
    status, output = run_check(package, capsys)

    assert status == 0, output
    assert "Result: PASSED" in output


def test_the_package_holds_bagit_manifests_metadata_record_and_check_report(package):
    for name in (
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sm3.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sm3.txt",
        "check-report.json",
        "check-report.txt",
        "data/metadata.xml",
        "data/record.jsonl",
        "data/content/decision.txt",
        "data/content/meetings/minutes-1.docx",
    ):
        assert (package / name).is_file(), name
    assert (package / "bagit.txt").read_text().startswith("BagIt-Version: 1.0")
    sm3 = dict(
        reversed(line.split("  ", 1))
        for line in (package / "manifest-sm3.txt").read_text().splitlines()
    )
    decision_text = (package / "data/content/decision.txt").read_bytes()
    assert sm3["data/content/decision.txt"] == sm3_hex(decision_text)
    tag_sm3 = (package / "tagmanifest-sm3.txt").read_text()
    assert "manifest-sm3.txt" in tag_sm3 and "check-report.json" in tag_sm3

    meta = metadata_parse((package / "data/metadata.xml").read_bytes())
    assert meta["title"] == "关于调整乌恰县城区集中供热价格的决定"
    assert meta["responsible_party"] == "乌恰县人民政府"
    assert meta["retention_code"] == "permanent" and meta["retention_period"] == "永久"
    assert meta["classification_level"] == "公开"
    assert meta["document_number"] == "恰政报〔2026〕31号"
    assert "DOCX" in meta["format"] and "TXT" in meta["format"]
    actions = [step["action"] for step in meta["steps"]]
    assert "decision.sealed" in actions and "decision.meeting_decided" in actions
    assert all(step["actor"] and step["time"] for step in meta["steps"])

    events = [json.loads(line) for line in (package / "data/record.jsonl").read_text().splitlines()]
    assert len(events) == len(meta["steps"]) == int(meta["record_chain"]["events"])
    assert all(len(e["hash"]) == 64 and len(e["hash_sm3"]) == 64 for e in events)
    report = json.loads((package / "check-report.json").read_text())
    assert report["ok"] is True
    assert set(report["properties"]) == {"authenticity", "integrity", "usability", "security"}


def test_archive_check_fails_naming_the_file_when_a_content_file_was_changed(package, capsys):
    path = package / "data/content/decision.txt"
    path.write_bytes(path.read_bytes() + "（已篡改）".encode())

    status, output = run_check(package, capsys)

    assert status == 1
    assert "[changed_file] data/content/decision.txt" in output
    assert "SHA-256 and SM3 differ from the manifest" in output


def test_archive_check_fails_naming_the_file_when_a_file_is_missing(package, capsys):
    (package / "data/content/meetings/minutes-1.docx").unlink()

    status, output = run_check(package, capsys)

    assert status == 1
    assert "[missing_file] data/content/meetings/minutes-1.docx" in output


def test_archive_check_fails_when_the_content_no_longer_matches_its_metadata(package, capsys):
    path = package / "data/content/decision.txt"
    path.write_text("另一份决定\n", encoding="utf-8")
    remanifest(package)  # the manifests agree with the forged file; the metadata does not

    status, output = run_check(package, capsys)

    assert status == 1
    assert codes(package) == {"metadata_mismatch"}
    assert "[metadata_mismatch] data/content/decision.txt" in output


def test_archive_check_fails_when_the_record_chain_does_not_verify(package, capsys):
    path = package / "data/record.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    event = json.loads(lines[-1])
    event["actor_label"] = "someone else"
    lines[-1] = json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    remanifest(package)

    status, output = run_check(package, capsys)

    assert status == 1
    assert "[record_chain_broken] data/record.jsonl" in output
    assert f"event #{event['seq']}: SHA-256 differs from its fields" in output
    assert "changed_file" not in codes(package)


def test_archive_check_fails_when_an_event_is_dropped_from_the_record(package, capsys):
    path = package / "data/record.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    remanifest(package)

    status, output = run_check(package, capsys)

    assert status == 1
    assert "[record_incomplete] data/record.jsonl" in output


GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


def test_archive_check_fails_when_a_file_is_in_a_format_not_on_the_allowed_list(package, capsys):
    (package / "data/content/decision.txt").write_bytes(GIF)
    remanifest(package)

    status, output = run_check(package, capsys)

    assert status == 1
    assert "[format_not_allowed] data/content/decision.txt" in output
    assert "format GIF is not on the allowed list" in output


def test_archive_check_fails_when_a_file_appears_that_no_manifest_lists(package, capsys):
    (package / "data/content/extra.txt").write_text("slipped in\n")

    status, output = run_check(package, capsys)

    assert status == 1
    assert "[unlisted_file] data/content/extra.txt" in output


def _docx_with_macros() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return buffer.getvalue()


EXECUTABLES = {
    "program.txt": (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "an ELF executable"),
    "setup.pdf": (b"MZ\x90\x00\x03" + b"\x00" * 64, "a Windows (PE) executable"),
    "tool.json": (b"\xcf\xfa\xed\xfe" + b"\x00" * 64, "a Mach-O executable"),
    "run.txt": (b"#!/bin/sh\nrm -rf /\n", "a script with a shebang line"),
    "report.docx": (_docx_with_macros(), "macros (word/vbaProject.bin)"),
    "form.pdf": (
        b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF\n",
        "a PDF JavaScript action",
    ),
}


@pytest.mark.parametrize("name", sorted(EXECUTABLES))
def test_archive_check_fails_when_a_file_carries_executable_content(package, capsys, name):
    data, what = EXECUTABLES[name]
    (package / "data/content" / name).write_bytes(data)
    remanifest(package)

    status, output = run_check(package, capsys)

    assert status == 1
    assert f"[executable_content] data/content/{name}: executable content: {what}" in output


def test_a_repealed_document_and_the_closed_cleanup_export_packages_that_pass(
    demo_normdoc_packages,
):
    document = demo_normdoc_packages / "doc"
    cleanup = demo_normdoc_packages / "cleanup"

    assert package_check(document).ok, package_check(document).as_text()
    assert package_check(cleanup).ok, package_check(cleanup).as_text()
    meta = metadata_parse((document / "data/metadata.xml").read_bytes())
    assert meta["document_number"] == "恰政发〔2016〕8号" and meta["retention_code"] == "permanent"
    lists = (cleanup / "data/content/result-lists.txt").read_text(encoding="utf-8")
    # The regular cleanup continued the 8; the 6 repealed were repealed by the three special
    # cleanups of 2021 (normdocs/demo.py, after the seed's 14 / 8 / 6).
    assert "继续有效的规范性文件（8件）" in lists and "废止的规范性文件（0件）" in lists
    assert metadata_parse((cleanup / "data/metadata.xml").read_bytes())["retention_code"] == "30y"

"""Chinese is the default language, so every UI string must have its Chinese translation.

Source strings are English (complete by construction); this test re-extracts them from the
code into a scratch copy and fails when any is missing from, or untranslated in, the zh_Hans
catalogue.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = Path("locale/zh_Hans/LC_MESSAGES/django.po")
SOURCES = ["config", "workflows", "decisions", "normdocs", "templates", "locale", "manage.py"]


def _msgids(path: Path) -> dict[str, bool]:
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="zh_Hans")
    result = {}
    for message in catalogue:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        result[key] = all(strings) and not message.fuzzy
    return result


def test_the_chinese_catalogue_translates_every_entry():
    untranslated = sorted(k for k, ok in _msgids(ROOT / CATALOGUE).items() if not ok)
    assert not untranslated, f"untranslated or fuzzy in {CATALOGUE}: {untranslated[:20]}"


def test_the_chinese_catalogue_covers_every_string_in_the_code(tmp_path):
    if not shutil.which("xgettext"):
        raise AssertionError(
            "GNU gettext (xgettext) is needed to extract strings: apt-get install gettext"
        )
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
            )
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    extracted = set(_msgids(tmp_path / CATALOGUE))
    committed = set(_msgids(ROOT / CATALOGUE))
    missing = sorted(extracted - committed)
    assert not missing, (
        f"strings in the code but not in {CATALOGUE} (run makemessages): {missing[:20]}"
    )

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
from django.utils import translation

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


def test_words_with_two_meanings_get_the_chinese_of_the_place_they_are_used_in():
    """One English word, two Chinese terms: a decision is 通过 while a comment is 采纳; the
    State Council's regulation calls a decision's check 合法性审查 and 国办发〔2018〕115号
    calls a normative document's 合法性审核 (domain.md §1–2)."""
    from decisions.models import CatalogueItem, Outcome, Stage
    from normdocs.models import Status as DocumentStatus
    from workflows.clocks.models import Deadline
    from workflows.consultations.models import Consultation, Disposition

    with translation.override("zh-hans"):
        assert str(Outcome.ADOPTED.label) == "通过"
        assert str(Disposition.Outcome.ADOPTED.label) == "采纳"
        assert str(Stage.LEGALITY_REVIEW.label) == "合法性审查"
        assert str(DocumentStatus.LEGALITY_REVIEW.label) == "合法性审核"
        assert str(DocumentStatus.DRAFT.label) == "起草中"
        assert str(CatalogueItem.Status.DRAFT.label) == "草稿"
        assert str(Consultation.Status.OPEN.label) == "征求意见中"
        assert str(Deadline._meta.get_field("unit").verbose_name) == "计算单位"
    with translation.override("en"):
        assert str(Outcome.ADOPTED.label) == "Adopted"
        assert str(DocumentStatus.LEGALITY_REVIEW.label) == "Legality review"

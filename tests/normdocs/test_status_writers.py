"""The lifecycles are the only writers of status (issue 15).

A normative document, its filing, a cleanup campaign and its items each carry a viewflow.fsm
``status`` whose transitions are generated from a table in normdocs.rules (``LIFECYCLE``,
``FILING_LIFECYCLE``, ``CLEANUP_CAMPAIGN_LIFECYCLE``, ``CLEANUP_ITEM_LIFECYCLE``), each entry with
its legal source. These tests read the source: no module assigns ``.status`` by hand, sets it
with ``setattr`` or writes it with a queryset ``update``; a new row may still be created in its
initial state (an imported document is created in force: it enters the register published).
"""

import ast
from pathlib import Path

import pytest

from normdocs import rules
from normdocs.models import CleanupCampaign, CleanupItem, Filing, NormativeDocument

ROOT = Path(__file__).resolve().parent.parent.parent
MODELS = {"Filing", "CleanupItem", "CleanupCampaign", "NormativeDocument"}
SKIPPED_PARTS = {".venv", "migrations", "tests", "node_modules", "var"}


def _sources() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not SKIPPED_PARTS & set(path.relative_to(ROOT).parts)
    ]


def _touches_the_models(tree: ast.Module, path: Path) -> bool:
    """A module of normdocs, or one importing one of the four models from it."""
    if path.relative_to(ROOT).parts[0] == "normdocs":
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and "normdocs" in (node.module or ""):
            if MODELS & {alias.name for alias in node.names}:
                return True
    return False


def status_writes(source: str, where: str = "<source>") -> list[str]:
    """Every hand-written write of a ``status`` in ``source``: ``x.status = …`` (also ``+=`` and
    annotated), ``setattr(x, "status", …)``, ``….update(status=…)`` and ``bulk_update(…,
    ["status", …])``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for element in ast.walk(target):
                if isinstance(element, ast.Attribute) and element.attr == "status":
                    found.append(f"{where}:{node.lineno} assigns .status")
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name == "setattr" and len(node.args) > 1:
            if isinstance(node.args[1], ast.Constant) and node.args[1].value == "status":
                found.append(f"{where}:{node.lineno} setattr(…, 'status')")
        if name == "update" and any(k.arg == "status" for k in node.keywords):
            found.append(f"{where}:{node.lineno} update(status=…)")
        if name == "bulk_update":
            fields = [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "fields")]
            for value in fields:
                if any(
                    isinstance(c, ast.Constant) and c.value == "status" for c in ast.walk(value)
                ):
                    found.append(f"{where}:{node.lineno} bulk_update(…, ['status'])")
    return found


def test_no_module_writes_the_status_of_a_document_filing_or_cleanup_outside_the_fsm():
    offenders = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        if _touches_the_models(tree, path):
            offenders += status_writes(text, str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize(
    "snippet",
    [
        "filing.status = Filing.Status.ACCEPTED",
        "item.status: str = 'decided'",
        "a, campaign.status = 1, 'closed'",
        "setattr(filing, 'status', 'accepted')",
        "Filing.objects.filter(pk=1).update(status='accepted')",
        "CleanupItem.objects.bulk_update(items, ['status', 'outcome'])",
        "CleanupItem.objects.bulk_update(items, fields=['status'])",
    ],
)
def test_the_reader_finds_a_hand_written_status(snippet):
    assert status_writes(snippet) != []


def test_reading_a_status_or_creating_a_row_in_its_initial_state_is_no_write():
    assert (
        status_writes("if filing.status == 'due':\n    Filing.objects.create(status='due')") == []
    )


@pytest.mark.parametrize(
    ("model", "table"),
    [
        (NormativeDocument, rules.LIFECYCLE),
        (Filing, rules.FILING_LIFECYCLE),
        (CleanupCampaign, rules.CLEANUP_CAMPAIGN_LIFECYCLE),
        (CleanupItem, rules.CLEANUP_ITEM_LIFECYCLE),
    ],
)
def test_each_model_has_exactly_the_transitions_of_its_table_with_a_legal_source(model, table):
    declared = {
        (str(transition.source), str(transition.target))
        for name in dir(model)
        if name.startswith("to_")
        for transition in getattr(model, name).get_transitions()
    }
    assert declared == {
        (source, target) for target, (sources, _rule) in table.items() for source in sources
    }
    for _sources, rule in table.values():
        assert any(
            law in rule for law in ("国办发〔2018〕", "自治区人民政府令", "规章制定程序条例")
        )

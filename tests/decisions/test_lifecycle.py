"""One authority for a decision's stage (issue 15): ``decisions.lifecycle`` moves it by a row of
``rules.LIFECYCLE``, each row citing its article, and nothing else writes it.

The source test reads every module of the project: an attribute assignment to ``.stage``, a
``setattr(…, "stage", …)``, ``stage`` in ``update_fields`` and (outside tests) ``stage=`` given
to ``update``/``create`` or to ``Decision(…)`` are all writes, allowed in ``decisions/lifecycle.py``
alone. Tests that need a state the law does not allow (to exercise a defence in depth) corrupt
the row with a queryset ``update``, as a bad import would.
"""

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from viewflow.fsm import TransitionNotAllowed

from decisions import rules
from decisions.lifecycle import decision_stage_move
from decisions.models import Decision, Stage

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bench", "config", "decisions", "normdocs", "tests", "workflows")
THE_WRITER = Path("decisions/lifecycle.py")
ARTICLE = re.compile(r"第[一二三四五六七八九十]+条")


def stage_writes(source: str, *, in_tests: bool = False) -> list[int]:
    """The lines of ``source`` that write a ``stage``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and part.attr == "stage":
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
            and node.args[1].value == "stage"
        ):
            lines.append(node.lineno)
        for keyword in node.keywords:
            if keyword.arg == "update_fields" and any(
                isinstance(c, ast.Constant) and c.value == "stage" for c in ast.walk(keyword.value)
            ):
                lines.append(node.lineno)
            if (
                keyword.arg == "stage"
                and not in_tests
                and callee in ("update", "create", "get_or_create", "update_or_create", "Decision")
            ):
                lines.append(node.lineno)
    return sorted(set(lines))


def test_the_source_reader_finds_every_kind_of_stage_write():
    source = """
d.stage = "publication"
d.stage, x = "archiving", 1
setattr(d, "stage", "archived")
d.save(update_fields=["stage"])
Decision.objects.filter(pk=1).update(stage="meeting")
Decision.objects.create(stage="meeting")
Decision(stage="meeting")
if d.stage == "meeting":
    Decision.objects.filter(stage="meeting")
"""
    assert stage_writes(source) == [2, 3, 4, 5, 6, 7, 8]
    assert stage_writes(source, in_tests=True) == [2, 3, 4, 5]


def test_only_the_lifecycle_writes_a_decisions_stage():
    writers = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative == THE_WRITER:
                continue
            found = stage_writes(path.read_text(), in_tests=relative.parts[0] == "tests")
            if found:
                writers[str(relative)] = found
    assert writers == {}, "the stage moves through decisions.lifecycle.decision_stage_move"
    assert stage_writes((ROOT / THE_WRITER).read_text())  # and the lifecycle does write it


def test_every_move_cites_its_article_and_leads_between_known_stages():
    assert set(Stage.values) >= {s for m in rules.LIFECYCLE.values() for s in m.sources}
    for name, move in rules.LIFECYCLE.items():
        assert move.target in Stage.values, name
        assert ARTICLE.search(move.legal_source) and rules.DECREE in move.legal_source, name


def test_the_fsm_is_the_table_when_the_transitions_are_generated():
    generated = {
        name.removeprefix("move_"): {(t.source, t.target) for t in method.get_transitions()}
        for name, method in vars(Decision).items()
        if name.startswith("move_")
        for method in [getattr(Decision, name)]
    }
    assert generated == {
        name: {(source, move.target) for source in move.sources}
        for name, move in rules.LIFECYCLE.items()
    }


def test_every_stage_is_reached_and_every_one_but_the_archive_is_left():
    targets = {move.target for move in rules.LIFECYCLE.values()}
    sources = {s for move in rules.LIFECYCLE.values() for s in move.sources}
    assert targets == set(Stage.values)  # drafting again, when a draft is sent back
    assert sources == set(Stage.values) - {Stage.ARCHIVED}


@pytest.mark.parametrize("move", sorted(rules.LIFECYCLE))
@pytest.mark.parametrize("source", Stage.values)
def test_a_move_is_allowed_exactly_from_the_stages_its_row_names(move, source):
    decision = Decision(stage=source)
    allowed = source in rules.LIFECYCLE[move].sources
    assert rules.is_move_allowed(move=move, source=source) is allowed
    if allowed:
        getattr(decision, f"move_{move}")()
        assert decision.stage == rules.LIFECYCLE[move].target
    else:
        with pytest.raises(TransitionNotAllowed):
            getattr(decision, f"move_{move}")()
        assert decision.stage == source


@pytest.mark.django_db
def test_publishing_is_refused_with_its_article_when_the_decision_is_still_being_drafted(drive):
    d = drive.initiate()
    with pytest.raises(ValidationError) as info:
        decision_stage_move(decision=d, move="publish")
    assert info.value.code == "wrong_stage"
    with translation.override("zh-hans"):
        text = info.value.messages[0]
    assert "起草" in text and "第三十二条" in text, text
    d.refresh_from_db()
    assert d.stage == Stage.DRAFTING


@pytest.mark.django_db
def test_sealing_is_refused_when_the_meeting_has_not_decided(drive):
    d = drive.up_to_meeting()
    with pytest.raises(ValidationError) as info:
        decision_stage_move(decision=d, move="seal")
    assert info.value.code == "wrong_stage"
    d.refresh_from_db()
    assert d.stage == Stage.MEETING and d.sealed_at is None


@pytest.mark.django_db
def test_a_move_saves_the_stage_and_returns_where_it_came_from(drive):
    d = drive.initiate(not_disclosable=True, not_disclosable_reason="商业秘密")
    assert decision_stage_move(decision=d, move="skip_consultation") == Stage.DRAFTING
    assert Decision.objects.get(pk=d.pk).stage == Stage.ASSESSMENT

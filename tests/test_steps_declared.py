"""One definition of each step (design.md): every declared step of both processes has its
page, its API operation, its inbox entry, its chart node, and they agree with the declaration;
and the layers hold, read from the imports."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from decisions.api import PAGE_ROUTES, TASK_ROUTES, DecisionViewSet
from decisions.flows import DecisionFlow
from decisions.steps import decision_steps
from normdocs.api import DocumentViewSet
from normdocs.inbox.branches import TITLES
from normdocs.steps import document_steps, roles_of_inbox_kind
from workflows.clocks.rules import registered_rules
from workflows.roles import ROLES
from workflows.steps import processes, steps_of

ROOT = Path(__file__).resolve().parent.parent


def _chinese(name) -> bool:
    """The zh_Hans catalogue translates ``name`` (a lazy English source) into Chinese."""
    with translation.override("en"):
        english = str(name)
    with translation.override("zh-hans"):
        chinese = str(name)
    return chinese != english and any("\u4e00" <= c <= "\u9fff" for c in chinese)


def test_both_processes_declare_their_steps():
    assert {"decision", "normdoc"} <= set(processes())
    # 12, the head of the review office's approval (第二十八条) and the three steps of
    # incorporating a meeting's amendments (第三十条).
    assert len(decision_steps()) == 16
    # 16, the drafter's revision (issue 17) and the three steps of a filing outside the
    # installation (issue 17).
    assert len(document_steps()) == 20


@pytest.mark.parametrize("key", sorted(decision_steps()))
def test_a_decision_step_has_its_node_page_api_operation_and_chart_label(key):
    declared = decision_steps()[key]
    node = getattr(DecisionFlow, declared.node)
    # The flow node carries the step: its page is the step's page, its title the step's name.
    assert node.view.view_class.step is declared
    assert node.task_title == declared.name
    assert _chinese(declared.name), f"{key}: no Chinese name"
    # Every action of the step is an API operation, and nothing else is routed to the node.
    routed = {action for node_name, action in TASK_ROUTES.values() if node_name == declared.node}
    assert routed == set(declared.actions), key
    for action in declared.actions.values():
        assert callable(getattr(DecisionViewSet, action.route.replace("-", "_"), None))
        assert reverse(f"api:decision-{action.route}", args=[1])
    # Offered to known roles, over a unit the decision names; with its legal source.
    assert declared.offered_to and all(role in ROLES for role in declared.roles)
    assert declared.source.startswith("第")


@pytest.mark.parametrize("process", ["decision", "normdoc"])
def test_every_clock_a_step_names_is_a_registered_legal_clock(process):
    registered = {rule.key for rule in registered_rules()}
    named = {clock.rule_key for s in steps_of(process).values() for clock in s.clocks}
    assert named and named <= registered, named - registered


def test_the_decision_api_routes_exactly_the_declared_steps():
    routed = {(node, action) for node, action in TASK_ROUTES.values()}
    declared = {(s.node, a) for s in decision_steps().values() for a in s.actions}
    assert routed == declared
    for work_class, action in PAGE_ROUTES.values():
        assert action in work_class.actions


@pytest.mark.parametrize("key", sorted(document_steps()))
def test_a_document_step_has_its_api_operation_inbox_entry_and_chinese_name(key):
    declared = document_steps()[key]
    assert callable(getattr(DocumentViewSet, key))
    assert reverse(f"api:normdoc-{key.replace('_', '-')}", args=[1])
    assert declared.roles and all(role in ROLES for role in declared.roles)
    assert _chinese(declared.name), f"{key}: no Chinese name"
    if declared.inbox_kind:
        # The inbox lists the step for exactly the roles it is offered to.
        assert declared.inbox_kind in TITLES
        assert set(declared.roles) <= set(roles_of_inbox_kind(declared.inbox_kind))


# --- layers ---------------------------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    """Modules ``path`` imports, absolute (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def _is_html_views(module: str) -> bool:
    parts = module.split(".")
    return (
        parts[0] in ("decisions", "normdocs", "workflows")
        and any(p == "views" for p in parts[1:])
        and "api" not in parts
    )


def _modules(*patterns):
    for pattern in patterns:
        yield from sorted(ROOT.glob(pattern))


def test_no_api_module_imports_a_page_view():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _modules(
            "decisions/*api*.py",
            "decisions/api/*.py",
            "normdocs/*api*.py",
            "normdocs/api/*.py",
            "workflows/**/api*.py",
        )
        if any(_is_html_views(m) for m in _imports(path))
    ]
    assert offenders == []


def test_no_service_imports_a_view():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _modules("*/services/*.py", "*/services.py", "workflows/**/services.py")
        if any(_is_html_views(m) for m in _imports(path))
    ]
    assert offenders == []


def test_workflows_never_imports_the_processes():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _modules("workflows/**/*.py")
        if "migrations" not in path.parts
        and any(m.split(".")[0] in ("decisions", "normdocs") for m in _imports(path))
    ]
    assert offenders == []

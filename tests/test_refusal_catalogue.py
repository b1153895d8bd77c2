"""Every refusal of both apps reaches the Chinese UI in Chinese, under a stable code (issue 15).

One idiom refuses in both apps: ``ValidationError(_("…"), code="…")``, or a subclass of it
(normdocs' ``RuleRefusal``, clocks' ``DeadlineClosed``), or ``StaleState(_("…"), code="…")``.
The first tests read the source of the rules and services: every refusal built there has a
``code`` and a message that is a gettext call on a literal (so makemessages finds it), and every
such message has a zh-hans translation, in Chinese, with the same placeholders.
tests/normdocs/test_refusals.py drives real refusals through the normdocs services and reads
them as a clerk in the Chinese UI does.

The rule for codes: a code names a kind of refusal and a message says it for its step, so one
code may carry several messages (``not_drafter`` at each drafter-only step, ``reason_required``
wherever a reason is missing); but one message never carries two codes, which would make a
client treat the same situation two ways. Codes are snake_case.
"""

import ast
import importlib
import inspect
import re
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from workflows.errors import StaleState

ROOT = Path(__file__).resolve().parent.parent
CLOCK_SERVICE_MODULES = ("services", "opening", "closing", "holiday_notices", "notifying")
SOURCES = [
    *sorted((ROOT / "decisions" / "services").glob("*.py")),
    *sorted((ROOT / "decisions" / "rules").glob("[!_]*.py")),
    ROOT / "decisions" / "lifecycle.py",
    *sorted((ROOT / "normdocs" / "services").glob("*.py")),
    *sorted((ROOT / "normdocs" / "rules").glob("[!_]*.py")),
    ROOT / "workflows" / "consultations" / "services.py",
    # the clock services, split by responsibility (services.py re-exports them)
    *(ROOT / "workflows" / "clocks" / f"{name}.py" for name in CLOCK_SERVICE_MODULES),
    ROOT / "workflows" / "clocks" / "regional_services.py",
    ROOT / "workflows" / "services.py",
    ROOT / "workflows" / "api" / "services.py",
    ROOT / "workflows" / "archive" / "services.py",
    ROOT / "workflows" / "archive" / "holds.py",
    ROOT / "workflows" / "inbox" / "urging.py",
]
# Refusals known to break the rule, in files outside this change: (file, msgid). The test fails
# when a new one appears, and when one listed here is fixed (so the list only shrinks).
KNOWN_GAPS: set[tuple[str, str]] = set()
GETTEXT_FUNCTIONS = (gettext, gettext_lazy)
CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


@dataclass(frozen=True)
class Site:
    """One place a refusal is built: where, its msgid(s) and its code (None when computed)."""

    where: str
    msgids: tuple[str, ...]
    code: str | None


@dataclass(frozen=True)
class Factory:
    """A helper that builds a refusal from its arguments (``missing_error(message, …, code)``)."""

    message: int
    code: int | str | None


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _resolve(node: ast.expr, namespace: dict):
    """The object a callee such as ``RuleRefusal`` or ``rules.RuleRefusal`` names, or None."""
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, namespace)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def _is_refusal_class(obj) -> bool:
    return isinstance(obj, type) and issubclass(obj, ValidationError | StaleState)


class _Reader:
    """Reads one module's source (or one helper's) and collects its refusals."""

    def __init__(self, *, source: str, label: str, namespace: dict, first_line: int = 1):
        self.tree = ast.parse(source)
        self.label, self.namespace, self.offset = label, namespace, first_line - 1
        self.parents = {
            child: parent
            for parent in ast.walk(self.tree)
            for child in ast.iter_child_nodes(parent)
        }

    def where(self, node: ast.AST) -> str:
        return f"{self.label}:{node.lineno + self.offset}"

    def enclosing_function(self, node: ast.AST):
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    def is_aggregate(self, call: ast.Call) -> bool:
        """``ValidationError(problems)`` where ``problems`` was assigned, in the same function,
        from a function of this module annotated ``-> list[ValidationError]``: a container of
        refusals, each checked where it is built."""
        if call.keywords or len(call.args) != 1 or not isinstance(call.args[0], ast.Name):
            return False
        name, function = call.args[0].id, self.enclosing_function(call)
        builders = {
            node.name
            for node in ast.walk(self.tree)
            if isinstance(node, ast.FunctionDef)
            and node.returns is not None
            and ast.unparse(node.returns) == "list[ValidationError]"
        }
        return function is not None and any(
            isinstance(node, ast.Assign)
            and [ast.unparse(t) for t in node.targets] == [name]
            and isinstance(node.value, ast.Call)
            and ast.unparse(node.value.func) in builders
            for node in ast.walk(function)
        )

    def msgids(self, node: ast.expr, at: ast.AST) -> tuple[str, ...] | None:
        """The msgids of a message argument, or None when it is not gettext on a literal."""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            return self.msgids(node.left, at)  # formatted after translation
        if isinstance(node, ast.Dict):  # field errors: each field's message
            found = [self.msgids(value, at) for value in node.values]
            return None if None in found else tuple(m for ms in found for m in ms)
        if isinstance(node, ast.Call):
            function = _resolve(node.func, self.namespace)
            if (
                any(function is f for f in GETTEXT_FUNCTIONS)
                and len(node.args) == 1
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                return (node.args[0].value,)
            return None
        if isinstance(node, ast.Name):  # a name bound to a gettext call in the same function
            scope = self.enclosing_function(at) or self.tree
            bound = [
                assign.value
                for assign in ast.walk(scope)
                if isinstance(assign, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == node.id for t in assign.targets)
            ]
            found = [self.msgids(value, at) for value in bound]
            return None if not found or None in found else tuple(m for ms in found for m in ms)
        return None

    def literal_code(self, node: ast.expr, at: ast.AST) -> tuple[bool, str | None]:
        """(has a code, the code when it can be read): a literal, or a name such as ``problem``
        compared with a literal by the ``if`` whose body holds the refusal."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return True, node.value
        if isinstance(node, ast.Name):
            child = at
            while child in self.parents:
                parent = self.parents[child]
                test = getattr(parent, "test", None)
                if (
                    isinstance(parent, ast.If)
                    and child in parent.body
                    and isinstance(test, ast.Compare)
                    and isinstance(test.left, ast.Name)
                    and test.left.id == node.id
                    and isinstance(test.ops[0], ast.Eq)
                    and isinstance(test.comparators[0], ast.Constant)
                ):
                    return True, test.comparators[0].value
                child = parent
            return True, None  # computed by a rule: present, not readable here
        return False, None

    def factory_of(self, call: ast.Call) -> Factory | None:
        """When this refusal's message is a parameter of its function, that function builds
        refusals for its callers: which of its parameters are the message and the code."""
        function = self.enclosing_function(call)
        if function is None or not call.args or not isinstance(call.args[0], ast.Name):
            return None
        params = [a.arg for a in function.args.posonlyargs + function.args.args]
        keyword_only = [a.arg for a in function.args.kwonlyargs]
        if call.args[0].id not in params:
            return None
        code = next((k.value for k in call.keywords if k.arg == "code"), None)
        code_param = None
        if isinstance(code, ast.Name):
            if code.id in params:
                code_param = params.index(code.id)
            elif code.id in keyword_only:
                code_param = code.id
        return Factory(message=params.index(call.args[0].id), code=code_param)


def _call_parts(call: ast.Call, factory: Factory | None):
    """(message node, code node) of a refusal class call or a factory call."""
    keywords = {k.arg: k.value for k in call.keywords}
    if factory is None:
        message = call.args[0] if call.args else keywords.get("message")
        code = keywords.get("code", call.args[1] if len(call.args) > 1 else None)
        return message, code
    message = call.args[factory.message] if len(call.args) > factory.message else None
    if isinstance(factory.code, int):
        code = call.args[factory.code] if len(call.args) > factory.code else keywords.get("code")
    else:
        code = keywords.get(factory.code) if factory.code else None
    return message, code


@cache
def catalogue() -> tuple[tuple[Site, ...], tuple[str, ...]]:
    """Every refusal site of the scanned modules, and every refusal that breaks the rule."""
    readers = [
        _Reader(
            source=path.read_text(),
            label=str(path.relative_to(ROOT)),
            namespace=vars(importlib.import_module(_module_name(path))),
        )
        for path in SOURCES
    ]
    factories: dict[object, Factory] = {}
    for reader in readers:
        for call in ast.walk(reader.tree):
            if isinstance(call, ast.Call) and _is_refusal_class(
                _resolve(call.func, reader.namespace)
            ):
                factory = reader.factory_of(call)
                builder = factory and reader.namespace.get(reader.enclosing_function(call).name)
                if builder is not None:
                    factories[builder] = factory
    # Helpers outside the scanned modules that a service raises through are read too
    # (``raise period_too_long_error()``).
    scanned = {_module_name(path) for path in SOURCES}
    helpers = {
        helper: None
        for reader in readers
        for node in ast.walk(reader.tree)
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
        for helper in [_resolve(node.exc.func, reader.namespace)]
        if inspect.isfunction(helper)
        and helper.__module__ not in scanned
        and helper not in factories
    }
    for helper in helpers:
        lines, first = inspect.getsourcelines(helper)
        readers.append(
            _Reader(
                source=textwrap.dedent("".join(lines)),
                label=inspect.getsourcefile(helper).removeprefix(f"{ROOT}/"),
                namespace=vars(importlib.import_module(helper.__module__)),
                first_line=first,
            )
        )

    sites, broken = [], []
    for reader in readers:
        for call in ast.walk(reader.tree):
            if not isinstance(call, ast.Call):
                continue
            callee = _resolve(call.func, reader.namespace)
            if _is_refusal_class(callee):
                if reader.factory_of(call) is not None:
                    continue  # checked where the factory is called
                if reader.is_aggregate(call):
                    continue  # each refusal in it is checked where it is built
                factory = None
            elif callee in factories:
                factory = factories[callee]
            else:
                continue
            message, code = _call_parts(call, factory)
            where = reader.where(call)
            msgids = reader.msgids(message, call) if message is not None else None
            has_code, literal = (
                reader.literal_code(code, call) if code is not None else (False, None)
            )
            if msgids is None:
                broken.append(f"{where}: the message is not gettext on a string literal")
                continue
            if not has_code:
                broken.append(f"{where}: no code= ({msgids[0]!r})")
            elif literal is not None and not CODE.fullmatch(literal):
                broken.append(f"{where}: the code {literal!r} is not snake_case")
            sites.append(Site(where=where, msgids=msgids, code=literal))
    return tuple(sites), tuple(broken)


def _is_gap(gap: tuple[str, str], problem: str) -> bool:
    path, msgid = gap
    return problem.startswith(f"{path}:") and repr(msgid) in problem


def test_the_catalogue_reads_the_refusals_of_both_apps():
    sites, _ = catalogue()
    labels = {site.where.split(":")[0] for site in sites}
    for app in ("decisions/services/", "normdocs/services/", "normdocs/rules/"):
        assert any(label.startswith(app) for label in labels), app
    codes = {site.code for site in sites}
    # One of each kind of site: a rule's returned refusal, a factory, a helper, a computed code.
    assert {
        "wrong_state",
        "archive_incomplete",
        "period_too_long",
        "party_report_required",
    } <= codes
    assert len(sites) > 150


def test_every_refusal_has_a_code_and_a_gettext_message_when_built_in_a_rule_or_service():
    _, broken = catalogue()
    assert [p for p in broken if not any(_is_gap(gap, p) for gap in KNOWN_GAPS)] == []
    fixed = [gap for gap in KNOWN_GAPS if not any(_is_gap(gap, p) for p in broken)]
    assert fixed == [], "fixed now: remove them from KNOWN_GAPS"


def _msgids() -> list[str]:
    sites, _ = catalogue()
    return sorted({msgid for site in sites for msgid in site.msgids})


@pytest.mark.parametrize("msgid", _msgids())
def test_every_refusal_reads_in_chinese_when_the_ui_is_chinese(msgid):
    with translation.override("zh-hans"):
        text = gettext(msgid)
    assert text != msgid, f"no zh-hans translation for {msgid!r}"
    assert CJK.search(text), f"the zh-hans text of {msgid!r} has no Chinese: {text!r}"
    assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), text


def test_one_message_carries_one_code_when_raised_in_several_places():
    sites, _ = catalogue()
    codes_of: dict[str, set[str]] = {}
    for site in sites:
        if site.code is not None:
            for msgid in site.msgids:
                codes_of.setdefault(msgid, set()).add(site.code)
    assert {m: c for m, c in codes_of.items() if len(c) > 1} == {}


def _service_modules() -> set[Path]:
    """Every module that defines a service: a function under ``@service_atomic`` or
    ``@transaction.atomic`` (workflows.transactions), wherever a split put it."""
    found = set()
    for app in ("decisions", "normdocs", "workflows"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if "@service_atomic" in text or "@transaction.atomic" in text:
                found.add(path)
    return found


def test_every_module_with_services_is_read_for_refusals():
    """A split that moves services to a new module must not drop their refusals from this
    catalogue (the clock services were once split out of its sight)."""
    unread = {str(path.relative_to(ROOT)) for path in _service_modules() - set(SOURCES)}
    assert not unread, f"add to SOURCES: {sorted(unread)}"

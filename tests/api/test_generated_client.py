"""An integrator's client, generated from the live schema by a generator nobody here wrote
(openapi-python-client), imports whole and drives both processes end to end: a decision from
its proposal to the archive, a normative document from its draft to the filing accepted.

Nothing here speaks HTTP itself or patches the generated code: every request goes through the
generated functions and models (``Model.from_dict`` builds a body from the schema's names), and
every answer is read through the generated models. Whatever the generator cannot read in the
schema fails here first. The schema also validates with openapi-spec-validator.
"""

import importlib
import json
import pkgutil
import subprocess
import sys
import typing
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from tests.decisions.conftest import LEGAL_BASIS, RISK_OK
from tests.normdocs import conftest as _normdocs

pytestmark = pytest.mark.django_db(transaction=True)

# The normative-document fixtures (tests/normdocs).
county_body = _normdocs.county_body
bureau_body = _normdocs.bureau_body
officials = _normdocs.officials

PACKAGE = "fazhi_client"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture(scope="module")
def schema(live_server) -> dict:
    """The schema as the live server serves it, as JSON."""
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as response:
        return json.load(response)


@pytest.fixture(scope="module")
def generated(schema, tmp_path_factory):
    """The package openapi-python-client generates from ``schema``, importable (generated once
    for the module)."""
    folder = tmp_path_factory.mktemp("generated")
    (folder / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    # No post hooks: the generated code is used as generated (formatting it changes nothing).
    (folder / "config.yaml").write_text("post_hooks: []\n", encoding="utf-8")
    result = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(folder / "schema.json"),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(folder / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Every warning is a part of the schema the generator left out of the client.
    assert "Warning" not in result.stdout and "WARNING" not in result.stdout, result.stdout
    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module(PACKAGE)
        modules = [m.name for m in pkgutil.walk_packages(package.__path__, PACKAGE + ".")]
        for name in modules:
            importlib.import_module(name)  # every module imports: none is left broken
        yield package, modules
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


class Generated:
    """The generated client's operations and models, by the names the schema gives them."""

    def __init__(self, package, base_url: str):
        self.package = package
        self.base_url = base_url
        self.models = importlib.import_module(f"{PACKAGE}.models")
        self.unset = importlib.import_module(f"{PACKAGE}.types").Unset

    def client(self, user):
        token, _ = Token.objects.get_or_create(user=user)
        return self.package.AuthenticatedClient(
            base_url=self.base_url, token=token.key, prefix="Token"
        )

    def call(self, user, tag: str, operation: str, *args, body=None, ok=(200, 201), **query):
        """Operation ``operation`` (its operationId) of the tag's module, as ``user``; the body
        (a dict) becomes the operation's request model through ``from_dict``."""
        module = importlib.import_module(f"{PACKAGE}.api.{tag}.{operation}")
        kwargs = dict(query)
        if body is not None:
            # ``Model`` or, for a body of optional fields only, ``Model | Unset``.
            annotation = module.sync_detailed.__annotations__["body"]
            model = next(
                t for t in typing.get_args(annotation) or [annotation] if t is not self.unset
            )
            kwargs["body"] = model.from_dict(body)
        response = module.sync_detailed(*args, client=self.client(user), **kwargs)
        assert response.status_code in ok, (
            operation,
            response.status_code,
            response.content.decode(),
        )
        return response.parsed


def test_the_schema_validates_with_openapi_spec_validator(schema):
    from openapi_spec_validator import validate

    validate(schema)


def test_every_operation_that_acts_on_a_process_names_its_roles(schema):
    acting = [
        (method, path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method == "post"
        and path.startswith(("/api/v1/decisions/{id}/", "/api/v1/normdocs/{id}/"))
        and "consultations" not in path
    ]
    assert len(acting) > 40
    for method, path, operation in acting:
        assert operation.get("x-roles"), (method, path)
        assert "Who may act:" in operation["description"], (method, path)
    draft = schema["paths"]["/api/v1/decisions/{id}/risk-assessment/"]["post"]
    assert draft["x-roles"] == [
        {"role": "drafter", "unit": "lead unit"},
        {"role": "risk_assessor", "unit": "lead unit"},
    ]


def test_the_generated_client_drives_a_decision_to_the_archive(
    live_server, generated, people, catalogue_item
):
    package, modules = generated
    assert len(modules) > 200
    api = Generated(package, live_server.url)
    d = "decisions"
    drafter, secretary = people["drafter"], people["secretary"]

    created = api.call(
        drafter,
        d,
        "v1_decisions_create",
        body={
            "lead_unit": people["bureau"].pk,
            "catalogue_item": catalogue_item.pk,
            "title": "关于调整城区供热价格的决定",
            "problem": "供热成本上涨。",
            "legal_basis": LEGAL_BASIS,
        },
    )
    pk = created.id
    assert created.legal_basis == LEGAL_BASIS  # once each, as sent

    def step(user, route, body):
        return api.call(user, d, f"v1_decisions_{route}_create", pk, body=body)

    drafted = step(
        drafter,
        "draft",
        {
            "title": "关于调整城区供热价格的决定",
            "draft_text": "第一条 城区居民供热价格调整为每平方米22元。",
            "legal_basis": ["《价格法》第十八条"],
            "options": [{"title": "方案一", "text": "一次调整到位"}],
            "drafting_explanation": "起草说明",
            "start_decided_by": "县长",
            "start_decided_on": "2026-06-01",
            "start_reference": "县长批示〔2026〕3号",
            "not_disclosable": True,
            "not_disclosable_reason": "涉及国家秘密",
            "submit": True,
        },
    )
    assert drafted.legal_basis == ["《价格法》第十八条"]
    assert drafted.options[0].title == "方案一"
    assert [(t.node, t.routes, t.roles) for t in drafted.open_tasks] == [
        ("risk_assessment", ["risk-assessment"], ["drafter", "risk_assessor"])
    ]

    risk = {"overall_level": "low", "contingency_plan": "应急预案"}
    for name, values in RISK_OK.items():
        risk.update({f"{name}_{key}": value for key, value in values.items()})
    step(drafter, "risk_assessment", risk)
    # 第二十六条: the review office is left its 7 working days (Monday 6月15日 → 6月25日).
    step(
        drafter,
        "legality_submit",
        {"procedures_account": "已开展风险评估", "opinion_needed_by": "2026-06-25"},
    )
    step(people["legal_advisor"], "legality_review", {"outcome": "lawful", "opinion": "合法。"})
    step(people["review_head"], "legality_approve", {"confirm": True})
    at_meeting = step(drafter, "package_check", {"confirm": True})
    assert at_meeting.stage.value == "meeting"

    # The session the decision goes to, its members, its attendance (第三十条).
    s = "sessions"
    session = api.call(
        secretary,
        s,
        "v1_sessions_create",
        body={
            "government": people["county"].pk,
            "kind": "executive",
            "held_at": "2026-06-15T09:00:00+08:00",
            "principal": people["principal"].pk,
        },
    )
    step(secretary, "meeting_schedule", {"session": session.id})
    members = api.call(secretary, s, "v1_sessions_members_list", session.id)
    assert {m.id for m in members.results} == {p.pk for p in people["members"]}
    api.call(
        secretary,
        s,
        "v1_sessions_open_create",
        session.id,
        body={"present": [m.id for m in members.results]},
    )
    for member, position in zip(
        members.results, ["support", "support", "conditional", "oppose"], strict=True
    ):
        step(
            secretary,
            "meeting_statement",
            {"speaker": member.id, "position": position, "text": f"{member.username}：{position}"},
        )
    step(secretary, "meeting_decide", {"head_decision": "adopt", "statement": "同意。"})
    concluded = api.call(secretary, s, "v1_sessions_conclude_create", session.id)
    assert concluded.status.value == "concluded"

    step(
        secretary,
        "party_report",
        {
            "reported_on": "2026-06-15",
            "reference": "恰政报〔2026〕3号",
            "recipient": "中共乌恰县委",
        },
    )
    step(
        people["publisher"],
        "publication",
        {"published_on": "2026-06-15", "channel": "乌恰县人民政府网站", "interpretation": "解读"},
    )
    sealed = step(people["archivist"], "seal", {"confirm": True})
    assert sealed.stage.value == "archived" and sealed.sealed_at is not None

    first = api.call(drafter, d, "v1_decisions_list", page_size=1)
    assert [x.id for x in first.results] == [pk] and first.next_cursor is None


def test_the_generated_client_follows_the_pages_by_their_cursor(live_server, generated, people):
    package, _modules = generated
    api = Generated(package, live_server.url)
    seen, cursor = [], None
    while True:
        kwargs = {"cursor": cursor} if cursor else {}
        page = api.call(people["drafter"], "organisation", "v1_units_list", page_size=2, **kwargs)
        seen += [unit.id for unit in page.results]
        cursor = page.next_cursor
        if cursor is None:
            break
    from workflows.models import Unit

    assert len(seen) > 2
    assert seen == list(Unit.objects.order_by("id").values_list("id", flat=True))


def test_the_token_scheme_says_its_prefix(schema):
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["x-token-prefix"] == "Token"
    assert "Authorization: Token <key>" in scheme["description"]


def test_the_generated_client_drives_a_normative_document_to_its_filing_accepted(
    live_server, generated, travel_to, drafter, bureau_body, officials
):
    package, _modules = generated
    api = Generated(package, live_server.url)
    n = "normative_documents"

    bodies = api.call(drafter, n, "v1_drafting_bodies_list")
    assert bureau_body.pk in [b.id for b in bodies.results]
    assert [b.issuer_codes for b in bodies.results if b.id == bureau_body.pk] == [["恰司"]]

    created = api.call(
        drafter,
        n,
        "v1_normdocs_create",
        body={
            "drafting_body": bureau_body.pk,
            "title": "关于规范行政执法的规定",
            "text": "第一条 为规范行政执法，制定本规定。",
            "doc_type": "normative",
            "legal_basis": ["《中华人民共和国行政处罚法》"],
        },
    )
    pk = created.id
    assert created.doc_type.value == "normative"
    assert [t.route for t in created.open_tasks] == ["submit-review"]  # no public interest

    def step(user, route, body):
        return api.call(user, n, f"v1_normdocs_{route}_create", pk, body=body)

    step(
        drafter,
        "submit_review",
        {"drafting_explanation": "起草说明", "legal_basis": ["《中华人民共和国行政处罚法》"]},
    )
    travel_to(_days_later(40))  # the minimum review period has run
    checks = {
        f"check_{key}": "complies"
        for key in (
            "no_licence",
            "no_penalty",
            "no_coercive_measure",
            "no_levy_or_fee",
            "no_reduced_rights",
            "no_enlarged_powers",
            "no_anti_competitive",
        )
    }
    step(
        officials["advisor"],
        "conclude_review",
        {"outcome": "lawful", "opinion": "符合法律法规规定", **checks},
    )
    step(drafter, "send_to_deliberation", None)  # no fields, no body
    today = _days_later(40).isoformat()
    step(
        officials["secretary"],
        "deliberate",
        {"meeting_kind": "office_meeting", "meeting_on": today, "adopted": True},
    )
    step(officials["publisher"], "register", {})
    published = step(officials["publisher"], "publish", {"published_on": today})
    assert published.number and published.filing_status.value == "due"
    assert "filing-submit" in [t.route for t in published.open_tasks]
    step(officials["publisher"], "filing_submit", {"received_on": today})
    accepted = step(officials["filing_reviewer"], "filing_accept", {"opinion": "准予备案"})
    assert accepted.filing_status.value == "accepted"


def _days_later(days: int):
    from tests.conftest import SUITE_NOW

    return (SUITE_NOW + timedelta(days=days)).date()

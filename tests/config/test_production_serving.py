"""Under ``config.settings.production`` on gunicorn, the pages people meet render with their CSS.

The static files are built by the Dockerfile's own collectstatic step (its command and its
dummy environment, read from the Dockerfile) into a temporary FAZHI_STATIC_ROOT. gunicorn then
serves, on loopback over plain http, the login page, a drafter's inbox, the public portal and
the 500 page: each links its stylesheet by the hashed name in the manifest, and every stylesheet
and script a page links answers 200 from WhiteNoise.
"""

import http.client
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, _database_url_of
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "test-only-production-serving-key-0123456789-abcdefghijklmnop"
CJK = re.compile(r"[\u4e00-\u9fff]")
STATIC_REFERENCE = re.compile(r"""(?:href|src)=["'](/static/[^"']+)["']""")
MISSING_MANIFEST = "Missing staticfiles manifest"


def _dockerfile_collectstatic() -> tuple[dict[str, str], list[str]]:
    """The environment and command of the Dockerfile's collectstatic RUN step."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    steps = [
        line for line in text.splitlines() if line.startswith("RUN ") and "collectstatic" in line
    ]
    assert len(steps) == 1, "the Dockerfile must build the static files in one RUN step"
    words = shlex.split(steps[0].removeprefix("RUN "))
    env = {}
    while "=" in words[0]:
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    return env, words


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """The production static files, built as the image builds them."""
    env, command = _dockerfile_collectstatic()
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert command[:2] == ["python", "manage.py"] and "collectstatic" in command
    root = tmp_path_factory.mktemp("staticfiles")
    result = subprocess.run(
        [sys.executable, *command[1:]],
        cwd=ROOT,
        env={**_clean_environ(), **env, "FAZHI_STATIC_ROOT": str(root)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    assert (root / "staticfiles.json").exists()
    return root


@pytest.fixture(scope="module")
def manifest(static_root) -> dict[str, str]:
    return json.loads((static_root / "staticfiles.json").read_text())["paths"]


def _clean_environ() -> dict[str, str]:
    """This process's environment without what a test run adds (the suite's clock, settings)."""
    dropped = {"DJANGO_SETTINGS_MODULE", "FAZHI_TEST_NOW", "DATABASE_URL", "REDIS_URL"}
    return {k: v for k, v in os.environ.items() if k not in dropped}


def _production_env(*, static_root: Path, database_url: str) -> dict[str, str]:
    return {
        **_clean_environ(),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ["REDIS_URL"],
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FAZHI_RECORD_SIGNING_KEY": "9yvbDVaAUwnpGm4YBhCpqHjXy0C9KwVDj1vVfyqjiTs=",  # test-only
        "FAZHI_STATIC_ROOT": str(static_root),
        # Plain http on loopback: no redirect to https, cookies sent without TLS.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }


@contextmanager
def _gunicorn(env: dict[str, str], log: Path):
    port = free_port(0)
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, proc, log)
    try:
        server.wait_until_up()
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class Server:
    """A gunicorn process and a browser of one: cookies kept, redirects not followed."""

    def __init__(self, port: int, proc: subprocess.Popen, log: Path):
        self.port, self.proc, self.log = port, proc, log
        self.cookies: dict[str, str] = {}

    def wait_until_up(self):
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.request("GET", "/robots.txt")
                return
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not answer within 60 s:\n{self.log_tail()}")
                time.sleep(0.2)

    def log_tail(self) -> str:
        return self.log.read_text()[-5000:]

    def request(self, method: str, path: str, form: dict[str, str] | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": "localhost", "Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, content

    def page(self, path: str, *, status: int = 200) -> str:
        code, _headers, content = self.request("GET", path)
        text = content.decode("utf-8", errors="replace")
        assert code == status, f"GET {path}: {code}\n{text[:2000]}\n{self.log_tail()}"
        return text

    def log_in(self, user):
        page = self.page("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        code, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert code == 302, f"login answered {code}:\n{self.log_tail()}"
        assert "sessionid" in self.cookies


@pytest.fixture(scope="module")
def production_server(static_root, django_db_setup, tmp_path_factory):
    """gunicorn under production settings on the test database."""
    from django.db import connection

    env = _production_env(
        static_root=static_root, database_url=_database_url_of(connection.settings_dict)
    )
    with _gunicorn(env, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log") as server:
        yield server


def _assert_renders_with_its_css(server: Server, html: str, manifest, *stylesheets: str):
    """The page is Chinese, names its stylesheets by their hashed names, and every static file
    it links answers 200."""
    assert MISSING_MANIFEST not in html
    assert CJK.search(html), html[:2000]
    for name in stylesheets:
        assert f'href="/static/{manifest[name]}"' in html, f"{name} is not linked hashed"
    references = set(STATIC_REFERENCE.findall(html))
    assert references, "the page links no static file"
    for url in references:
        code, headers, _ = server.request("GET", url)
        assert code == 200, f"{url}: {code}"
        if url.endswith(".css"):
            assert headers["Content-Type"].startswith("text/css"), url


@pytest.fixture
def drafter_with_a_production_password(drafter):
    """The drafter, whose password the production hashers can check (the suite hashes with MD5
    for speed, which production does not accept)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    drafter.password = hasher.encode(PASSWORD, hasher.salt())
    drafter.save(update_fields=["password"])
    return drafter


def test_login_page_renders_with_its_css_under_production(production_server, manifest):
    html = production_server.page("/accounts/login/")

    _assert_renders_with_its_css(production_server, html, manifest, "workflows/fazhi.css")


@pytest.mark.usefixtures("transactional_db")
def test_the_inbox_and_a_task_page_render_with_their_css_when_a_drafter_logs_in(
    production_server, manifest, drafter_with_a_production_password, justice_bureau
):
    """One test for both pages: the server's processes cache content-type ids, which a
    transactional test's flush renumbers."""
    from django.urls import get_resolver

    from decisions import services
    from decisions.flows import DecisionFlow

    drafter = drafter_with_a_production_password
    decision = services.decision_initiate(
        by=drafter,
        lead_unit=justice_bureau,
        title="关于调整城区供热价格的决定",
        problem="供热成本上涨，现行价格难以为继。",
        legal_basis=["《中华人民共和国价格法》第十八条"],
        out_of_catalogue_reason="年度目录公布后新发生的事项",
    )
    DecisionFlow.start.run(decision=decision)
    decision.refresh_from_db()
    task = decision.process.task_set.get(flow_task=DecisionFlow.draft)
    production_server.log_in(drafter)

    html = production_server.page("/workbench/inbox/")
    _assert_renders_with_its_css(production_server, html, manifest, "workflows/fazhi.css")

    get_resolver().url_patterns  # noqa: B018 - builds the site, which names the flow's nodes
    html = production_server.page(
        task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    )
    assert "关于调整城区供热价格的决定" in html
    _assert_renders_with_its_css(production_server, html, manifest, "workflows/fazhi.css")


def test_portal_renders_with_its_css_under_production(production_server, manifest):
    html = production_server.page("/public/")

    _assert_renders_with_its_css(production_server, html, manifest, "public/portal.css")


def test_500_page_renders_with_its_css_when_the_database_is_gone(
    static_root, manifest, django_db_setup, tmp_path
):
    """A database that does not exist: every request that needs it fails, and gunicorn answers
    with templates/500.html, which needs neither the database nor anything unbuilt."""
    from django.db import connection

    database_url = _database_url_of(connection.settings_dict) + "_does_not_exist"
    env = _production_env(static_root=static_root, database_url=database_url)
    with _gunicorn(env, tmp_path / "gunicorn.log") as server:
        server.cookies["sessionid"] = "a-session-the-database-would-have-to-look-up"

        html = server.page("/workbench/inbox/", status=500)

        assert "服务器错误" in html
        _assert_renders_with_its_css(server, html, manifest, "workflows/fazhi.css")

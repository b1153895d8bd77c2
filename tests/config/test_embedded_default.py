"""`make run`'s embedded default — SQLite, no broker server — must serve every demo account.

The rest of the suite runs on PostgreSQL; this test catches SQL that only PostgreSQL accepts
(array parameters, unnest, psycopg-only cursor attributes) before a newcomer does.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PAGES = """
from django.contrib.auth import get_user_model
from django.test import Client
from workflows.demo import ACCOUNTS

from decisions.models import Decision
from normdocs.models import NormativeDocument
from workflows.consultations.models import Consultation

staff_pages = ["/workbench/inbox/", "/notifications/", "/decisions/", "/normdocs/", "/archive/"]
staff_pages += [f"/decisions/register/{pk}/" for pk in Decision.objects.values_list("pk", flat=True)]
failures = []
for account in ACCOUNTS:
    client = Client()
    client.force_login(get_user_model().objects.get(username=account.username))
    for url in staff_pages:
        response = client.get(url, follow=True)
        if response.status_code not in (200, 404):
            failures.append((account.username, url, response.status_code))
public = Client()
public_pages = ["/public/", "/public/consultations/", "/public/decisions/", "/public/documents/",
                "/public/documents/cleanups/", "/public/decisions/catalogue/", "/accounts/login/"]
public_pages += [f"/public/consultations/{pk}/" for pk in Consultation.objects.values_list("pk", flat=True)]
public_pages += [f"/public/documents/{pk}/" for pk in NormativeDocument.objects.filter(
    status="in_force").values_list("pk", flat=True)[:5]]
for url in public_pages:
    response = public.get(url, follow=True)
    if response.status_code != 200:
        failures.append(("public", url, response.status_code))
print("FAILURES", failures)
assert not failures, failures
"""


def _manage(args, env, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        **kwargs,
    )


def test_every_demo_account_can_use_the_staff_site_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        FAZHI_VAR_DIR=str(tmp_path),
        ALLOWED_HOSTS="testserver",
    )
    for step in (["migrate", "--noinput", "-v0"], ["demo", "--quiet-accounts"]):
        result = _manage(step, env)
        assert result.returncode == 0, result.stderr[-3000:]
    result = _manage(["shell", "-c", PAGES], env)
    assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-3000:])
    assert "FAILURES []" in result.stdout

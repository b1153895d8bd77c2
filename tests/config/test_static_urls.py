"""The production static files storage remembers each name's URL (config/storage.py, issue 22):
the same URL Django's manifest storage gives, computed once per process with DEBUG off; never
remembered with DEBUG on, for a name missing from the manifest, nor across a new
collectstatic; a changed STATIC_URL counts as it does for Django's."""

import pytest
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage

from config.storage import FazhiStaticFilesStorage


@pytest.fixture
def storages(tmp_path, settings):
    """(ours, Django's) over the same manifest naming one file."""
    settings.DEBUG = False
    settings.STATIC_ROOT = str(tmp_path)
    settings.STATIC_URL = "/static/"
    ours, plain = FazhiStaticFilesStorage(), CompressedManifestStaticFilesStorage()
    for storage in (ours, plain):
        storage.hashed_files = {"workflows/forms.css": "workflows/forms.0123456789ab.css"}
    return ours, plain


@pytest.mark.parametrize(
    "name", ["workflows/forms.css", "workflows/forms.css#top", "workflows/forms.css?#iefix", "img/"]
)
def test_the_url_is_djangos(storages, name):
    ours, plain = storages
    assert ours.url(name) == plain.url(name)
    assert ours.url(name) == plain.url(name)  # remembered, still the same
    assert ours.url(name, force=True) == plain.url(name, force=True)


def test_the_url_is_computed_once(storages, monkeypatch):
    ours, _ = storages
    assert ours.url("workflows/forms.css") == "/static/workflows/forms.0123456789ab.css"
    monkeypatch.setattr(ours, "stored_name", lambda name: pytest.fail("computed again"))
    assert ours.url("workflows/forms.css") == "/static/workflows/forms.0123456789ab.css"


def test_with_debug_the_unhashed_url_is_given_and_nothing_remembered(storages, settings):
    ours, _ = storages
    settings.DEBUG = True
    assert ours.url("workflows/forms.css") == "/static/workflows/forms.css"
    settings.DEBUG = False
    assert ours.url("workflows/forms.css") == "/static/workflows/forms.0123456789ab.css"


def test_a_name_missing_from_the_manifest_fails_every_time(storages):
    ours, _ = storages
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            ours.url("workflows/missing.css")


def test_a_changed_static_url_counts_as_it_does_for_djangos(storages, settings):
    ours, plain = storages
    ours.url("workflows/forms.css")
    plain.url("workflows/forms.css")
    settings.STATIC_URL = "/assets/"
    assert ours.url("workflows/forms.css") == plain.url("workflows/forms.css")


def test_collectstatic_forgets_the_urls(storages, settings, tmp_path, monkeypatch):
    ours, _ = storages
    settings.STATICFILES_DIRS = []
    monkeypatch.setattr("config.storage._own_templates", lambda: [])
    assert ours.url("workflows/forms.css") == "/static/workflows/forms.0123456789ab.css"
    ours.save("workflows/forms.css", ContentFile(b"a { color: red; }\n"))
    list(ours.post_process({"workflows/forms.css": (ours, "workflows/forms.css")}))
    hashed = ours.hashed_files["workflows/forms.css"]
    assert hashed != "workflows/forms.0123456789ab.css"
    assert ours.url("workflows/forms.css") == "/static/" + hashed

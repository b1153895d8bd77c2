"""The production static files storage (config/storage.py) tolerates a third-party package's
CSS naming a file the package does not ship, and only that: the same fault in our own static
files, or a ``{% static %}`` in our own templates naming a file that was not collected, fails
the build."""

import logging

import pytest
from django.core.files.storage import FileSystemStorage

from config import storage as static_storage
from config.storage import FazhiStaticFilesStorage

CSS_NAMING_A_MISSING_FONT = '@font-face { src: url("fonts/Missing.woff2"); }\n'


@pytest.fixture
def build(tmp_path, settings):
    """build({"vendor": {name: text}, "own": {name: text}}) -> what post_process yields, as
    collectstatic sees it: the files are copied to STATIC_ROOT first, each remembered with the
    source it came from. "own" is one of our STATICFILES_DIRS; "vendor" is not."""
    settings.STATIC_ROOT = str(tmp_path / "root")
    settings.STATICFILES_DIRS = [str(tmp_path / "own")]

    def run(sources):
        target = FazhiStaticFilesStorage()
        paths = {}
        for origin, files in sources.items():
            source = FileSystemStorage(location=tmp_path / origin)
            for name, text in files.items():
                (tmp_path / origin / name).parent.mkdir(parents=True, exist_ok=True)
                (tmp_path / origin / name).write_text(text)
                with source.open(name) as content:
                    target.save(name, content)
                paths[name] = (source, name)
        return target, list(target.post_process(paths))

    return run


@pytest.fixture
def own_templates(tmp_path, monkeypatch):
    """Our templates, replaced by the ones a test writes (the real ones name real files)."""
    templates = []
    monkeypatch.setattr(static_storage, "_own_templates", lambda: templates)

    def write(name, text):
        path = tmp_path / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        templates.append(path)

    return write


def _errors(results):
    return [processed for _name, _hashed, processed in results if isinstance(processed, Exception)]


def test_build_logs_and_keeps_a_reference_when_a_third_party_file_names_a_missing_file(
    build, own_templates, caplog
):
    with caplog.at_level(logging.WARNING, logger="config.storage"):
        target, results = build({"vendor": {"vendor/fonts.css": CSS_NAMING_A_MISSING_FONT}})

    assert _errors(results) == []
    hashed = target.hashed_files["vendor/fonts.css"]
    assert hashed != "vendor/fonts.css"
    assert 'url("fonts/Missing.woff2")' in target.open(hashed).read().decode()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "vendor/fonts.css" in warnings[0]
    assert "vendor/fonts/Missing.woff2" in warnings[0]


def test_build_still_hashes_the_references_a_third_party_file_gets_right(build, own_templates):
    target, results = build(
        {
            "vendor": {
                "vendor/site.css": 'a { background: url("img/dot.png"); }\n'
                + CSS_NAMING_A_MISSING_FONT,
                "vendor/img/dot.png": "png",
            }
        }
    )

    assert _errors(results) == []
    css = target.open(target.hashed_files["vendor/site.css"]).read().decode()
    dot = target.hashed_files["vendor/img/dot.png"].rsplit("/", 1)[-1]
    assert f'url("img/{dot}")' in css


def test_build_fails_when_our_own_css_names_a_missing_file(build, own_templates):
    _target, results = build({"own": {"workflows/broken.css": CSS_NAMING_A_MISSING_FONT}})

    errors = _errors(results)
    assert errors, "a missing file named by our own CSS must fail collectstatic"
    assert "workflows/fonts/Missing.woff2" in str(errors[0])


def test_build_fails_when_our_template_uses_a_static_file_that_was_not_collected(
    build, own_templates
):
    own_templates("page.html", "{% load static %}<link href=\"{% static 'workflows/gone.css' %}\">")

    _target, results = build({"own": {"workflows/present.css": "a { color: red; }\n"}})

    errors = _errors(results)
    assert len(errors) == 1
    assert "workflows/gone.css" in str(errors[0])
    assert "page.html" in str(errors[0])


def test_build_succeeds_when_our_templates_use_only_collected_files(build, own_templates):
    own_templates("page.html", "{% load static %}<link href=\"{% static 'workflows/ok.css' %}\">")

    target, results = build({"own": {"workflows/ok.css": "a { color: red; }\n"}})

    assert _errors(results) == []
    assert target.url("workflows/ok.css") == "/static/" + target.hashed_files["workflows/ok.css"]


def test_our_templates_are_the_project_and_its_apps_templates():
    templates = {str(path) for path in static_storage._own_templates()}

    assert any(path.endswith("templates/500.html") for path in templates)
    assert any(path.endswith("templates/registration/login.html") for path in templates)
    assert any(path.endswith("public/base.html") for path in templates)
    assert not any("site-packages" in path for path in templates)

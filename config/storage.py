"""Production static files: hashed names in a manifest, compressed copies, served by WhiteNoise.

Django's manifest storage rewrites every ``url(...)`` in CSS (and every source-map comment) to
the hashed name of the file it names, and refuses to build when that file is missing. Some
third-party packages ship CSS naming files they do not ship (viewflow's Roboto font CSS names
weights it leaves out), which would make production unbuildable. Such a reference in a
third-party file is left as written and logged; the same fault in our own static files, or a
``{% static %}`` in our own templates naming a file that was not collected, still fails
``collectstatic`` — and with it the image build.

Each ``{% static %}`` asks the storage for the file's URL: the manifest lookup itself is a dict,
but around it Django splits, unquotes and joins the name and the URL each time (9 of the 13 µs
a ``static()`` took, a dozen times a staff page). With DEBUG off, the URL of a name cannot
change while the process runs (the manifest is read once, when the storage is made), so
``url`` remembers it (issue 22).
"""

import logging
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage, MissingFileError

logger = logging.getLogger(__name__)

# The project's own top-level packages (pyproject.toml's packages.find): their static files and
# templates must be whole. Every other app is third-party.
OWN_PACKAGES = ("config", "workflows", "decisions", "normdocs")

# HashedFilesMixin.hashed_name's wording for a referenced file that does not exist.
_NOT_FOUND = re.compile(r"^The file '(?P<missing>.+)' could not be found")
# A literal {% static '…' %} in a template; computed names cannot be checked before a request.
_STATIC_TAG = re.compile(r"""\{%\s*static\s+(?P<quote>['"])(?P<name>[^'"]+)(?P=quote)""")


# How many URLs ``url`` remembers: the names come from our templates (a few hundred at most); a
# name past this is computed each time rather than let the memo grow without bound.
URLS_REMEMBERED = 2048


class FazhiStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, tolerant only of third-party packages' faults,
    remembering each name's URL for the process."""

    _third_party_names: frozenset[str] = frozenset()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name, force=False):
        """Django's URL of ``name`` (hashed unless DEBUG), remembered with DEBUG off. A name
        missing from the manifest raises each time, as Django's does, and is not remembered."""
        if settings.DEBUG and not force:
            return super().url(name, force)
        key = (name, force)
        try:
            return self._urls[key]
        except KeyError:
            pass
        url = super().url(name, force)
        if len(self._urls) < URLS_REMEMBERED:
            self._urls[key] = url
        return url

    def _clear_cached_properties(self, setting, **kwargs):
        # Django's hook for a changed setting (tests' override_settings): forget, whichever.
        super()._clear_cached_properties(setting, **kwargs)
        self._urls.clear()

    def post_process(self, paths, dry_run=False, **options):
        # Checked before hashing and compressing: a broken template fails the build at once.
        yield from self._missing_in_own_templates(collected=paths)
        # ``paths`` maps each collected name to the finder's storage it came from: the only
        # place that still knows whose file it is.
        own_roots = _own_static_roots()
        self._third_party_names = frozenset(
            name for name, (storage, _path) in paths.items() if not _is_own(storage, own_roots)
        )
        self._logged_missing: set[tuple[str, str]] = set()
        self._urls.clear()  # collectstatic hashes the files afresh
        try:
            yield from super().post_process(paths, dry_run=dry_run, **options)
        finally:
            self._third_party_names = frozenset()
            self._urls.clear()

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)
        if name not in self._third_party_names:
            return convert

        def convert_or_keep(matchobj):
            try:
                return convert(matchobj)
            except ValueError as exc:
                missing = _NOT_FOUND.match(str(exc))
                if missing is None:
                    raise
                # Django makes several passes over each CSS file: say it once.
                if (name, missing["missing"]) not in self._logged_missing:
                    self._logged_missing.add((name, missing["missing"]))
                    logger.warning(
                        "Third-party static file %s references %s, which its package does not "
                        "ship; the reference is left unhashed.",
                        name,
                        missing["missing"],
                    )
                return matchobj["matched"]

        return convert_or_keep

    def _missing_in_own_templates(self, *, collected):
        """Yield a MissingFileError for each ``{% static %}`` in our templates not collected."""
        for template in _own_templates():
            for match in _STATIC_TAG.finditer(template.read_text(encoding="utf-8")):
                if match["name"] not in collected:
                    yield (
                        str(template),
                        None,
                        MissingFileError(
                            f"The template {template} uses {{% static '{match['name']}' %}}, "
                            "but no static file of that name was collected."
                        ),
                    )


def _own_app_dirs() -> list[Path]:
    return [
        Path(app.path) for app in apps.get_app_configs() if app.name.split(".")[0] in OWN_PACKAGES
    ]


def _own_static_roots() -> list[Path]:
    roots = [(path / "static").resolve() for path in _own_app_dirs()]
    roots += [
        Path(entry[1] if isinstance(entry, list | tuple) else entry).resolve()
        for entry in settings.STATICFILES_DIRS
    ]
    return roots


def _is_own(storage, own_roots: list[Path]) -> bool:
    """Whether a finder's storage is one of our apps' static folders or a STATICFILES_DIRS."""
    location = getattr(storage, "location", None)
    if not location:
        return False
    location = Path(location).resolve()
    return any(location == root or root in location.parents for root in own_roots)


def _own_templates() -> list[Path]:
    dirs = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    dirs += [path / "templates" for path in _own_app_dirs()]
    return sorted({f for d in dirs if d.is_dir() for f in d.rglob("*.html")})

"""Structure and fixity of a package (DA/T 70-2018): a valid BagIt folder whose payload and tag
files match both manifests (SHA-256 and SM3) — authenticity; every listed file there and none
unlisted — integrity; no listed path leaving the package — security."""

from pathlib import Path

import bagit

from .. import bag as bagfile
from ..findings import (
    ALGORITHM_NAMES,
    ALGORITHMS,
    AUTHENTICITY,
    BAG_INVALID,
    CHANGED_FILE,
    INTEGRITY,
    MISSING_FILE,
    SECURITY,
    UNLISTED_FILE,
    UNSAFE_PATH,
    Finding,
)


def check_structure(directory: Path, add) -> None:
    """A valid BagIt folder with its payload directory."""
    try:
        bagit.Bag(str(directory))
    except bagit.BagError as error:
        add(Finding(INTEGRITY, BAG_INVALID, directory.name, f"not a valid BagIt package: {error}"))
    if not (directory / "data").is_dir():
        add(Finding(INTEGRITY, MISSING_FILE, "data/", "the payload directory is missing"))


def check_manifests(directory: Path, add) -> dict[str, dict[str, str]]:
    """Payload and tag files against both manifests; returns the digests of the payload."""
    payload = set(bagfile.payload_files(directory)) if (directory / "data").is_dir() else set()
    actual: dict[str, dict[str, str]] = {}
    for kind, files in (("", payload), ("tag", None)):
        changed: dict[str, list[str]] = {}
        listed: set[str] = set()
        for algorithm in ALGORITHMS:
            name = f"{kind}manifest-{algorithm}.txt"
            manifest = directory / name
            if not manifest.is_file():
                add(Finding(INTEGRITY, MISSING_FILE, name, "the manifest is missing"))
                continue
            for relative, expected in bagfile.manifest_read(manifest).items():
                listed.add(relative)
                if not bagfile.is_inside(directory, relative):
                    add(Finding(SECURITY, UNSAFE_PATH, relative, "the path leaves the package"))
                    continue
                path = directory / relative
                if not path.is_file():
                    continue  # reported once below
                digest = bagfile.file_digest(path, algorithm)
                actual.setdefault(relative, {})[algorithm] = digest
                if digest != expected:
                    changed.setdefault(relative, []).append(ALGORITHM_NAMES[algorithm])
        for relative in sorted(listed):
            if bagfile.is_inside(directory, relative) and not (directory / relative).is_file():
                add(Finding(INTEGRITY, MISSING_FILE, relative, "listed in the manifest, missing"))
        for relative, algorithms in sorted(changed.items()):
            add(
                Finding(
                    AUTHENTICITY,
                    CHANGED_FILE,
                    relative,
                    f"changed: its {' and '.join(algorithms)} differ from the manifest",
                )
            )
        if files is not None:
            for relative in sorted(files - listed):
                add(Finding(INTEGRITY, UNLISTED_FILE, relative, "not listed in the manifests"))
    return {path: digests for path, digests in actual.items() if path.startswith("data/")}

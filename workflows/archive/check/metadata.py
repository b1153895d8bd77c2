"""The package's metadata (DA/T 46) against the package (DA/T 70-2018): readable, its required
elements filled and its retention period known; every file it describes there and matching
(size, SHA-256, SM3, format), and every content file described."""

from pathlib import Path

from .. import bag as bagfile
from .. import conf, formats
from ..findings import (
    ALGORITHM_NAMES,
    ALGORITHMS,
    AUTHENTICITY,
    CONTENT_DIR,
    INTEGRITY,
    METADATA_FILE,
    METADATA_INVALID,
    METADATA_MISMATCH,
    MISSING_FILE,
    SECURITY,
    UNSAFE_PATH,
    Finding,
)
from ..metadata import REQUIRED, MetadataError, metadata_parse


def check_metadata(directory: Path, actual: dict, add) -> dict | None:
    """Check the metadata against the package; return it, or None when it cannot be read.
    ``actual``: the payload's digests the manifests check computed."""
    meta = _metadata_read(directory, add)
    if meta is None:
        return None
    described = _check_described_files(directory, meta, actual, add)
    _check_undescribed_content(directory, actual, described, add)
    _check_format_element(meta, add)
    return meta


def _metadata_read(directory: Path, add) -> dict | None:
    """The parsed metadata, its required elements and retention period checked."""
    path = directory / METADATA_FILE
    if not path.is_file():
        add(Finding(INTEGRITY, MISSING_FILE, METADATA_FILE, "the metadata is missing"))
        return None
    try:
        meta = metadata_parse(path.read_bytes())
    except MetadataError as error:
        add(Finding(AUTHENTICITY, METADATA_INVALID, METADATA_FILE, str(error)))
        return None
    empty = [name for name in REQUIRED if not meta[name]]
    if empty:
        add(
            Finding(
                AUTHENTICITY,
                METADATA_INVALID,
                METADATA_FILE,
                f"required DA/T 46 elements are empty: {', '.join(empty)}",
            )
        )
    if meta["retention_code"] not in conf.RETENTION_CLASSES:
        add(Finding(AUTHENTICITY, METADATA_INVALID, METADATA_FILE, "unknown retention period"))
    return meta


def _check_described_files(directory: Path, meta: dict, actual: dict, add) -> set[str]:
    """Each file the metadata describes is there and matches it; returns their paths."""
    described = set()
    for entry in meta["files"]:
        relative = f"data/{entry['path']}"
        described.add(relative)
        file_path = directory / relative
        if not bagfile.is_inside(directory, relative):
            add(Finding(SECURITY, UNSAFE_PATH, relative, "the metadata path leaves the package"))
            continue
        if not file_path.is_file():
            add(Finding(INTEGRITY, MISSING_FILE, relative, "described in the metadata, missing"))
            continue
        data = file_path.read_bytes()
        differences = []
        if entry["size"] != str(len(data)):
            differences.append(f"size {len(data)} ≠ {entry['size']}")
        digests = actual.get(relative) or {}
        for algorithm in ALGORITHMS:
            digest = digests.get(algorithm) or bagfile.HASHERS[algorithm](data)
            if digest != entry[algorithm]:
                differences.append(f"{ALGORITHM_NAMES[algorithm]} differs")
        fmt = formats.sniff(data)
        if entry["format"] != fmt:
            differences.append(f"format {fmt.upper()} ≠ {entry['format'].upper()}")
        if differences:
            add(
                Finding(
                    AUTHENTICITY,
                    METADATA_MISMATCH,
                    relative,
                    "the content does not match the metadata: " + "; ".join(differences),
                )
            )
    return described


def _check_undescribed_content(directory: Path, actual: dict, described: set[str], add) -> None:
    """Every content file, listed in the manifests or on disk, is described in the metadata."""
    content = {p for p in actual if p.startswith(CONTENT_DIR)}
    content |= (
        {
            p.relative_to(directory).as_posix()
            for p in (directory / CONTENT_DIR).rglob("*")
            if p.is_file()
        }
        if (directory / CONTENT_DIR).is_dir()
        else set()
    )
    for relative in sorted(content - described):
        add(
            Finding(
                AUTHENTICITY, METADATA_MISMATCH, relative, "content not described in the metadata"
            )
        )


def _check_format_element(meta: dict, add) -> None:
    """The format element sums up the formats of the files described."""
    summary = ", ".join(sorted({e["format"].upper() for e in meta["files"]}))
    if meta["format"] != summary:
        add(
            Finding(
                AUTHENTICITY,
                METADATA_MISMATCH,
                METADATA_FILE,
                f"the format element says {meta['format']!r}, the files are {summary!r}",
            )
        )

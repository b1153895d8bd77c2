"""BagIt packages (RFC 8493) with SHA-256 manifests from the ``bagit`` library and SM3 manifests
of our own (GB/T 32905; Chinese archival practice under DA/T 70 hashes with SM3 beside SHA-256).

``bagit`` knows only the algorithms of ``hashlib.algorithms_guaranteed``; it ignores
``manifest-sm3.txt``, which it nevertheless lists, as a tag file, in ``tagmanifest-sha256.txt``.
We then write ``tagmanifest-sm3.txt`` over the same tag files, so every file of the package is
fixed by both algorithms.
"""

import os
import re
from collections.abc import Callable
from pathlib import Path

import bagit

from workflows.record.canonical import sha256_hex, sm3_hex

SM3 = "sm3"
BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
_TAGMANIFEST = re.compile(r"^tagmanifest-.+\.txt$")

Hasher = Callable[[bytes], str]
HASHERS: dict[str, Hasher] = {"sha256": sha256_hex, SM3: sm3_hex}


def file_digest(path: Path, algorithm: str) -> str:
    # Packages hold documents, not media: reading a file whole is fine and keeps SM3 simple
    # (gmssl's fallback has no incremental API).
    return HASHERS[algorithm](path.read_bytes())


def bag_make(directory: Path, *, bag_info: dict[str, str]) -> None:
    """Turn ``directory`` (its files become ``data/``) into a BagIt 1.0 bag with SHA-256 and SM3
    manifests and tag manifests."""
    bag = bagit.make_bag(str(directory), bag_info=dict(bag_info), checksums=["sha256"])
    # The library writes version 0.97; RFC 8493 is 1.0 and changes nothing we rely on.
    (directory / "bagit.txt").write_text(BAGIT_TXT, encoding="utf-8")
    manifest_write(directory, SM3, payload_files(directory))
    bag_tags_refresh(directory, bag=bag)


def bag_tags_refresh(directory: Path, *, bag: "bagit.Bag | None" = None) -> None:
    """Rewrite both tag manifests over the current tag files (after adding a tag file)."""
    bag = bag or bagit.Bag(str(directory))
    bag.save()  # bag-info.txt (Payload-Oxum)
    # bagit lists tag files in directory order; ours are sorted, so two packages with the same
    # files have the same tag manifests.
    for algorithm in HASHERS:
        manifest_write(directory, algorithm, tag_files(directory), tag=True)


def payload_files(directory: Path) -> list[str]:
    """Every file under data/, as a POSIX path relative to the bag."""
    data = directory / "data"
    return sorted(p.relative_to(directory).as_posix() for p in data.rglob("*") if p.is_file())


def tag_files(directory: Path) -> list[str]:
    """Every file outside data/ except the tag manifests themselves (RFC 8493 §2.2.1)."""
    result = []
    for path in directory.rglob("*"):
        relative = path.relative_to(directory)
        if not path.is_file() or relative.parts[0] == "data":
            continue
        if _TAGMANIFEST.match(relative.as_posix()):
            continue
        result.append(relative.as_posix())
    return sorted(result)


def manifest_write(directory: Path, algorithm: str, files: list[str], *, tag: bool = False):
    name = f"{'tag' if tag else ''}manifest-{algorithm}.txt"
    lines = [f"{file_digest(directory / f, algorithm)}  {f}\n" for f in files]
    (directory / name).write_text("".join(lines), encoding="utf-8")


def manifest_read(path: Path) -> dict[str, str]:
    """A manifest as {relative path: digest}; lines that are not "DIGEST PATH" are skipped."""
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            entries[parts[1].lstrip("*")] = parts[0].lower()
    return entries


def is_inside(directory: Path, relative: str) -> bool:
    """False for a manifest path that would leave the bag (absolute, ``..``, a symlink out)."""
    if os.path.isabs(relative) or ".." in Path(relative).parts:
        return False
    root = directory.resolve()
    try:
        (directory / relative).resolve().relative_to(root)
    except ValueError:
        return False
    return True

"""Usability and security of a package's files (DA/T 70-2018): every payload file in an
allowed format (judged by content) that opens; no file executable or carrying macros or
scripts, and no symbolic link."""

from pathlib import Path

from .. import conf, formats
from ..findings import (
    EXECUTABLE_CONTENT,
    FILE_DOES_NOT_OPEN,
    FORMAT_NOT_ALLOWED,
    SECURITY,
    UNSAFE_PATH,
    USABILITY,
    Finding,
)


def check_formats_and_safety(directory: Path, add) -> None:
    """Every file free of executable content; every payload file allowed and opening."""
    allowed = conf.allowed_formats()
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if path.is_symlink():
            add(Finding(SECURITY, UNSAFE_PATH, relative, "a symbolic link"))
            continue
        if not path.is_file():
            continue
        data = path.read_bytes()
        fmt = formats.sniff(data)
        danger = formats.executable_content(data, fmt)
        if danger:
            add(Finding(SECURITY, EXECUTABLE_CONTENT, relative, f"executable content: {danger}"))
        if not relative.startswith("data/"):
            continue  # tag files are plain text BagIt files, checked by the tag manifests
        if fmt not in allowed:
            add(
                Finding(
                    USABILITY,
                    FORMAT_NOT_ALLOWED,
                    relative,
                    f"format {fmt.upper()} is not on the allowed list "
                    f"({', '.join(f.upper() for f in allowed)})",
                )
            )
            continue
        problem = formats.opens(data, fmt)
        if problem:
            add(Finding(USABILITY, FILE_DOES_NOT_OPEN, relative, problem))

"""What a file is, judged by its content alone, whether it opens, and whether it can run.

DA/T 70-2018 asks at archiving that every file be in an allowed format and open (usability),
and that no file carry executable content (security). A name says nothing: a ``.txt`` that
starts with ``MZ`` is a Windows program.
"""

import io
import json
import re
import zipfile
from xml.etree import ElementTree

PDF, OFD, DOCX, XML, JSON, TXT, PNG, JPEG = (
    "pdf",
    "ofd",
    "docx",
    "xml",
    "json",
    "txt",
    "png",
    "jpeg",
)
ZIP, ELF, PE, MACHO, GIF = "zip", "elf", "pe", "mach-o", "gif"

_MACHO_MAGICS = (
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # universal binary (also Java class files: refused either way)
)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PDF names that make a viewer run code or launch something: /JS and /JavaScript actions,
# /Launch actions. Names may hide characters as #xx hex escapes (/J#61vaScript).
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch)(?![A-Za-z0-9])")
_PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Refused in any XML we parse: entity tricks (billion laughs, external entities).
_XML_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def sniff(data: bytes) -> str:
    """The format of ``data`` from its first bytes (and, for zips, their members)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x7fELF"):
        return ELF
    if data.startswith(b"MZ"):
        return PE
    if data[:4] in _MACHO_MAGICS:
        return MACHO
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        if names is None:
            return ZIP
        if "word/document.xml" in names:
            return DOCX
        if "OFD.xml" in names:
            return OFD
        return ZIP
    text = _as_text(data)
    if text is None:
        return "binary"
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<?xml") or (stripped.startswith("<") and not stripped.startswith("<!")):
        return XML
    if stripped[:1] in ("{", "["):
        try:
            json.loads(text)
            return JSON
        except ValueError:
            pass
    return TXT


def opens(data: bytes, fmt: str) -> str | None:
    """None when a file of format ``fmt`` opens; otherwise why it does not (usability)."""
    if fmt == PDF:
        return None if b"%%EOF" in data[-2048:] else "the PDF has no end-of-file marker"
    if fmt == PNG:
        return None if b"IEND" in data[-16:] else "the PNG is truncated"
    if fmt == JPEG:
        return None if data.rstrip(b"\x00").endswith(b"\xff\xd9") else "the JPEG is truncated"
    if fmt in (DOCX, OFD):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                bad = archive.testzip()
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            return f"the archive does not open: {error}"
        return f"the archive member {bad} is damaged" if bad else None
    if fmt == XML:
        return xml_problem(data)
    if fmt == JSON:
        try:
            json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            return f"the JSON does not parse: {error}"
        return None
    if fmt == TXT:
        return None if _as_text(data) is not None else "the text is not valid UTF-8"
    return f"no reader for the format {fmt}"


def executable_content(data: bytes, fmt: str) -> str | None:
    """What makes ``data`` executable, or None: programs (ELF, PE, Mach-O), scripts with a
    shebang, Office macros (vbaProject.bin) in any zip, JavaScript or launch actions in a PDF."""
    if fmt == ELF:
        return "an ELF executable"
    if fmt == PE:
        return "a Windows (PE) executable"
    if fmt == MACHO:
        return "a Mach-O executable"
    if data.startswith(b"#!"):
        return "a script with a shebang line"
    if data.startswith(b"PK\x03\x04"):
        names = _zip_names(data) or set()
        macros = sorted(n for n in names if n.lower().endswith("vbaproject.bin"))
        if macros:
            return f"macros ({macros[0]})"
    if fmt == PDF:
        unescaped = _PDF_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)
        match = _PDF_ACTIVE.search(unescaped)
        if match:
            return f"a PDF {match.group(1).decode()} action"
    return None


def xml_problem(data: bytes) -> str | None:
    """None when ``data`` is well-formed XML without a DTD."""
    if _XML_DTD.search(data[:4096]):
        return "the XML declares a DTD or entities"
    try:
        ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        return f"the XML is not well-formed: {error}"
    return None


def _zip_names(data: bytes) -> set[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _as_text(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # Control characters other than tab, newline and carriage return mean binary.
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text[:4096]):
        return None
    return text

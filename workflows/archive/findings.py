"""What the four-property check (四性检测, DA/T 70-2018, ``workflows.archive.check``) finds and
reports: the properties, the stable codes of each failure, the package's well-known files and
the report, as JSON and as text."""

import json
from dataclasses import asdict, dataclass, field

from . import bag as bagfile

AUTHENTICITY, INTEGRITY, USABILITY, SECURITY = "authenticity", "integrity", "usability", "security"
PROPERTIES = (AUTHENTICITY, INTEGRITY, USABILITY, SECURITY)
PROPERTY_NAMES = {
    AUTHENTICITY: "真实性 Authenticity",
    INTEGRITY: "完整性 Integrity",
    USABILITY: "可用性 Usability",
    SECURITY: "安全性 Security",
}

# Stable codes: tests, scripts and archivists rely on them.
CHANGED_FILE = "changed_file"
MISSING_FILE = "missing_file"
UNLISTED_FILE = "unlisted_file"
BAG_INVALID = "bag_invalid"
METADATA_INVALID = "metadata_invalid"
METADATA_MISMATCH = "metadata_mismatch"
RECORD_CHAIN_BROKEN = "record_chain_broken"
RECORD_INCOMPLETE = "record_incomplete"
CHECKPOINT_INVALID = "checkpoint_invalid"
FORMAT_NOT_ALLOWED = "format_not_allowed"
FILE_DOES_NOT_OPEN = "file_does_not_open"
EXECUTABLE_CONTENT = "executable_content"
UNSAFE_PATH = "unsafe_path"

METADATA_FILE = "data/metadata.xml"
RECORD_FILE = "data/record.jsonl"
CHECKPOINTS_FILE = "data/record-checkpoints.json"
CONTENT_DIR = "data/content/"
REPORT_JSON = "check-report.json"
REPORT_TEXT = "check-report.txt"
ALGORITHMS = ("sha256", bagfile.SM3)
ALGORITHM_NAMES = {"sha256": "SHA-256", bagfile.SM3: "SM3"}


@dataclass(frozen=True)
class Finding:
    property: str
    code: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"[{self.property}/{self.code}] {self.path}: {self.message}"


@dataclass
class CheckReport:
    package: str
    checked_at: str
    files: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def failed(self, prop: str) -> list[Finding]:
        return [f for f in self.findings if f.property == prop]

    def as_dict(self) -> dict:
        return {
            "standard": "DA/T 70-2018",
            "package": self.package,
            "checked_at": self.checked_at,
            "files": self.files,
            "ok": self.ok,
            "properties": {
                prop: {
                    "ok": not self.failed(prop),
                    "failures": [asdict(f) for f in self.failed(prop)],
                }
                for prop in PROPERTIES
            },
        }

    def as_json(self) -> bytes:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2).encode() + b"\n"

    def as_text(self) -> str:
        lines = [
            "四性检测报告 Four-property check (DA/T 70-2018)",
            f"Package: {self.package}",
            # A package's own copy of its report carries no time (it is the same every export).
            *([f"Checked at: {self.checked_at}"] if self.checked_at else []),
            f"Files: {self.files}",
            f"Result: {'PASSED' if self.ok else f'FAILED ({len(self.findings)} problem(s))'}",
            "",
        ]
        for prop in PROPERTIES:
            failures = self.failed(prop)
            lines.append(f"{PROPERTY_NAMES[prop]}: {'passed' if not failures else 'FAILED'}")
            lines.extend(f"  - [{f.code}] {f.path}: {f.message}" for f in failures)
        return "\n".join(lines) + "\n"

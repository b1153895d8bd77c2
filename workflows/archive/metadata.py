"""The package's ``metadata.xml``: the DA/T 46 core elements, written from a neutral dataclass.

DA/T 46 (文书类电子文件元数据方案) names the core of a document record: 题名 (title), 文件编号
(document number), 责任者 (responsible party), 日期 (date), 保管期限 (retention period), 密级
(classification level), 格式信息 (format), and, for its business history, who did what when
(机构人员名称, 业务行为, 行为时间). Element names are English; each carries the standard's
Chinese name in ``label`` so that an archivist reads it without this program.

Besides describing the subject, the file pins the content: every file's size, format and
hashes, and the record's event count and end hashes. The check compares these with what the
package holds ("content matches metadata", DA/T 70-2018 authenticity).
"""

import datetime as dt
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from . import formats

NAMESPACE = "urn:fazhi:archive:dat46:1"
STANDARD = "DA/T 46-2009"
_NS = {"m": NAMESPACE}

LABELS = {
    "identifier": "标识符",
    "record_class": "门类",
    "title": "题名",
    "document_number": "文件编号",
    "responsible_party": "责任者",
    "date": "日期",
    "retention_period": "保管期限",
    "classification_level": "密级",
    "format": "格式信息",
    "files": "电子文件",
    "process": "业务实体",
    "actor": "机构人员名称",
    "action": "业务行为",
    "time": "行为时间",
    "description": "行为描述",
    "record_chain": "过程记录",
}
REQUIRED = (
    "title",
    "responsible_party",
    "date",
    "retention_period",
    "classification_level",
    "format",
)


@dataclass(frozen=True)
class ProcessStep:
    """One business step: who did what, when (DA/T 46 business and agent entities)."""

    seq: int
    actor: str
    action: str
    at: str  # ISO 8601, as in the record
    description: str = ""


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to data/, e.g. content/decision.txt
    title: str
    format: str
    size: int
    sha256: str
    sm3: str


@dataclass(frozen=True)
class RecordChain:
    events: int
    first_seq: int | None
    last_seq: int | None
    first_hash: str
    last_hash: str
    verified_at_export: bool


@dataclass
class ArchiveMetadata:
    """The DA/T 46 description of one subject, with no domain words of its own."""

    identifier: str  # "app_label.model:id"
    record_class: str  # "app_label.model"
    title: str
    document_number: str
    responsible_party: str
    date: dt.date
    retention_code: str
    retention_label: str  # 永久 / 30年 / 10年
    retention_source: str
    classification_level: str  # 公开 / 内部 / 秘密 …
    steps: list[ProcessStep] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    record_chain: RecordChain | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def format_summary(self) -> str:
        return ", ".join(sorted({f.format.upper() for f in self.files}))


def _el(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attrs)
    if tag in LABELS:
        element.set("label", LABELS[tag])
    if text is not None:
        element.text = text
    return element


def metadata_xml(meta: ArchiveMetadata) -> bytes:
    """``meta`` as UTF-8 XML."""
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}record", {"standard": STANDARD})
    _el(root, "identifier", meta.identifier)
    _el(root, "record_class", meta.record_class)
    _el(root, "title", meta.title)
    _el(root, "document_number", meta.document_number)
    _el(root, "responsible_party", meta.responsible_party)
    _el(root, "date", meta.date.isoformat())
    _el(
        root,
        "retention_period",
        meta.retention_label,
        code=meta.retention_code,
        legal_source=meta.retention_source,
    )
    _el(root, "classification_level", meta.classification_level)
    _el(root, "format", meta.format_summary)
    for key, value in sorted(meta.extra.items()):
        _el(root, "property", value, name=key)
    files = _el(root, "files")
    for f in meta.files:
        _el(
            files,
            "file",
            path=f.path,
            title=f.title,
            format=f.format,
            size=str(f.size),
            sha256=f.sha256,
            sm3=f.sm3,
        )
    process = _el(root, "process")
    for step in meta.steps:
        element = _el(process, "step", seq=str(step.seq))
        _el(element, "actor", step.actor)
        _el(element, "action", step.action)
        _el(element, "time", step.at)
        if step.description:
            _el(element, "description", step.description)
    if meta.record_chain is not None:
        chain = meta.record_chain
        _el(
            root,
            "record_chain",
            events=str(chain.events),
            first_seq="" if chain.first_seq is None else str(chain.first_seq),
            last_seq="" if chain.last_seq is None else str(chain.last_seq),
            first_hash=chain.first_hash,
            last_hash=chain.last_hash,
            verified_at_export="true" if chain.verified_at_export else "false",
        )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


class MetadataError(ValueError):
    """metadata.xml cannot be read as this package's metadata."""


def metadata_parse(data: bytes) -> dict:
    """The elements of a metadata.xml as plain data (for the check), or MetadataError."""
    problem = formats.xml_problem(data)
    if problem:
        raise MetadataError(problem)
    root = ET.fromstring(data)
    if root.tag != f"{{{NAMESPACE}}}record":
        raise MetadataError(f"the root element is {root.tag}, not record in {NAMESPACE}")

    def text(name: str) -> str:
        element = root.find(f"m:{name}", _NS)
        return (element.text or "").strip() if element is not None else ""

    result = {name: text(name) for name in ("identifier", "record_class", "document_number")}
    result.update({name: text(name) for name in REQUIRED})
    retention = root.find("m:retention_period", _NS)
    result["retention_code"] = retention.get("code", "") if retention is not None else ""
    result["files"] = [
        {
            "path": f.get("path", ""),
            "format": f.get("format", ""),
            "size": f.get("size", ""),
            "sha256": f.get("sha256", ""),
            "sm3": f.get("sm3", ""),
        }
        for f in root.findall("m:files/m:file", _NS)
    ]
    result["steps"] = [
        {
            "seq": s.get("seq", ""),
            "actor": (s.findtext("m:actor", "", _NS) or "").strip(),
            "action": (s.findtext("m:action", "", _NS) or "").strip(),
            "time": (s.findtext("m:time", "", _NS) or "").strip(),
        }
        for s in root.findall("m:process/m:step", _NS)
    ]
    chain = root.find("m:record_chain", _NS)
    result["record_chain"] = dict(chain.attrib) if chain is not None else None
    return result

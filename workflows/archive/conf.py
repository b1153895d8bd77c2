"""Archive settings, each a Django setting with the default below and the source it comes from.

- ``FAZHI_ARCHIVE_ALLOWED_FORMATS``: the formats a package may hold (DA/T 70-2018 usability:
  the format is on the allowed list). Detected from the content, never from the file name.
- ``FAZHI_ARCHIVE_RETENTION``: the retention class of each record class ("app_label.model"),
  with its legal source; the key ``"*"`` is the class of anything not listed.
- ``FAZHI_ARCHIVE_ROOT``: where the Celery task keeps the packages staff download.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

PERMANENT = "permanent"
YEARS_30 = "30y"
YEARS_10 = "10y"

# 国家档案局令第8号《机关文件材料归档范围和文书档案保管期限规定》: 文书档案的保管期限定为永久、
# 定期两种，定期一般分为30年、10年 (GB/T 18894-2016 defers to it for electronic records).
RETENTION_SOURCE = "国家档案局令第8号《机关文件材料归档范围和文书档案保管期限规定》"
RETENTION_CLASSES = {
    PERMANENT: (_("Permanent"), "永久", None),
    YEARS_30: (_("30 years"), "30年", 30),
    YEARS_10: (_("10 years"), "10年", 10),
}

DEFAULT_ALLOWED_FORMATS = ("pdf", "ofd", "docx", "xml", "json", "txt", "png", "jpeg")

DEFAULT_RETENTION = {
    # The body's own major decisions and normative documents: kept permanently.
    "decisions.decision": {
        "class": PERMANENT,
        "legal_source": f"{RETENTION_SOURCE}：本机关重要决策、制发的规范性文件材料永久保存",
    },
    "normdocs.normativedocument": {
        "class": PERMANENT,
        "legal_source": f"{RETENTION_SOURCE}：本机关制发的规范性文件材料永久保存",
    },
    "normdocs.cleanupcampaign": {
        "class": YEARS_30,
        "legal_source": f"{RETENTION_SOURCE}：一般性工作材料定期30年",
    },
    "*": {"class": YEARS_10, "legal_source": f"{RETENTION_SOURCE}：其他材料定期10年"},
}


@dataclass(frozen=True)
class Retention:
    """The retention class of one record class: its code, its years (None: permanent), source."""

    code: str
    years: int | None
    label_zh: str
    legal_source: str

    @property
    def label(self):
        return RETENTION_CLASSES[self.code][0]


def allowed_formats() -> tuple[str, ...]:
    return tuple(getattr(settings, "FAZHI_ARCHIVE_ALLOWED_FORMATS", DEFAULT_ALLOWED_FORMATS))


def retention_for(record_class: str) -> Retention:
    """The retention of ``record_class`` ("app_label.model") from the settings table."""
    table = getattr(settings, "FAZHI_ARCHIVE_RETENTION", DEFAULT_RETENTION)
    entry = table.get(record_class) or table.get("*") or DEFAULT_RETENTION["*"]
    code = entry["class"]
    if code not in RETENTION_CLASSES:
        raise ValueError(f"unknown retention class {code!r} for {record_class}")
    _label, label_zh, years = RETENTION_CLASSES[code]
    return Retention(code=code, years=years, label_zh=label_zh, legal_source=entry["legal_source"])


def archive_root() -> Path:
    return Path(getattr(settings, "FAZHI_ARCHIVE_ROOT", Path(settings.MEDIA_ROOT) / "archive"))

"""Per-jurisdiction numbers for normative documents, each with the source it comes from.

Local rules differ (domain.md §2), so every number is a Django setting ``NORMDOCS_<NAME>``
with the default below. The legal source travels with the number so that a computed date can
say where it came from.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Default:
    value: int
    legal_source: str


DEFAULTS: dict[str, Default] = {
    "LEGALITY_REVIEW_MIN_WORKING_DAYS": Default(
        5, "国办发〔2018〕115号 三(二)：审核时间一般不少于5个工作日"
    ),
    "LEGALITY_REVIEW_MAX_WORKING_DAYS": Default(
        15, "国办发〔2018〕115号 三(二)：最长不超过15个工作日"
    ),
    "EFFECTIVE_AFTER_DAYS": Default(
        30, "《新疆维吾尔自治区行政规范性文件管理办法》：自公布之日起30日后施行"
    ),
    "VALIDITY_YEARS": Default(5, "国办发〔2018〕37号 / 自治区人民政府令第218号：有效期一般为5年"),
    "PROVISIONAL_VALIDITY_YEARS": Default(
        2, "自治区人民政府令第218号：标注“暂行”“试行”的，有效期一般为2年"
    ),
    "EXPIRY_FIRST_REMINDER_MONTHS": Default(6, "本县实践：有效期届满前6个月提醒评估"),
    "EXPIRY_LAST_REMINDER_MONTHS": Default(1, "本县实践：有效期届满前1个月再次提醒"),
    "FILING_DEADLINE_DAYS": Default(30, "自治区人民政府令第218号：自公布之日起30日内报送备案"),
    "FILING_REVIEW_DAYS": Default(30, "自治区人民政府令第218号：自收到之日起30日内完成审查"),
    "FILING_CORRECTION_DAYS": Default(30, "自治区人民政府令第218号：限期自行纠正"),
    "CLEANUP_INTERVAL_YEARS": Default(2, "国办发〔2018〕37号 五(十八)：每隔两年清理一次"),
    "CLEANUP_ITEM_DAYS": Default(60, "本县实践：清理意见60日内报送"),
}


def setting(name: str) -> int:
    """The jurisdiction's value for ``name`` (settings.NORMDOCS_<name> or the default)."""
    return getattr(settings, f"NORMDOCS_{name}", DEFAULTS[name].value)


def legal_source(name: str) -> str:
    return getattr(settings, f"NORMDOCS_{name}_SOURCE", DEFAULTS[name].legal_source)

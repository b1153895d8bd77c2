"""What a row of a legacy register must hold together (issue 17): pure rules, no ORM, no now()."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from .refusals import RuleRefusal


def register_dates_refusal(
    *, published_on: date, effective_on: date | None, valid_until: date | None
) -> RuleRefusal | None:
    """A document takes effect on or after its publication and stays valid after it takes
    effect: 《新疆维吾尔自治区行政规范性文件管理办法》(自治区人民政府令第218号) counts the
    entry into force from publication (公布之日起30日后施行, or on publication with a reason)
    and the validity period from then on (有效期一般为5年). Dates that contradict each other are
    refused, never corrected."""
    if effective_on is not None and effective_on < published_on:
        return RuleRefusal(
            _("It takes effect on %(effective)s, before it was published on %(published)s."),
            code="register_effective_before_published",
            params={"effective": effective_on.isoformat(), "published": published_on.isoformat()},
        )
    start = effective_on or published_on
    if valid_until is not None and valid_until <= start:
        return RuleRefusal(
            _("Its validity ends on %(until)s, not after it took effect on %(start)s."),
            code="register_validity_before_effect",
            params={"until": valid_until.isoformat(), "start": start.isoformat()},
        )
    return None

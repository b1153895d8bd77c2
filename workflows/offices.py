"""The offices of a government: who reviews legality and who runs the meetings.

Work of a government is offered to an office and taken by a person in it (design.md "Offices
and people"). A government names its review office (负责合法性审查的部门, the 司法局 for a county
government: 《重大行政决策程序暂行条例》第二十五条, 国办发〔2018〕115号 二(二)) and its government
office (政府办: meeting secretariat, numbering, publishing). The product never guesses them: a
government that has not named one is refused with a clear message, and an administrator names
it in the admin.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Unit


def _government(unit: Unit) -> Unit:
    """The government a unit belongs to (itself, when it is one)."""
    seen = 0
    while unit.kind != Unit.Kind.GOVERNMENT and unit.parent_id is not None and seen < 10:
        unit = unit.parent
        seen += 1
    return unit


def review_office_of(government: Unit) -> Unit:
    """The review office of ``government`` (第二十五条: 负责合法性审查的部门)."""
    government = _government(government)
    if government.review_office_id is None:
        raise ValidationError(
            _("%(government)s has not named its review office; an administrator names it."),
            code="no_review_office",
            params={"government": government},
        )
    return government.review_office


def general_office_of(government: Unit) -> Unit:
    """The government office (政府办) of ``government``: meeting secretariat and publisher."""
    government = _government(government)
    if government.general_office_id is None:
        raise ValidationError(
            _("%(government)s has not named its government office; an administrator names it."),
            code="no_general_office",
            params={"government": government},
        )
    return government.general_office

"""How a rule says no: a ``RuleRefusal``, a ValidationError with a stable code and a message
translated in the zh_Hans catalogue (the idiom of both apps)."""

from django.core.exceptions import ValidationError

# --- refusals ---------------------------------------------------------------------------------


class RuleRefusal(ValidationError):
    """A legal rule forbids the requested step: a stable ``code`` and a translated message that
    names the rule, the same idiom as every refusal of both apps:
    ``RuleRefusal(_("… %(number)s …"), code="number_taken", params={"number": …})``.

    Read it as ``refusal.code`` and ``refusal.messages`` (``str()`` is a list's repr).
    """


class MalformedDocumentNumber(RuleRefusal):
    """A 发文字号 that cannot be read as issuer code + type + year + serial + 号."""


class MalformedIndexNumber(RuleRefusal):
    """A 索引号 that does not match UNITCODE/YEAR-SERIAL."""

"""What the record's codes mean to a reader (issue 18: Chinese throughout).

An event keeps its action code (``decision.initiated``) and a JSON payload for ever: they are
hashed into the chain (workflows.record.chain) and are never rewritten. This package only reads
them: each action has a label, each payload key a field label, each coded value (a stage, an
outcome, a risk level) the label of the model choice it came from, in the reader's language.

The package: ``actions`` names each action, ``codes`` each payload key and coded value,
``payloads`` builds a payload's named fields for the timeline.
"""

from .actions import ACTION_LABELS, action_label
from .codes import (
    FIELD_LABELS,
    KEY_VALUE_LABELS,
    VALUE_LABELS,
    field_label,
    register_code_labels,
    value_label,
)
from .payloads import Field, Resolver, fields_html, payload_fields, payloads_prefetch

__all__ = [
    "ACTION_LABELS",
    "FIELD_LABELS",
    "KEY_VALUE_LABELS",
    "VALUE_LABELS",
    "Field",
    "Resolver",
    "action_label",
    "field_label",
    "fields_html",
    "payload_fields",
    "payloads_prefetch",
    "register_code_labels",
    "value_label",
]

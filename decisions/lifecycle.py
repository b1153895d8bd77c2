"""The one writer of ``Decision.stage``: a decision moves only by a row of ``rules.LIFECYCLE``.

Each move is a viewflow.fsm transition generated from that table (``decisions.models``), so the
stages a move may start from and the article that allows it are stated once. Services call
``decision_stage_move`` inside their transaction, on the decision they locked; a move the table
does not allow from the current stage is refused with ``wrong_stage``, naming the article.
tests/decisions/test_lifecycle.py fails when any other module assigns the stage.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import TransitionNotAllowed

from . import rules
from .models import Decision, Stage


def decision_stage_move(*, decision: Decision, move: str, also: tuple[str, ...] = ()) -> str:
    """Move ``decision`` by ``move`` (a key of ``rules.LIFECYCLE``) and save the stage with the
    fields in ``also`` the caller changed alongside it. Returns the stage it came from."""
    if move not in rules.LIFECYCLE:
        raise ValueError(f"unknown stage move {move!r}")
    source = decision.stage
    try:
        getattr(decision, f"move_{move}")()
    except TransitionNotAllowed:
        raise stage_move_refusal(source=source, move=move) from None
    decision.save(update_fields=["stage", "updated_at", *also])
    return source


def stage_move_refusal(*, source: str, move: str) -> ValidationError:
    """The refusal of ``move`` from ``source``: the stages, and the article that says so."""
    target = rules.LIFECYCLE[move]
    return ValidationError(
        _("A decision at the stage “%(source)s” cannot go to “%(target)s”: %(rule)s"),
        code="wrong_stage",
        params={
            "source": Stage(source).label,
            "target": Stage(target.target).label,
            "rule": target.legal_source,
        },
    )

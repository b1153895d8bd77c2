"""Starting a decision's process: the record and the viewflow process begin together."""

from workflows.transactions import service_atomic

from ..models import Adjustment, Decision
from .drafting import decision_initiate
from .execution import decision_adjust


@service_atomic
def decision_start(
    *, by, lead_unit, title: str, problem: str, legal_basis: list[str], **kwargs
) -> Decision:
    """Initiate the decision (第十条) and start its DecisionFlow: the drafting task is offered
    to the lead unit's drafters at once."""
    from ..flows import DecisionFlow

    decision = decision_initiate(
        by=by, lead_unit=lead_unit, title=title, problem=problem, legal_basis=legal_basis, **kwargs
    )
    DecisionFlow.start.run(decision=decision)
    return decision


@service_atomic
def decision_adjust_start(*, decision: Decision, by, reason: str, drafter) -> Adjustment:
    """A major adjustment re-runs the whole statutory procedure (第三十七条): the new decision
    gets its own process, starting at drafting."""
    from ..flows import DecisionFlow

    adjustment = decision_adjust(decision=decision, by=by, reason=reason, drafter=drafter)
    DecisionFlow.start.run(decision=adjustment.new_decision)
    return adjustment

"""What the inbox page is narrowed to (``InboxFilter``): one process, by the app its flows
belong to (``process_key``), and one unit; and a queryset of tasks narrowed by it."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import QuerySet
from viewflow.workflow.flow import Flow

from ..models import TaskOffer


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox page is narrowed to: one process (an app label, e.g. "decisions": its
    tasks and its registered source) and one unit (work asked of the person for that unit)."""

    process: str = ""
    unit: int | None = None

    def __bool__(self) -> bool:
        return bool(self.process) or self.unit is not None


NO_FILTER = InboxFilter()


def _flow_classes() -> list[type]:
    """Every viewflow Flow class loaded (each process's flow)."""
    found, todo = [], [Flow]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def process_key(flow_class: type) -> str:
    """The app a flow belongs to ("decisions"): the key of the inbox's process filter, the
    same name the app registers its inbox source under."""
    config = apps.get_containing_app_config(flow_class.__module__)
    return config.label if config is not None else ""


def _filtered(tasks: QuerySet, flt: InboxFilter) -> QuerySet:
    """``tasks`` narrowed to one process's flows and to those offered to one unit."""
    if flt.process:
        flows = [flow for flow in _flow_classes() if process_key(flow) == flt.process]
        tasks = tasks.filter(process__flow_class__in=flows) if flows else tasks.none()
    if flt.unit is not None:
        tasks = tasks.filter(pk__in=TaskOffer.objects.filter(unit_id=flt.unit).values("task_id"))
    return tasks

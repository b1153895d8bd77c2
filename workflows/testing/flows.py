"""A minimal flow used only to exercise the inbox: one human task offered to a unit's role."""

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow.views import UpdateProcessView

from workflows.inbox import task_offer
from workflows.models import Unit


class InboxTestFlow(flow.Flow):
    process_title = "Inbox test"

    start = flow.StartHandle(this.start_process).Next(this.review)
    review = flow.View(UpdateProcessView.as_view(fields=[])).onCreate(this.offer).Next(this.end)
    end = flow.End()

    def start_process(self, activation, unit_id):
        activation.process.data = {"unit_id": unit_id}
        return activation.process

    def offer(self, activation):
        unit = Unit.objects.get(pk=activation.process.data["unit_id"])
        task_offer(task=activation.task, role="legal_advisor", unit=unit)

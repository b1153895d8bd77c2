"""A bare viewflow flow for the engine benchmark: the same number of sequential human tasks as
a major decision's adopted path (11), with no services, no record, no deadlines and no offers.
It is what viewflow alone costs per task; ``bench.engine`` drives it the same way as the real
flow (process lock, assign, start, execute)."""

from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow.views import UpdateProcessView

HUMAN_TASKS = 11
_VIEW = UpdateProcessView.as_view(fields=[])


class BareFlow(flow.Flow):
    process_title = "Bare bench flow"
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle().Next(this.step_1)
    step_1 = flow.View(_VIEW).Next(this.step_2)
    step_2 = flow.View(_VIEW).Next(this.step_3)
    step_3 = flow.View(_VIEW).Next(this.step_4)
    step_4 = flow.View(_VIEW).Next(this.step_5)
    step_5 = flow.View(_VIEW).Next(this.step_6)
    step_6 = flow.View(_VIEW).Next(this.step_7)
    step_7 = flow.View(_VIEW).Next(this.step_8)
    step_8 = flow.View(_VIEW).Next(this.step_9)
    step_9 = flow.View(_VIEW).Next(this.step_10)
    step_10 = flow.View(_VIEW).Next(this.step_11)
    step_11 = flow.View(_VIEW).Next(this.end)
    end = flow.End()

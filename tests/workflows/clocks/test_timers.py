"""viewflow's database-backed timers are fired by our beat task."""

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from workflows.clocks.tasks import fire_workflow_timers

from .flows import WaitFlow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def flow_app(settings):
    settings.INSTALLED_APPS = [
        *settings.INSTALLED_APPS,
        "tests.workflows.clocks.apps.ClocksTestsConfig",
    ]


def test_a_due_viewflow_timer_fires_and_the_process_finishes_when_the_task_runs():
    process = WaitFlow.start.run()
    timer = Task.objects.get(process=process, flow_task_type="TIMER")
    assert timer.status == STATUS.SCHEDULED

    result = fire_workflow_timers()
    assert result["timers"] == 1
    timer.refresh_from_db()
    process.refresh_from_db()
    assert timer.status == STATUS.DONE
    assert process.status == PROCESS.DONE

    assert fire_workflow_timers()["timers"] == 0  # nothing left to fire: harmless again

"""Every beat entry names a task that exists, so a typo cannot silently stop a legal clock."""

from config.celery import app, beat_schedule


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    names = {entry["task"] for entry in beat_schedule().values()}
    assert names, "an empty schedule would prove nothing"
    missing = sorted(name for name in names if name not in app.tasks)
    assert not missing, f"beat entries without a task: {missing}"


def test_the_reminder_sweep_and_viewflow_timers_are_scheduled():
    tasks = {entry["task"] for entry in beat_schedule().values()}
    assert "workflows.clocks.tasks.sweep" in tasks
    assert "workflows.clocks.tasks.fire_workflow_timers" in tasks


def test_the_record_checkpoint_is_scheduled():
    tasks = {entry["task"] for entry in beat_schedule().values()}
    assert "workflows.record.tasks.checkpoint" in tasks

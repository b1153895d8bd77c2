"""A minimal flow with a database-backed timer, for the timer-dispatch task test."""

from datetime import timedelta

from viewflow import this
from viewflow.workflow import flow


class WaitFlow(flow.Flow):
    start = flow.StartHandle().Next(this.wait)
    wait = flow.Timer(timedelta(seconds=0)).Next(this.end)
    end = flow.End()

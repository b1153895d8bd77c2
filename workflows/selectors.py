"""Reads for the shared machinery."""

from .inbox import tasks_for_user

__all__ = ["tasks_for_user"]

"""Helpers for driving flows in tests (style.md layout): not used by the running site."""

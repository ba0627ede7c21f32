"""Pydantic specs: every rule on user input is checked here, before any resource exists."""

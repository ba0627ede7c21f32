"""Fixtures shared across test folders, loaded as plugins so that there is one conftest module."""

pytest_plugins = ["guardrail_fixtures", "provider_fixtures"]

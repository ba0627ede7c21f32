"""Counting the full evaluator's calls, for tests that pin how often a fast path still asks it."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest


def evaluated_resources(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> list[Any]:
    """The resource (second argument: an ARN, or a parsed repository) of every `evaluate_access` call that
    `module` makes from now on; the calls still return the evaluator's report."""
    resources: list[Any] = []
    real = module.evaluate_access

    def noted(*args: Any, **kwargs: Any) -> Any:
        resources.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "evaluate_access", noted)
    return resources

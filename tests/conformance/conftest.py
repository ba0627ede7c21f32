"""Puts the policy pack (and the pack's test shapes) on sys.path, as tests/policy_pack does."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
for entry in (TESTS.parent / "policy-packs" / "ecr-guardrails", TESTS / "policy_pack", TESTS / "conformance"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

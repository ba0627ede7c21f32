"""Puts the pack folder on sys.path, as the engine does when it runs the pack."""

from __future__ import annotations

import sys
from pathlib import Path

PACK_DIR = Path(__file__).resolve().parents[2] / "policy-packs" / "ecr-guardrails"
HERE = Path(__file__).resolve().parent

for entry in (PACK_DIR, HERE):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

"""Puts the pack folder on sys.path, as the engine does when it runs the pack."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACK_DIR = HERE.parents[1] / "policy-packs" / "ecr-guardrails"

for entry in (PACK_DIR, HERE):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

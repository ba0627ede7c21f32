"""Where the pack lives, for tests that start it or read its files."""

from pathlib import Path

PACK_DIR = Path(__file__).resolve().parents[2] / "policy-packs" / "ecr-guardrails"

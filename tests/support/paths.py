"""Where things are: the project's root and the demo's records file."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO_RECORDS = ROOT / "gazette_app" / "demo" / "sonla-2026-documents.jsonl"

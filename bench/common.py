"""Shared output format of the benchmarks: ``name: value unit`` lines, targets marked."""
from __future__ import annotations

import os
import platform


def machine() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores"


def report(name: str, value: float, unit: str, target: float | None = None,
           better: str = "lower") -> None:
    """Print one figure; with a target, end the line in [met] or [missed]."""
    line = f"{name}: {value:.3f} {unit}" if isinstance(value, float) else f"{name}: {value} {unit}"
    if target is not None:
        met = value <= target if better == "lower" else value >= target
        sign = "<=" if better == "lower" else ">="
        line += f" (target {sign} {target} {unit}) [{'met' if met else 'missed'}]"
    print(line, flush=True)

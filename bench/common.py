"""Shared output format of the benchmarks: ``name: value unit`` lines, targets marked."""
from __future__ import annotations

import os
import platform
import socket


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


def free_port() -> int:
    """A free loopback port: any, or one of GAZETTE_TEST_PORTS ("5700-5749") when a machine
    shared by several developers gives each a range (the tests' servers use it too)."""
    low, _, high = os.environ.get("GAZETTE_TEST_PORTS", "0-0").partition("-")
    for port in range(int(low), int(high or low) + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in GAZETTE_TEST_PORTS={low}-{high}")

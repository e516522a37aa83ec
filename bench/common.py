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


def _port_range() -> range:
    """GAZETTE_TEST_PORTS ("5700-5749"; "0-0", any port, when unset); under pytest-xdist each
    worker takes its own slice of it, so that two workers never pick the same free port at
    the same moment."""
    low, _, high = os.environ.get("GAZETTE_TEST_PORTS", "0-0").partition("-")
    first, last = int(low), int(high or low)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ...
    if first == 0 or not worker:
        return range(first, last + 1)
    share = (last - first + 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"])
    if share <= 0:
        raise RuntimeError(f"GAZETTE_TEST_PORTS={low}-{high}: fewer ports than workers")
    start = first + int(worker.removeprefix("gw")) * share
    return range(start, start + share)


def free_port() -> int:
    """A free loopback port: any, or one of GAZETTE_TEST_PORTS ("5700-5749") when a machine
    shared by several developers gives each a range (the tests' servers use it too)."""
    ports = _port_range()
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1} (GAZETTE_TEST_PORTS)")

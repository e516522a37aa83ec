"""Fault injection for the crash-safety tests: ``checkpoint(step)`` marks the points where
the tests kill the process. When the environment variable GAZETTE_FAULT_AT names the step, the
process kills itself with SIGKILL there, as a power cut or the OOM killer would. Unset, it
costs one dictionary lookup. At the bottom of the layers, so that any module may mark a step."""
from __future__ import annotations

import logging
import os
import signal

log = logging.getLogger(__name__)
FAULT_ENV = "GAZETTE_FAULT_AT"


def checkpoint(step: str) -> None:
    """Die here, at once and without cleaning up, when the fault tests ask for ``step``."""
    if os.environ.get(FAULT_ENV) == step:
        log.warning("fault injection: killing process %s at %s", os.getpid(), step)
        logging.shutdown()
        os.kill(os.getpid(), signal.SIGKILL)

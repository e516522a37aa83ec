"""Writing PDFs safely: the output appears whole or not at all."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pypdf import PdfWriter


def write_atomically(writer: PdfWriter, out_path: Path) -> None:
    """Write to a temporary file beside ``out_path``, fsync, then rename over it."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out_path.parent, prefix=".pdf-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            writer.write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, out_path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise

"""External tools (LibreOffice, ocrmypdf), run with a timeout and a clear message when missing.

Each tool names the Debian package that provides it, so that an administrator knows what to
install instead of reading a stack trace."""
from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from . import IntakeError

log = logging.getLogger(__name__)

LIBREOFFICE = ("soffice", "libreoffice-writer-nogui libreoffice-calc-nogui")
OCRMYPDF = ("ocrmypdf", "ocrmypdf tesseract-ocr-vie")
PDFTOTEXT = ("pdftotext", "poppler-utils")


def require(tool: tuple[str, str]) -> str:
    path = shutil.which(tool[0])
    if path is None:
        raise IntakeError(f"Máy chủ chưa có {tool[0]}: quản trị viên cần cài gói Debian "
                          f"{tool[1]} (apt-get install {tool[1]}).")
    return path


def run(command: list[str], timeout: float, what: str,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run a tool; a hang past ``timeout`` is killed and reported, never waited for forever.

    The tool runs in its own process group and the whole group is killed: ``soffice`` is a
    script that starts ``soffice.bin``, which would outlive a kill of the script alone."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          start_new_session=True,
                          env={**os.environ, "HOME": tempfile.gettempdir(), **(env or {})}
                          ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            log.warning("%s timed out after %.1f s and was killed: %s", what, timeout, command[0])
            raise IntakeError(f"{what} quá thời gian ({timeout:g} giây); đã dừng.") from None
        except BaseException:
            _kill_group(process)
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


def libreoffice_to_pdf(source: Path, timeout: float = 120) -> bytes:
    """Convert a DOC/DOCX/XLS/XLSX file to PDF with LibreOffice headless (own profile per run,
    so parallel conversions do not lock each other)."""
    soffice = require(LIBREOFFICE)
    with tempfile.TemporaryDirectory(prefix="lo-", dir=source.parent) as tmp:
        profile = Path(tmp) / "profile"
        result = run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                      "--norestore", "--convert-to", "pdf", "--outdir", tmp, str(source)],
                     timeout, "Chuyển đổi sang PDF")
        produced = Path(tmp) / (source.stem + ".pdf")
        if result.returncode != 0 or not produced.exists():
            raise IntakeError("LibreOffice không chuyển được tệp sang PDF (tệp hỏng hoặc "
                              "không được hỗ trợ).")
        return produced.read_bytes()


# Fixed OCR settings, chosen by measurement (bench/ocr_settings.py, README "Reading scans"):
# Vietnamese alone (with English too, tesseract read capitals without their marks and one scan
# of nine read differently twice), no deskew (on scans turned by up to 1 degree it lost fields
# and doubled the time; with unpaper's clean it gained one field of 54 for 2.5 times the time),
# one job and one thread, so that the same scan gives the same text every time. The receipt
# records them (``OCR_SETTINGS_LABEL``).
OCR_OPTIONS = ("--language", "vie", "--jobs", "1")
OCR_SETTINGS_LABEL = "ocrmypdf " + " ".join(OCR_OPTIONS)
OCR_ENV = {"OMP_THREAD_LIMIT": "1"}  # tesseract's OpenMP threads: one, for the same result


def ocr_pdf(source: Path, timeout: float = 600) -> bytes:
    """Add a text layer to a scanned PDF with ocrmypdf and tesseract's Vietnamese data."""
    ocrmypdf = require(OCRMYPDF)
    with tempfile.TemporaryDirectory(prefix="ocr-", dir=source.parent) as tmp:
        out = Path(tmp) / "ocr.pdf"
        result = run([ocrmypdf, *OCR_OPTIONS, "--skip-text", "--output-type", "pdf",
                      "--quiet", str(source), str(out)], timeout, "Nhận dạng chữ (OCR)",
                     env=OCR_ENV)
        if result.returncode != 0 or not out.exists():
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise IntakeError(f"Nhận dạng chữ (OCR) không thành công ({detail[0][:120]}).")
        return out.read_bytes()


PDFTOPPM = ("pdftoppm", "poppler-utils")


def page_png(pdf: Path, page: int, dpi: int = 80, timeout: float = 60) -> bytes:
    """One page of a PDF as a PNG image (for staff to read a page beside what was listed)."""
    with tempfile.TemporaryDirectory(prefix="gazette-page-") as tmp:
        out = Path(tmp) / "page"
        command = [require(PDFTOPPM), "-png", "-r", str(dpi), "-f", str(page), "-l",
                   str(page), "-singlefile", str(pdf), str(out)]
        done = run(command, timeout, "Dựng ảnh trang PDF")
        image = out.with_suffix(".png")
        if done.returncode != 0 or not image.is_file():
            log.warning("pdftoppm failed on page %d: %s", page, done.stderr[-300:])
            raise IntakeError(f"Không dựng được ảnh trang {page} của tệp PDF.")
        return image.read_bytes()

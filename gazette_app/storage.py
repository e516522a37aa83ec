"""The content-addressed file store: a file's name is the SHA-256 of its bytes.

Writes are atomic (temporary file in the store, fsync, rename), so a crash leaves either the
whole file or nothing under its name. A stored file is never overwritten; it is read-only.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from flask import current_app, send_file

CHUNK = 1 << 20
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int


class FileStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256 or ""):
            raise ValueError(f"not a SHA-256 name: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put_file(self, source: Path) -> StoredBlob:
        with open(source, "rb") as handle:
            return self.put_stream(handle)

    def put_bytes(self, data: bytes) -> StoredBlob:
        return self.put_stream(BytesIO(data))

    def put_stream(self, stream: BinaryIO) -> StoredBlob:
        """Copy ``stream`` into the store while hashing it; returns its name and size."""
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix=owned_prefix("put"))
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            target = self.path(digest.hexdigest())
            if target.exists():  # same bytes already stored: keep the first copy
                os.unlink(tmp_name)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp_name, 0o444)
                os.replace(tmp_name, target)
                _fsync_dir(target.parent)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return StoredBlob(digest.hexdigest(), size)

    def names(self) -> set[str]:
        """The name (SHA-256) of every stored file; temporary files are not stored files."""
        if not self.root.is_dir():
            return set()
        return {path.name for path in self.root.glob("??/??/*")
                if path.is_file() and _SHA256.match(path.name)}

    def hash_of(self, sha256: str) -> str | None:
        """Re-hash a stored file (None if it is missing)."""
        path = self.path(sha256)
        if not path.is_file():
            return None
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest()


def storage_failure(error: OSError) -> str:
    """What staff read when the store cannot take a file (the reason is logged in English)."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return ("Máy chủ đã hết dung lượng lưu trữ: không tệp nào được lưu. Báo quản trị viên "
                "giải phóng dung lượng rồi gửi lại.")
    return "Không ghi được vào kho lưu trữ tệp: không tệp nào được lưu. Báo quản trị viên."


def owned_prefix(kind: str) -> str:
    """A temporary name that says who made it ("compose@host@1234@"), so that after a crash
    the leftovers of a dead process are known at once (see ``recovery``)."""
    return f"{kind}@{socket.gethostname()}@{os.getpid()}@"


def owner_of(name: str) -> tuple[str, int] | None:
    """(host, pid) of a name made with ``owned_prefix``; None for any other name."""
    parts = name.split("@")
    if len(parts) >= 4 and parts[2].isdigit():
        return parts[1], int(parts[2])
    return None


def work_root() -> Path:
    """The instance's folder of temporary work (cleaned of a dead process's leftovers)."""
    return Path(current_app.instance_path) / "tmp"


@contextmanager
def work_dir(kind: str) -> Iterator[Path]:
    """A temporary folder under the instance for one piece of work, removed afterwards; a
    killed process leaves it, and ``recovery.recover`` removes it."""
    root = work_root()
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=owned_prefix(kind)) as folder:
        yield Path(folder)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def get_store() -> FileStore:
    """The store of this instance (FILE_STORE: a shared path when several servers run)."""
    return FileStore(Path(current_app.config["FILE_STORE"]))


def safe_download_name(name: str) -> str:
    """A file name fit for Content-Disposition: letters (Vietnamese too), digits, ``. - _``
    and spaces; anything else (markup, quotes, slashes, control characters) becomes "-"."""
    cleaned = re.sub(r"[^\w .-]+", "-", name or "", flags=re.UNICODE).strip(" .-")
    return re.sub(r"-{2,}", "-", cleaned)[-150:] or "tep"


def send_stored(sha256: str, mimetype: str, download_name: str, *, as_attachment: bool = False,
                max_age: int = 86400):
    """A stored file as a response: ETag is its hash (If-None-Match gives 304), and the
    browser must not guess another type than the one given."""
    response = send_file(get_store().path(sha256), mimetype=mimetype, etag=sha256,
                         download_name=safe_download_name(download_name),
                         as_attachment=as_attachment,
                         max_age=max_age, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

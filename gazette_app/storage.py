"""The content-addressed file store: a file's name is the SHA-256 of its bytes.

Writes are atomic (temporary file in the store, fsync, rename), so a crash leaves either the
whole file or nothing under its name. A stored file is never overwritten; it is read-only.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

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
        from io import BytesIO
        return self.put_stream(BytesIO(data))

    def put_stream(self, stream: BinaryIO) -> StoredBlob:
        """Copy ``stream`` into the store while hashing it; returns its name and size."""
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="put-")
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


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def get_store() -> FileStore:
    """The store of this instance (FILE_STORE: a shared path when several servers run)."""
    return FileStore(Path(current_app.config["FILE_STORE"]))


def send_stored(sha256: str, mimetype: str, download_name: str, *, as_attachment: bool = False,
                max_age: int = 86400):
    """A stored file as a response: ETag is its hash (If-None-Match gives 304), and the
    browser must not guess another type than the one given."""
    from flask import send_file
    response = send_file(get_store().path(sha256), mimetype=mimetype, etag=sha256,
                         download_name=download_name, as_attachment=as_attachment,
                         max_age=max_age, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

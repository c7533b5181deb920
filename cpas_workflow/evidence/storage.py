"""Where attachment bytes live: a small interface (put, read, delete by SHA-256) and the one store
that exists, a folder under the instance directory. Another store (an S3-compatible bucket) is a
class with the same three methods, chosen in `store()`.

Files are named by their content's SHA-256, so the same file attached twice is kept once, and a
file's name (typed by a user) never becomes a path on disk.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobStore(Protocol):
    def put(self, sha256: str, data: bytes) -> None: ...
    def read(self, sha256: str) -> bytes: ...
    def delete(self, sha256: str) -> None: ...


class FolderStore:
    """`<root>/ab/cd/abcd…` (two levels of fan-out keep any one directory small)."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, sha256: str, data: bytes) -> None:
        path = self._path(sha256)
        if path.exists():
            return  # the same content is already kept
        path.parent.mkdir(parents=True, exist_ok=True)
        # written aside then renamed: a reader never sees half a file, two writers never mix theirs
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as temporary:
            temporary.write(data)
        os.replace(temporary.name, path)

    def read(self, sha256: str) -> bytes:
        return self._path(sha256).read_bytes()

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)


def delete_after_commit(session, sha256: str) -> None:
    """Delete the bytes once the transaction that removed their last attachment has committed (a
    rolled-back deletion keeps its file)."""
    pending = session.info.setdefault("blobs_to_delete", set())
    pending.add(sha256)


@event.listens_for(Session, "after_commit")
def _delete_blobs(session) -> None:
    pending = session.info.pop("blobs_to_delete", None)
    if pending:
        blobs = store()
        for sha256 in pending:
            blobs.delete(sha256)


@event.listens_for(Session, "after_soft_rollback")
def _keep_blobs(session, previous_transaction) -> None:
    session.info.pop("blobs_to_delete", None)


def store() -> BlobStore:
    """The configured store: CPAS_ATTACHMENT_DIR (default `instance/attachments`)."""
    return FolderStore(current_app.config["CPAS_ATTACHMENT_DIR"])

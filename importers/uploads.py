"""Files an import keeps between requests, each in its uploader's own directory: the
marked-up workbook of a rejected import, and an upload whose dry run the user is reviewing
(so "confirm" imports exactly the file that was checked). Unguessable ids, kept a day.

Also who may import which kind: the write roles of that kind's records, as creating them
through the API needs (shared by the API and the browser pages).
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import tempfile
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar.exceptions import PermissionDeniedException

from importers.kinds import KINDS
from importers.problems import ImportFailed
from importers.reading import DEFAULT_MAX_BYTES, max_import_bytes
from ta_manager.accounts.permissions import resource_roles
from ta_manager.errors import NotFound

ERRORS_DIR = Path(tempfile.gettempdir()) / "ta-manager-import-errors"
FILE_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP_SECONDS = 24 * 3600


def kind_key(kind: str) -> str:
    """The kind's name as the importer knows it; 404 naming the choices otherwise."""
    key = kind.strip().lower().replace("_", "-")
    if key not in KINDS:
        raise NotFound("import kind", f"{kind!r} (choose from {', '.join(KINDS)})")
    return key


def upload_limit() -> int:
    """Room for the largest file the importer accepts plus the multipart envelope (a bad
    TA_IMPORT_MAX_BYTES is reported by each import, not at start-up)."""
    try:
        return max_import_bytes() + 1024 * 1024
    except ImportFailed:
        return DEFAULT_MAX_BYTES + 1024 * 1024


def import_roles(kind: str) -> Collection[str]:
    return resource_roles(f"/{kind_key(kind)}").write


def check_may_import(account: Any, kind: str) -> None:
    """403 unless the account's role may write records of this kind."""
    roles = import_roles(kind)
    role = getattr(account, "role", None)
    if role not in roles:
        raise PermissionDeniedException(
            f"the {role or 'anonymous'} role may not do this (allowed: {', '.join(sorted(roles))})"
        )


def owner_dir(account: Any) -> Path:
    """Each user's files live in their own directory: others cannot fetch them."""
    return ERRORS_DIR / f"user-{getattr(account, 'id', 'anonymous')}"


def _expire() -> None:
    expired = time.time() - KEEP_SECONDS
    for old in ERRORS_DIR.glob("*/*"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < expired:
                old.unlink()


def store_errors(content: bytes, directory: Path) -> str:
    """Keep the marked-up file under a random id; returns the id."""
    directory.mkdir(parents=True, exist_ok=True)
    _expire()
    error_id = secrets.token_urlsafe(18)
    (directory / f"{error_id}.xlsx").write_bytes(content)
    return error_id


def errors_file(directory: Path, name: str) -> Path:
    error_id = name.removesuffix(".xlsx")
    path = directory / f"{error_id}.xlsx"
    if not FILE_ID.match(error_id) or not path.is_file():
        raise NotFound("import error workbook", name)
    return path


@dataclass(frozen=True)
class PendingUpload:
    id: str
    kind: str
    filename: str
    content: bytes


def store_upload(directory: Path, kind: str, filename: str, content: bytes) -> str:
    """Keep an uploaded file for its confirmation; returns its id."""
    directory.mkdir(parents=True, exist_ok=True)
    _expire()
    upload_id = secrets.token_urlsafe(18)
    (directory / f"{upload_id}.upload").write_bytes(content)
    meta = {"kind": kind, "filename": filename}
    (directory / f"{upload_id}.json").write_text(json.dumps(meta), encoding="utf-8")
    return upload_id


def load_upload(directory: Path, upload_id: str) -> PendingUpload:
    data, meta = directory / f"{upload_id}.upload", directory / f"{upload_id}.json"
    if not FILE_ID.match(upload_id) or not data.is_file() or not meta.is_file():
        raise NotFound("upload", "(it expired or was already imported; upload the file again)")
    info = json.loads(meta.read_text(encoding="utf-8"))
    return PendingUpload(upload_id, info["kind"], info["filename"], data.read_bytes())


def forget_upload(directory: Path, upload_id: str) -> None:
    for suffix in (".upload", ".json"):
        with contextlib.suppress(OSError):
            (directory / f"{upload_id}{suffix}").unlink()

"""Files an import keeps between requests, each readable by its uploader only: the
marked-up workbook of a rejected import, and an upload whose dry run the user is reviewing
(so "confirm" imports exactly the file that was checked). Kept in PostgreSQL (any web
process can serve them) under unguessable ids for TA_FILES_KEEP_HOURS (a day).

Also who may import which kind: the write roles of that kind's records, as creating them
through the API needs (shared by the API and the browser pages).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from litestar.exceptions import PermissionDeniedException

from importers.kinds import KINDS
from importers.problems import ImportFailed
from importers.reading import DEFAULT_MAX_BYTES, max_import_bytes
from ta_manager.accounts.permissions import resource_roles
from ta_manager.errors import NotFound
from ta_manager.files import service as files
from ta_manager.settings import Settings


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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _keep() -> dt.timedelta:
    return dt.timedelta(hours=Settings.from_env().files_keep_hours)


def _owner(account: Any) -> int | None:
    return getattr(account, "id", None)


async def store_errors(content: bytes, account: Any) -> str:
    """Keep the marked-up file for `account`; returns its id."""
    stored = await files.store_bytes(
        content,
        filename="import-errors.xlsx",
        media_type=XLSX,
        purpose="import_errors",
        owner_id=_owner(account),
        keep=_keep(),
    )
    return str(stored.id)


async def errors_file(account: Any, name: str) -> files.StoredFile:
    """The marked-up file `name` (`{id}.xlsx`) of `account`; NotFound for anyone else's."""
    error_id = name.removesuffix(".xlsx")
    found = await files.find(error_id, _owner(account), "import_errors")
    if found is None:
        raise NotFound("import error workbook", name)
    return dataclasses.replace(found, filename=f"import-errors-{error_id}.xlsx")


@dataclass(frozen=True)
class PendingUpload:
    id: str
    kind: str
    filename: str
    content: bytes


async def store_upload(account: Any, kind: str, filename: str, content: bytes) -> str:
    """Keep an uploaded file for its confirmation; returns its id."""
    stored = await files.store_bytes(
        content,
        filename=filename,
        media_type="application/octet-stream",
        purpose="import_upload",
        owner_id=_owner(account),
        keep=_keep(),
        meta={"kind": kind},
    )
    return str(stored.id)


async def load_upload(account: Any, upload_id: str) -> PendingUpload:
    found = await files.find(upload_id, _owner(account), "import_upload")
    if found is None or "kind" not in found.meta:
        raise NotFound("upload", "(it expired or was already imported; upload the file again)")
    content = await files.read_all(found.id)
    return PendingUpload(str(found.id), found.meta["kind"], found.filename, content)


async def forget_upload(account: Any, upload_id: str) -> None:
    found = await files.find(upload_id, _owner(account), "import_upload")
    if found is not None:
        await files.delete(found.id)

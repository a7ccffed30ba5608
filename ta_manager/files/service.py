"""Files kept in PostgreSQL so that any web process on any machine can serve them.

A file is written once (metadata and 1 MiB chunks in one transaction), read by its owner
only, and deleted when it expires. Reading streams one chunk per query, so a 100 MB
workbook never sits whole in a web process's memory.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ta_manager.database import sql

Purpose = Literal["report", "import_upload", "import_errors"]
CHUNK_BYTES = 1024 * 1024

_COLUMNS = "id, owner_id, purpose, filename, media_type, size, meta, created_at, expires_at"


@dataclass(frozen=True)
class StoredFile:
    id: uuid.UUID
    owner_id: int | None
    purpose: str
    filename: str
    media_type: str
    size: int
    meta: dict[str, Any]
    created_at: dt.datetime
    expires_at: dt.datetime

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> StoredFile:
        return cls(**{k: row[k] for k in _COLUMNS.split(", ")})


def as_uuid(value: object) -> uuid.UUID | None:
    """A file or job id from a URL: None when it is not a UUID at all."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


async def _insert(
    filename: str,
    media_type: str,
    purpose: Purpose,
    owner_id: int | None,
    keep: dt.timedelta,
    meta: Mapping[str, Any] | None = None,
) -> uuid.UUID:
    file_id: uuid.UUID = await sql.fetchval(
        "INSERT INTO stored_file (owner_id, purpose, filename, media_type, expires_at, meta)"
        " VALUES ($1, $2, $3, $4, now() + $5, $6) RETURNING id",
        owner_id,
        purpose,
        filename,
        media_type,
        keep,
        dict(meta or {}),
    )
    return file_id


async def _finish(file_id: uuid.UUID, size: int) -> StoredFile:
    row = await sql.fetchrow(
        f"UPDATE stored_file SET size = $2 WHERE id = $1 RETURNING {_COLUMNS}", file_id, size
    )
    assert row is not None
    return StoredFile.of(row)


async def store_bytes(
    content: bytes,
    *,
    filename: str,
    media_type: str,
    purpose: Purpose,
    owner_id: int | None,
    keep: dt.timedelta,
    meta: Mapping[str, Any] | None = None,
) -> StoredFile:
    async with sql.transaction():
        file_id = await _insert(filename, media_type, purpose, owner_id, keep, meta)
        await sql.executemany(
            "INSERT INTO stored_file_chunk (file_id, seq, data) VALUES ($1, $2, $3)",
            [
                (file_id, seq, content[start : start + CHUNK_BYTES])
                for seq, start in enumerate(range(0, len(content), CHUNK_BYTES))
            ],
        )
        return await _finish(file_id, len(content))


async def store_path(
    path: Path,
    *,
    filename: str,
    media_type: str,
    purpose: Purpose,
    owner_id: int | None,
    keep: dt.timedelta,
) -> StoredFile:
    """Copy a file from local disk (a job's scratch file) chunk by chunk."""
    async with sql.transaction():
        file_id = await _insert(filename, media_type, purpose, owner_id, keep)
        size = 0
        with path.open("rb") as handle:
            seq = 0
            while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
                await sql.execute(
                    "INSERT INTO stored_file_chunk (file_id, seq, data) VALUES ($1, $2, $3)",
                    file_id,
                    seq,
                    chunk,
                )
                size += len(chunk)
                seq += 1
        return await _finish(file_id, size)


async def find(
    file_id: object, owner_id: int | None, purpose: Purpose | None = None
) -> StoredFile | None:
    """The file if it exists, has not expired and belongs to `owner_id` (and has that
    purpose); otherwise None (a caller answers 404 either way, so ids of others' files
    reveal nothing)."""
    key = as_uuid(file_id)
    if key is None:
        return None
    row = await sql.fetchrow(
        f"SELECT {_COLUMNS} FROM stored_file WHERE id = $1 AND expires_at > now()"
        " AND owner_id IS NOT DISTINCT FROM $2 AND ($3::text IS NULL OR purpose = $3)",
        key,
        owner_id,
        purpose,
    )
    return StoredFile.of(row) if row else None


async def by_id(file_id: uuid.UUID) -> StoredFile | None:
    row = await sql.fetchrow(f"SELECT {_COLUMNS} FROM stored_file WHERE id = $1", file_id)
    return StoredFile.of(row) if row else None


async def read_all(file_id: uuid.UUID) -> bytes:
    rows = await sql.fetch(
        "SELECT data FROM stored_file_chunk WHERE file_id = $1 ORDER BY seq", file_id
    )
    return b"".join(r["data"] for r in rows)


async def chunks(file_id: uuid.UUID) -> AsyncIterator[bytes]:
    """The content, one chunk per query (no transaction held while the client reads)."""
    seq = 0
    while True:
        data = await sql.fetchval(
            "SELECT data FROM stored_file_chunk WHERE file_id = $1 AND seq = $2", file_id, seq
        )
        if data is None:
            return
        yield bytes(data)
        seq += 1


async def delete(file_id: uuid.UUID | None) -> None:
    if file_id is not None:
        await sql.execute("DELETE FROM stored_file WHERE id = $1", file_id)


async def expire() -> int:
    """Delete every file past its expiry; returns how many went."""
    status = await sql.execute("DELETE FROM stored_file WHERE expires_at <= now()")
    return int(status.split()[-1])

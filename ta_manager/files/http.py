"""A stored file as an HTTP download, streamed chunk by chunk from PostgreSQL."""

from __future__ import annotations

import re

from litestar.response import Stream

from ta_manager.files import service
from ta_manager.files.service import StoredFile


def file_response(file: StoredFile) -> Stream:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", file.filename) or "download"
    return Stream(
        service.chunks(file.id),
        media_type=file.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Length": str(file.size),
        },
    )

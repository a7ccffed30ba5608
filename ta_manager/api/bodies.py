"""Reading request bodies: a body the JSON decoder cannot handle is the caller's error (400),
never a crash (500).

msgspec raises RecursionError for JSON nested deeper than Python's recursion limit (about
1,000 levels) and UnicodeDecodeError for bytes that are not UTF-8; Litestar passes both
on as they are. Installed as the app's `request_class`.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ClientException


class ApiRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        try:
            return await super().json()
        except RecursionError:
            raise ClientException("request body: JSON nested too deeply") from None
        except UnicodeDecodeError:
            raise ClientException(
                "request body: not valid UTF-8; send JSON encoded as UTF-8"
            ) from None

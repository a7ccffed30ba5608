"""Cross-site request forgery protection for browser (cookie) sessions: one mechanism for the
UI's forms and the JSON API (docs/permissions.md, "Cross-site requests").

A browser sends the `ta_session` cookie with any request to this site, whoever made the
page that sends it; SameSite=Strict does not cover same-site origins (another port, a
sibling subdomain). So every unsafe request (not GET/HEAD/OPTIONS) authenticated by the
cookie must prove it comes from our own pages:

- a cross-site `Origin` (or, without Origin, `Referer`) is always refused;
- the UI (every path outside /api/) also needs the session's CSRF token, in the form field
  `_csrf_token` or the `X-CSRF-Token` header (htmx sends it from `hx-headers`);
- the JSON API needs the token in `X-CSRF-Token` or a same-origin `Origin`.

Requests authenticated by an `Authorization: Bearer` header (session or API token) are not
affected: a browser never adds that header to a cross-site request by itself.

The token is an HMAC of the session's token id (jti) under the signing key: bound to one
session, nothing stored, and it changes with every login.

Litestar's CSRFConfig was evaluated first and not used: its double-submit cookie is not
bound to the session (a sibling subdomain can plant the cookie), it checks every request
(Bearer scripts would need a token they cannot have) with only path/opt exemptions, and it
has no Origin check.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection, Request
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

FORM_FIELD = "_csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Set by the authentication middleware when the credential came from the session cookie.
COOKIE_SESSION = "ta_cookie_session"
# The session's token id, for the token (set with COOKIE_SESSION).
SESSION_ID = "ta_session_id"


class CrossSiteRefused(PermissionDeniedException):
    """403: the request does not come from this site's own pages."""


def token_for(secret: str, session_id: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{session_id}".encode(), hashlib.sha256).hexdigest()


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def own_origin(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """scheme://host[:port] the browser used to reach us (the Host header)."""
    scheme = connection.scope.get("scheme", "http")
    host = connection.headers.get("host") or connection.url.netloc
    return f"{scheme}://{host.lower()}"


def origin_verdict(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """'same', 'cross' or 'none' (the request names no origin at all)."""
    origin = connection.headers.get("origin")
    if origin is not None:
        # 'null' (sandboxed frames, opaque origins) is not ours either.
        return "same" if _origin_of(origin) == own_origin(connection) else "cross"
    referer = connection.headers.get("referer")
    if referer:
        return "same" if _origin_of(referer) == own_origin(connection) else "cross"
    return "none"


def session_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The CSRF token of this request's cookie session (None without one)."""
    session_id = connection.scope.get(SESSION_ID)
    if not isinstance(session_id, str) or not session_id:
        return None
    secret: str = connection.app.state.sessions.secret
    return token_for(secret, session_id)


def _matches(sent: object, expected: str) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(sent, expected)


def is_api(path: str) -> bool:
    return path.startswith("/api/")


async def csrf_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """App-wide guard (after the role guard): refuses forged unsafe cookie-session requests."""
    method = connection.scope.get("method", "GET")
    if method in SAFE_METHODS:
        return
    path = connection.scope["path"]
    cookie_session = bool(connection.scope.get(COOKIE_SESSION))
    verdict = origin_verdict(connection)
    if verdict == "cross" and (cookie_session or not is_api(path)):
        raise CrossSiteRefused("cross-site request refused: it does not come from this site")
    if not cookie_session:
        return
    expected = session_token(connection) or ""
    sent: object = connection.headers.get(HEADER)
    if is_api(path):
        if _matches(sent, expected) or verdict == "same":
            return
        raise CrossSiteRefused(
            "a browser session must send its CSRF token (X-CSRF-Token) or a same-origin Origin"
        )
    if sent is None and isinstance(connection, Request):
        content_type, _ = connection.content_type
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await connection.form()
            sent = form.get(FORM_FIELD)
    if not _matches(sent, expected):
        raise CrossSiteRefused("the form is missing its security token; reload the page")

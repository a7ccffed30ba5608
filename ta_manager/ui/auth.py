"""/login and /logout: the e-mail and password form, and the session cookie the API issues."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.security.jwt import Token

from ta_manager.accounts import login
from ta_manager.accounts.authentication import COOKIE, Sessions
from ta_manager.accounts.roles import EVERYONE
from ta_manager.errors import DomainError
from ta_manager.locale import gettext
from ta_manager.ui.pages import AnyRequest, account_of, redirect, render, safe_next

PUBLIC = {"public": True, "exclude_from_auth": True}


@get("/login", opt=PUBLIC, include_in_schema=False, name="ui:login")
async def login_page(request: AnyRequest, next: FromQuery[str | None] = None) -> Template:
    return render(request, "auth/login.html", next=safe_next(next), email="", error="")


@post("/login", opt=PUBLIC, include_in_schema=False, status_code=200)
async def log_in(request: AnyRequest) -> Response[Any]:
    form = await request.form()
    email = str(form.get("email") or "").strip()
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or "/"))
    sessions: Sessions = request.app.state.sessions
    address = request.client.host if request.client else "unknown"
    if not email or not password:
        return render(
            request,
            "auth/login.html",
            status=422,
            next=target,
            email=email,
            error=gettext("Give your e-mail address and your password."),
        )
    try:
        account = await login.authenticate(email, password, address, sessions.limits)
    except DomainError as exc:
        message = (
            gettext("Wrong e-mail or password, or the account is disabled.")
            if exc.status == 401
            else exc.detail
        )
        page = render(
            request, "auth/login.html", status=exc.status, next=target, email=email, error=message
        )
        page.headers.update(getattr(exc, "headers", None) or {})
        return page
    response = redirect(request, target)
    response.set_cookie(sessions.cookie(sessions.issue(account)))
    return response


@get("/logout", opt={"roles": EVERYONE}, include_in_schema=False)
async def logout_page(request: AnyRequest) -> Template:
    return render(request, "auth/logout.html", who=account_of(request).email)


@post("/logout", opt={"roles": EVERYONE}, include_in_schema=False, status_code=200)
async def log_out(request: AnyRequest) -> Response[Any]:
    auth = request.scope.get("auth")
    if isinstance(auth, Token) and isinstance(auth.jti, str):
        await login.revoke_session(auth.jti, account_of(request).id, auth.exp)
    response: Response[Any] = Redirect("/login?done=logout", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


ROUTES: list[Any] = [login_page, log_in, logout_page, log_out]

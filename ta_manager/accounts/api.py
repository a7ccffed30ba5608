"""HTTP routes of this part, mounted under /api/v1 by ta_manager.app.

/auth/login (public), /auth/logout, /auth/me, /auth/tokens (own personal API tokens),
/users (administrators), and the read-only /audit trail.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import JSONBody, QueryParameter
from litestar.security.jwt import Token

from ta_manager.accounts import api_tokens, login, users
from ta_manager.accounts.authentication import COOKIE, ApiTokenAuth, Sessions
from ta_manager.accounts.roles import ADMIN, ADMINS, EVERYONE, SECRETARIAT
from ta_manager.accounts.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenRead,
    LoginRequest,
    Me,
    MeUpdate,
    PasswordChange,
    SessionToken,
    UserCreate,
    UserPage,
    UserRead,
    UserUpdate,
)
from ta_manager.accounts.users import Account
from ta_manager.api.crud import RecordId, etag, version_from
from ta_manager.audit.api import ROUTES as AUDIT_ROUTES

AnyRequest = Request[Any, Any, Any]
# The secretariat reads everything, users included; only administrators change them.
USER_READERS = (ADMIN, SECRETARIAT)
NO_STORE = {"Cache-Control": "no-store"}


def _account(request: AnyRequest) -> Account:
    account: Account = request.scope["user"]
    return account


class AuthController(Controller):
    path = "/auth"
    tags = ["Accounts"]
    opt = {"roles": EVERYONE}

    @post(
        "/login",
        operation_id="login",
        summary="Log in: returns a bearer token (and, with cookie=true, a session cookie)",
        status_code=200,
        opt={"public": True, "exclude_from_auth": True, "problems": (401, 429)},
        security=[],
    )
    async def log_in(
        self, request: AnyRequest, data: JSONBody[LoginRequest]
    ) -> Response[SessionToken]:
        sessions: Sessions = request.app.state.sessions
        address = sessions.address(request)
        account = await login.authenticate(data.email, data.password, address, sessions.limits)
        token = sessions.issue(account)
        body = SessionToken(access_token=token, expires_in=int(sessions.lifetime.total_seconds()))
        cookies = [sessions.cookie(token)] if data.cookie else []
        return Response(body, cookies=cookies, headers=NO_STORE)

    @post("/logout", operation_id="logout", summary="End this session", status_code=204)
    async def log_out(self, request: AnyRequest) -> Response[None]:
        auth = request.scope.get("auth")
        if isinstance(auth, Token) and isinstance(auth.jti, str):
            await login.revoke_session(auth.jti, _account(request).id, auth.exp)
        response: Response[None] = Response(None, status_code=204)
        response.delete_cookie(COOKIE, path="/")
        return response

    @post(
        "/password",
        operation_id="changePassword",
        summary="Change my password (ends all my sessions; log in again)",
        status_code=204,
        opt={"problems": (401, 429)},
    )
    async def change_password(self, request: AnyRequest, data: JSONBody[PasswordChange]) -> None:
        sessions: Sessions = request.app.state.sessions
        address = sessions.address(request)
        account = _account(request)
        await login.authenticate(account.email, data.current_password, address, sessions.limits)
        await users.set_password(account.id, data.new_password)

    @get("/me", operation_id="me", summary="Who am I")
    async def me(self, request: AnyRequest) -> Me:
        account = _account(request)
        by = "api_token" if isinstance(request.scope.get("auth"), ApiTokenAuth) else "session"
        return Me(
            id=account.id,
            email=account.email,
            display_name=account.display_name,
            role=account.role,
            donor=account.donor,
            language=account.language,  # type: ignore[arg-type]
            authenticated_by=by,
        )

    @patch(
        "/me",
        operation_id="updateMe",
        summary="Change my preferred language (null: follow the browser's Accept-Language)",
    )
    async def update_me(self, request: AnyRequest, data: JSONBody[MeUpdate]) -> Me:
        account = _account(request)
        row = await users.set_language(account.id, data.language)
        by = "api_token" if isinstance(request.scope.get("auth"), ApiTokenAuth) else "session"
        return Me(
            id=account.id,
            email=account.email,
            display_name=account.display_name,
            role=account.role,
            donor=account.donor,
            language=row["language"],
            authenticated_by=by,
        )

    @get("/tokens", operation_id="listApiTokens", summary="My personal API tokens")
    async def list_tokens(self, request: AnyRequest) -> list[ApiTokenRead]:
        rows = await api_tokens.list_tokens(_account(request).id)
        return [msgspec.convert(r, ApiTokenRead) for r in rows]

    @post(
        "/tokens",
        operation_id="createApiToken",
        summary="New personal API token (the secret is shown once)",
    )
    async def create_token(
        self, request: AnyRequest, data: JSONBody[ApiTokenCreate]
    ) -> Response[ApiTokenCreated]:
        row, secret = await api_tokens.create_token(
            _account(request).id, data.name, data.expires_on
        )
        body = msgspec.convert({**row, "token": secret}, ApiTokenCreated)
        return Response(body, status_code=201, headers=NO_STORE)

    @delete(
        "/tokens/{token_id:int}",
        operation_id="revokeApiToken",
        summary="Revoke one of my API tokens",
        status_code=204,
    )
    async def revoke_token(self, request: AnyRequest, token_id: RecordId) -> None:
        await api_tokens.revoke_token(_account(request).id, token_id)


def _user(row: dict[str, Any], status: int = 200) -> Response[UserRead]:
    return Response(
        msgspec.convert(row, UserRead), status_code=status, headers={"ETag": etag(row["version"])}
    )


class UserController(Controller):
    path = "/users"
    tags = ["Accounts"]
    opt = {"roles": ADMINS}

    @get("/", operation_id="listUsers", summary="List users", opt={"roles": USER_READERS})
    async def list_users(
        self,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> UserPage:
        rows, total = await users.list_users(limit, offset)
        items = [msgspec.convert(r, UserRead) for r in rows]
        return UserPage(items=items, total=total, limit=limit, offset=offset)

    @get("/{user_id:int}", operation_id="getUser", summary="One user", opt={"roles": USER_READERS})
    async def get_user(self, user_id: RecordId) -> Response[UserRead]:
        return _user(await users.get_user(user_id))

    @post("/", operation_id="createUser", summary="Create a user")
    async def create_user(self, data: JSONBody[UserCreate]) -> Response[UserRead]:
        row = await users.create_user(
            data.email,
            data.role,
            display_name=data.display_name,
            donor=data.donor,
            password=data.password,
            regions=data.regions,
            projects=data.projects,
            language=data.language,
        )
        return _user(row, 201)

    @patch(
        "/{user_id:int}",
        operation_id="updateUser",
        summary="Change a user's name, role, donor, active flag, language or password",
    )
    async def update_user(
        self, request: AnyRequest, user_id: RecordId, data: JSONBody[UserUpdate]
    ) -> Response[UserRead]:
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        version = version_from(request, changes.pop("version", None))
        return _user(await users.update_user(user_id, changes, version))


ROUTES: list[Any] = [AuthController, UserController, *AUDIT_ROUTES]

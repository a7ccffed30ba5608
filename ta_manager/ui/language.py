"""POST /language: the signed-in user keeps a preferred language (the header's switch and
the "My language" form on /admin), then goes back to the page it came from."""

from __future__ import annotations

from typing import Any

from litestar import Response, post

from ta_manager.accounts import users
from ta_manager.accounts.roles import EVERYONE
from ta_manager.ui.pages import AnyRequest, account_of, redirect, safe_next


@post("/language", opt={"roles": EVERYONE}, include_in_schema=False, status_code=200)
async def set_language(request: AnyRequest) -> Response[Any]:
    form = await request.form()
    chosen = str(form.get("language") or "").strip() or None
    await users.set_language(account_of(request).id, chosen)  # an unknown one: a 422 page
    return redirect(request, safe_next(str(form.get("next") or "/")))


ROUTES: list[Any] = [set_language]

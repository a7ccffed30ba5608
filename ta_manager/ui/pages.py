"""What every page shares: the signed-in account, the navigation bar of its role, the CSRF
token, the language, rendering (whole page, or the htmx fragment), redirects and error pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.plugins.htmx import ClientRedirect, HTMXTemplate
from litestar.response import Redirect, Template

from ta_manager.accounts import csrf
from ta_manager.accounts.roles import (
    ADMIN,
    DONOR,
    EDITORS,
    EVERYONE,
    OFFICER,
    SECRETARIAT,
    STAFF,
    VIEWER,
    Role,
)
from ta_manager.accounts.users import Account
from ta_manager.errors import DomainError, NotFound
from ta_manager.locale import (
    LANGUAGE_NAMES,
    LANGUAGES,
    N_,
    UnknownLanguage,
    choose_language,
    current_language,
    gettext,
)

AnyRequest = Request[Any, Any, Any]

# Who reaches which page (the same role sets the API uses for the records behind them).
NEED_READERS: tuple[Role, ...] = (ADMIN, OFFICER, SECRETARIAT, VIEWER)
IMPORTERS: tuple[Role, ...] = (ADMIN, OFFICER, SECRETARIAT)
REFERENCE_EDITORS: tuple[Role, ...] = (ADMIN, SECRETARIAT)


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str  # N_-marked
    roles: tuple[Role, ...]


NAV: tuple[NavItem, ...] = (
    NavItem("/", N_("Dashboard"), EVERYONE),
    NavItem("/activities", N_("Activities"), EVERYONE),
    NavItem("/needs", N_("Needs"), NEED_READERS),
    NavItem("/matrix", N_("Matrix"), STAFF),
    NavItem("/reports", N_("Reports"), STAFF),
    NavItem("/funding", N_("Funding"), (*STAFF, DONOR)),
    NavItem("/imports", N_("Imports"), IMPORTERS),
    NavItem("/proposals", N_("Proposals"), STAFF),
    NavItem("/admin", N_("Administration"), EVERYONE),
)


def account_of(request: AnyRequest) -> Account:
    account: Account = request.scope["user"]
    return account


def may(request: AnyRequest, roles: tuple[Role, ...]) -> bool:
    account = request.scope.get("user")
    return account is not None and account.role in roles


def can_edit(request: AnyRequest) -> bool:
    return may(request, EDITORS)


def pick_language(request: AnyRequest) -> str:
    """The page's language: ?lang=, the account's preference, Accept-Language, English
    (ta_manager.locale.choose_language). An unknown ?lang= is ignored on pages."""
    account = request.scope.get("user")
    preferred = getattr(account, "language", None)
    header = request.headers.get("accept-language")
    try:
        return choose_language(request.query_params.get("lang"), preferred, header)
    except UnknownLanguage:
        return choose_language(None, preferred, header)


async def before_request(request: AnyRequest) -> None:
    """Each page is rendered in the language of its request."""
    current_language.set(pick_language(request))


def _without_lang(request: AnyRequest) -> str:
    """This page's address without ?lang= (where the language switch comes back to)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return request.url.path + ("?" + urlencode(kept) if kept else "")


def context(request: AnyRequest, **values: Any) -> dict[str, Any]:
    account: Account | None = request.scope.get("user")
    nav = [n for n in NAV if account is not None and account.role in n.roles]
    path = request.url.path
    return {
        "account": account,
        "nav": nav,
        "current": next(
            (n.href for n in sorted(nav, key=lambda n: -len(n.href)) if _under(path, n.href)),
            None,
        ),
        "csrf_token": csrf.session_token(request) or "",
        "lang": current_language.get(),
        "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in LANGUAGES],
        "here": _without_lang(request),
        "params": dict(request.query_params),
        "can_edit": can_edit(request),
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
        **values,
    }


def _under(path: str, href: str) -> bool:
    return path == href or (href != "/" and path.startswith(href + "/"))


def is_htmx(request: AnyRequest) -> bool:
    return request.headers.get("hx-request") == "true" and not request.headers.get(
        "hx-history-restore-request"
    )


def render(
    request: AnyRequest,
    template: str,
    *,
    fragment: str | None = None,
    status: int = 200,
    **values: Any,
) -> Template:
    """The page, or only `fragment` (a partial template) when htmx asks for it."""
    name = fragment if fragment and is_htmx(request) else template
    return HTMXTemplate(template_name=name, context=context(request, **values), status_code=status)


def redirect(request: AnyRequest, to: str) -> Response[Any]:
    """After a successful form post: htmx follows HX-Redirect, a plain form a 303."""
    if is_htmx(request):
        return ClientRedirect(to)
    return Redirect(to, status_code=303)


def safe_next(target: str | None) -> str:
    """Only a local path may follow a login (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# Short notices shown after a redirect (?done=...).
NOTICES: dict[str, str] = {
    "created": N_("Saved: the record was created."),
    "saved": N_("Saved."),
    "archived": N_("Archived: the record is hidden from lists (an administrator can restore it)."),
    "confirmed": N_("Confirmed: the activity now answers this need."),
    "rejected": N_("Noted: this activity is no longer offered as a candidate for this need."),
    "restored": N_("The candidate is offered again."),
    "imported": N_("Imported."),
    "linked": N_("Linked: the two records are one event; reports count it once."),
    "delivered": N_("Linked: the held record delivers the plan; reports count the held one."),
    "distinct": N_("Noted: the two records are not the same event; the pair is no longer offered."),
    "merged": N_("Merged: the other record is archived; the kept one has both records' sources."),
    "token": N_("Token revoked."),
    "deleted": N_("Deleted."),
    "logout": N_("You are signed out."),
}


# ---------------------------------------------------------------------- error pages
def _error_page(request: AnyRequest, status: int, title: str, detail: str) -> Response[Any]:
    if is_htmx(request):
        # Show the message in place of the fragment the request aimed at.
        return HTMXTemplate(
            template_name="partials/error.html",
            context=context(request, status=status, title=title, detail=detail),
            status_code=status,
            re_swap="innerHTML",
            re_target="#messages",
        )
    return Template(
        template_name="error.html",
        context=context(request, status=status, title=title, detail=detail),
        status_code=status,
    )


def not_authenticated(request: AnyRequest, exc: Exception) -> Response[Any]:
    target = "/login?next=" + quote(request.url.path + _query(request), safe="/")
    if is_htmx(request):
        return ClientRedirect(target)
    return Redirect(target, status_code=303)


def _query(request: AnyRequest) -> str:
    query = request.url.query
    return f"?{query}" if query else ""


def forbidden(request: AnyRequest, exc: Exception) -> Response[Any]:
    detail = str(getattr(exc, "detail", "") or exc)
    if isinstance(exc, csrf.CrossSiteRefused):
        return _error_page(request, 403, gettext("Request refused"), detail)
    return _error_page(
        request, 403, gettext("Not allowed"), gettext("Your role may not open this page.")
    )


def not_found(request: AnyRequest, exc: Exception) -> Response[Any]:
    return _error_page(
        request,
        404,
        gettext("Not found"),
        gettext("There is no such page or record, or it is not yours to see."),
    )


def domain_error(request: AnyRequest, exc: DomainError) -> Response[Any]:
    if isinstance(exc, NotFound):
        return not_found(request, exc)
    if exc.status == 403:
        return _error_page(request, 403, gettext("Not allowed"), exc.detail)
    return _error_page(request, exc.status, gettext(exc.title), exc.detail)


def http_error(request: AnyRequest, exc: HTTPException) -> Response[Any]:
    if isinstance(exc, NotAuthorizedException):
        return not_authenticated(request, exc)
    if isinstance(exc, PermissionDeniedException):
        return forbidden(request, exc)
    if isinstance(exc, NotFoundException) or exc.status_code == 404:
        return not_found(request, exc)
    return _error_page(request, exc.status_code, gettext("Request error"), str(exc.detail))


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error,
    HTTPException: http_error,
}

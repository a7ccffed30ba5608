"""`?lang=` on the routes that answer with words (reports, proposals, templates, CSV): the
language chosen by ta_manager.locale.choose_language from the query, the signed-in user's
preference and Accept-Language."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Request
from litestar.di import Provide
from litestar.params import QueryParameter

from ta_manager.locale import choose_language

Lang = Annotated[
    Literal["en", "fr", "es"] | None,
    QueryParameter(
        description="Language of the file: en, fr or es. Without it: your account's"
        " preference, then the Accept-Language header, then English (docs/languages.md)"
    ),
]


def language_of(request: Request[Any, Any, Any], asked: str | None = None) -> str:
    """The language of a request (the query's `lang` when given)."""
    account = request.scope.get("user")
    return choose_language(
        asked, getattr(account, "language", None), request.headers.get("accept-language")
    )


def provide_language(request: Request[Any, Any, Any], lang: Lang = None) -> str:
    return language_of(request, lang)


# Add to a route's dependencies and take `language: NamedDependency[str]`.
LANGUAGE = {"language": Provide(provide_language, sync_to_thread=False)}

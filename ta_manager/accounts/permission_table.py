"""The route x role table of a running app, as docs/permissions.md shows it.

    python -m ta_manager.accounts.permission_table > table.md

prints the table for every route of the app (to paste into docs/permissions.md after adding
or changing routes; the permission test checks the app against that document).
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler

from ta_manager.accounts.permissions import is_public_path, required_roles
from ta_manager.accounts.roles import ROLES

SKIPPED_METHODS = frozenset({"OPTIONS", "HEAD"})
COLUMNS = ("anonymous", *ROLES)
ALLOWED, DENIED = "✓", "—"


@dataclass(frozen=True)
class RouteRow:
    method: str
    path: str
    module: str
    roles: frozenset[str] | None  # None: public

    def allows(self, who: str) -> bool:
        return self.roles is None or (who != "anonymous" and who in self.roles)


def route_rows(app: Litestar) -> list[RouteRow]:
    rows = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler):
                continue
            for method in sorted(set(handler.http_methods) - SKIPPED_METHODS):
                roles = None if is_public_path(route.path) else required_roles(handler)
                module = getattr(handler.fn, "__module__", "") or ""
                rows.append(RouteRow(method, route.path, module, roles))
    return sorted(rows, key=lambda r: (r.path, r.method))


def markdown(app: Litestar) -> str:
    head = "| method | path | " + " | ".join(COLUMNS) + " |"
    rule = "|---|---|" + "---|" * len(COLUMNS)
    lines = [head, rule]
    for row in route_rows(app):
        marks = " | ".join(ALLOWED if row.allows(who) else DENIED for who in COLUMNS)
        lines.append(f"| {row.method} | `{row.path}` | {marks} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from ta_manager.app import create_app

    print(markdown(create_app(manage_database=False)), end="")

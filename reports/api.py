"""HTTP routes of this part, mounted under /api/v1 by ta_manager.app."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []

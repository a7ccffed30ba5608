"""The authenticated user of a request, as every layer sees it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ta_manager.accounts.roles import Role


@dataclass(frozen=True)
class Account:
    """The authenticated user of a request (`request.user`)."""

    id: int
    email: str
    display_name: str
    role: Role
    donor_id: int | None = None
    donor: str | None = None
    session_epoch: int = 1
    language: str | None = None  # preferred language; None: the browser's decides

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Account:
        return cls(
            id=row["id"],
            email=row["email"],
            display_name=row["display_name"],
            role=row["role"],
            donor_id=row["donor_id"],
            donor=row["donor"],
            session_epoch=row["session_epoch"],
            language=row.get("language"),
        )

"""The first administrator, created on the very first start when there are no users."""

from __future__ import annotations

from dataclasses import dataclass

from ta_manager.accounts import passwords, users
from ta_manager.accounts.roles import ADMIN

DEFAULT_EMAIL = "admin@localhost.localdomain"


@dataclass(frozen=True)
class FirstAdmin:
    email: str
    password: str | None  # the generated one-time password; None when it came from settings


async def ensure_first_admin(
    email: str | None = None, password: str | None = None
) -> FirstAdmin | None:
    """Create an administrator if no user exists yet; None when there already are users."""
    if await users.count_users() > 0:
        return None
    generated = None if password else passwords.generate()
    await users.create_user(
        email or DEFAULT_EMAIL,
        ADMIN,
        display_name="Administrator",
        password=password or generated,
    )
    return FirstAdmin(email or DEFAULT_EMAIL, generated)

"""Password hashing with Argon2id (argon2-cffi); slow on purpose, so it runs off the event loop."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ta_manager.errors import InvalidInput

HASHER = PasswordHasher()
MIN_LENGTH = 10
# Verified when the account does not exist, so that both cases take the same time.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput.of("password", f"must be at least {MIN_LENGTH} characters")
    if len(password) > 1024:
        raise InvalidInput.of("password", "must be at most 1024 characters")


def generate() -> str:
    """A random password to hand out once (e.g. the first administrator's)."""
    return secrets.token_urlsafe(15)


async def hash_password(password: str) -> str:
    check_strength(password)
    return await asyncio.to_thread(HASHER.hash, password)


def _verify(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored: str | None, password: str) -> bool:
    return await asyncio.to_thread(_verify, stored, password)

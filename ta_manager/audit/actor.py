"""Who is acting: set by the HTTP authentication layer, the CLI and importers; read by the trail.

Every write records the actor of the current context. Code that writes outside an HTTP
request names its actor explicitly:

    with acting_as(Actor(None, "cli:alice", "cli")):
        await service.create(...)
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

Via = Literal["api", "cli", "import", "system", "ui"]


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    email: str
    via: Via


SYSTEM = Actor(None, "system", "system")

current_actor: ContextVar[Actor] = ContextVar("ta_manager_actor", default=SYSTEM)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = current_actor.set(actor)
    try:
        yield actor
    finally:
        current_actor.reset(token)


def command_line_actor(via: Via = "cli") -> Actor:
    """The operating-system user running a command, e.g. `cli:alice`."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):
        name = "unknown"
    return Actor(None, f"{via}:{name}", via)

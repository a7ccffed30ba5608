"""Schemathesis against the ASGI app and a real PostgreSQL: every response must be one the
OpenAPI document declares (status, media type, schema, headers), never a 500.

Run in its own pytest process, without the suite's conftest (the app owns its database
pool here, on schemathesis's event loop):

    pytest --noconftest tests/conformance/check_api.py       # what `make test` runs
    make fuzz                                                # the long run

Bounded (`make test`): 15 examples per operation, the same ones on every run, no coverage
phase. TA_CONFORMANCE_FULL=1 (`make fuzz`): 300 random examples per operation plus
schemathesis's coverage phase (every boundary case the schema defines).
TA_CONFORMANCE_EXAMPLES overrides the number of examples.
"""

from __future__ import annotations

import asyncio
import os
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

FULL = os.environ.get("TA_CONFORMANCE_FULL") == "1"  # `make fuzz`
EXAMPLES = int(os.environ.get("TA_CONFORMANCE_EXAMPLES") or (300 if FULL else 15))


def _server_dsn() -> str:
    from ta_manager.database import embedded

    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    data_dir = Path(
        os.environ.get("TA_TEST_DATA_DIR")
        or Path(platformdirs.user_cache_dir("ta-manager")) / "test-postgres"
    )
    return embedded.start_server(data_dir)


async def _prepare(dsn: str) -> str:
    """Migrate, seed and load the demo data into `dsn`; return an administrator's token."""
    from ta_manager.accounts import api_tokens, users
    from ta_manager.audit import trail
    from ta_manager.audit.actor import acting_as, command_line_actor
    from ta_manager.database import engine
    from ta_manager.database.migrate import migrate
    from ta_manager.demo.loader import load_demo
    from ta_manager.reference.seed import seed_reference

    engine.configure(dsn)
    await migrate()
    await engine.open_pool(min_size=1, max_size=2)
    try:
        trail.install()
        with acting_as(command_line_actor()):
            await seed_reference()
            await load_demo()
            admin = await users.create_user("conformance@example.org", "admin")
        _, token = await api_tokens.create_token(admin["id"], "conformance")
        return token
    finally:
        await engine.close_pool()


def _app_and_token() -> tuple[object, str, str]:
    """A fresh database with the demo data, an administrator's token, and the app on it."""
    from ta_manager.database import embedded

    server = _server_dsn()
    name = f"ta_conformance_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    asyncio.run(embedded.ensure_database(server, name))
    dsn = embedded.with_database(server, name)
    token = asyncio.run(_prepare(dsn))
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("TA_SECRET_KEY", "conformance-" + "x" * 32)
    from ta_manager.app import create_app
    from ta_manager.settings import get_settings

    # The app opens its own pool in its lifespan, on schemathesis's event loop.
    return create_app(get_settings(), manage_database=True), token, dsn


APP, TOKEN, DSN = _app_and_token()
os.environ["TA_CONFORMANCE_TOKEN"] = TOKEN  # read by schemathesis.toml: [auth]
SETTINGS = tomllib.loads(Path(__file__).with_name("schemathesis.toml").read_text("utf-8"))
# The coverage phase (every boundary case the schema defines) takes minutes: `make fuzz` only.
SETTINGS.setdefault("phases", {}).setdefault("coverage", {})["enabled"] = FULL
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(SETTINGS)
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", APP, config=CONFIG)


@pytest.fixture(scope="session", autouse=True)
def drop_database() -> Iterator[None]:
    yield
    from ta_manager.database import embedded

    schemathesis.python.asgi.shutdown_lifespans()  # closes the app's pool
    server = embedded.with_database(DSN, "postgres")
    asyncio.run(embedded.drop_database(server, DSN.rsplit("/", 1)[-1]))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not FULL,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_conforms(case: schemathesis.Case) -> None:
    case.call_and_validate()

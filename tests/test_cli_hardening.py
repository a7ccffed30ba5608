"""The command line (issue 10, item 9): file errors in one line, passwords never in argv,
State names matched as the importers match them, dates in the templates' forms."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from ta_manager.accounts import users
from ta_manager.accounts.passwords import verify_password
from ta_manager.cli import params

ROOT = Path(__file__).parents[1]


async def _cli(dsn: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "ta_manager.cli.main", *args],
        input=stdin,
        env={**os.environ, "DATABASE_URL": dsn},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    return errors[0]


async def test_output_files_in_missing_folders_are_one_line(database: str) -> None:
    for args in (
        ["report", "matrix", "--out", "/nonexistent/x.xlsx"],
        ["report", "funding", "--out", "/nonexistent/x.csv"],
        ["proposal", "export", "1", "--out", "/nonexistent/x.xlsx"],
        ["template", "needs", "--out", "/nonexistent/x.xlsx"],
    ):
        error = _one_line_error(await _cli(database, *args))
        assert "/nonexistent" in error and "does not exist" in error, error


async def test_passwords_never_on_the_command_line(database: str) -> None:
    done = await _cli(
        database, "user", "create", "--email", "o@example.org", "--role", "officer",
        "--password", "long enough password",
    )  # fmt: skip
    assert "--password is not accepted" in _one_line_error(done)
    assert await users.credentials("o@example.org") is None
    done = await _cli(
        database, "user", "create", "--email", "o@example.org", "--role", "officer",
        "--password-stdin", stdin="long enough password\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "long enough password" not in done.stdout + done.stderr
    row = await users.credentials("o@example.org")
    assert row is not None and await verify_password(row["password_hash"], "long enough password")


def test_the_prompt_hides_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: dict[str, object] = {}

    def prompt(text: str, **options: object) -> str:
        asked.update(options)
        return "typed and hidden"

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(click, "prompt", prompt)
    assert params.new_password(from_stdin=False) == "typed and hidden"
    assert asked["hide_input"] is True and asked["confirmation_prompt"] is True


async def test_unknown_state_suggests_the_closest_names(database: str, tmp_path: Path) -> None:
    done = await _cli(
        database, "report", "matrix", "--country", "Benim", "--out", str(tmp_path / "m.json")
    )
    error = _one_line_error(done)
    assert "Benim" in error and "Benin (BEN)" in error, error
    done = await _cli(
        database,
        "report",
        "matrix",
        "--country",
        "benin",
        "--country",
        "BJ",
        "--out",
        str(tmp_path / "m.json"),
    )
    assert done.returncode == 0, done.stderr


async def test_dates_take_the_templates_forms(database: str, tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    done = await _cli(
        database, "report", "matrix", "--stated-from", "31/12/2007",
        "--stated-to", "1 March 2009", "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["filters"]
    done = await _cli(
        database, "report", "annual", "--from", "31/02/2008", "--to", "2008-12-31",
        "--out", str(tmp_path / "a.xlsx"),
    )  # fmt: skip
    assert done.returncode == 2 and "not a real date" in done.stderr, done.stderr

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ta_manager.cli.serve import remember_secret_key


def test_secret_key_is_kept_in_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TA_SECRET_KEY", raising=False)
    remember_secret_key(tmp_path)
    first = os.environ["TA_SECRET_KEY"]
    assert len(first) >= 48
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    monkeypatch.delenv("TA_SECRET_KEY")
    remember_secret_key(tmp_path)  # the next start signs tokens with the same key
    assert os.environ["TA_SECRET_KEY"] == first


def test_an_explicit_secret_key_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TA_SECRET_KEY", "from-the-environment")
    remember_secret_key(tmp_path)
    assert os.environ["TA_SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()

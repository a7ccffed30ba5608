"""Every text of the pages goes through the catalogue, and the catalogue loads."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from ta_manager.locale import (
    LOCALE_DIR,
    available_languages,
    catalogue_path,
    gettext,
    ngettext,
    speaking,
    translations,
)

ROOT = Path(__file__).resolve().parents[1]


def extracted() -> set[str]:
    with (LOCALE_DIR / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(path: Path) -> set[str]:
    with path.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


def test_every_message_is_in_the_english_catalogue_and_the_template() -> None:
    messages = extracted()
    assert len(messages) > 300  # the pages' texts were found
    for path in (catalogue_path("en"), LOCALE_DIR / "messages.pot"):
        missing = sorted(messages - catalogue(path))
        assert not missing, f"run `make messages`: missing from {path.name}: {missing[:10]}"


def test_catalogue_loads_without_a_compile_step() -> None:
    assert available_languages()[0] == "en"
    assert translations("en").gettext("Sign in") == "Sign in"
    assert gettext("%(n)s needs", n=3) == "3 needs"
    assert ngettext("%(num)s row", "%(num)s rows", 2) == "2 rows"
    with speaking("xx"):  # an unknown language falls back to English
        assert gettext("Dashboard") == "Dashboard"


async def test_pages_speak_the_browsers_language_when_there_is_a_catalogue(app, client) -> None:
    from tests.ui_session import browser

    b = await browser(app, "viewer")
    r = await b.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in r.text and "Tableau de bord" in r.text
    await b.aclose()

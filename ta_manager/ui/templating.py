"""The Jinja2 environment of the pages: templates beside this package, autoescaping, the
gettext layer (ta_manager.locale) and number/date filters in the request's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from ta_manager.locale import RequestTranslations, current_language, gettext
from ta_manager.records.partial_dates import NotADate, PartialDate
from ta_manager.records.sources import format_one
from ta_manager.reference.un_states import by_iso3
from ta_manager.ui.choices import LABELS

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def number(value: Any, digits: int = 0) -> str:
    if value is None or value == "":
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(Decimal(str(value)), format=pattern, locale=current_language.get())


def money(value: Any) -> str:
    return number(value, 2)


def day(value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return format_datetime(value, format="medium", locale=current_language.get())
    return format_date(value, format="medium", locale=current_language.get())


def partial(value: Any) -> str:
    """A partial date as given, in words of the request's language: 2008 -> '2008',
    2008-05 -> 'May 2008', 2008-05-12 -> 'May 12, 2008'."""
    if value in (None, ""):
        return "—"
    try:
        found = PartialDate.parse(str(value))
    except NotADate:
        return str(value)
    lang = current_language.get()
    if found.precision == "year":
        return found.text
    if found.precision == "month":
        return format_date(found.first, format="LLLL y", locale=lang)
    return format_date(found.first, format="medium", locale=lang)


def dates(record: Any) -> str:
    """An activity's dates as the reports give them: the actual ones when there are any,
    else the planned ones; 'May 2008', '2004 to ongoing', 'undated'."""
    held = record.get("actual_start") or record.get("actual_end")
    start = record.get("actual_start" if held else "planned_start")
    end = record.get("actual_end" if held else "planned_end")
    if not start and not end:
        return gettext("undated")
    if not end:
        if record.get("status") == "ongoing":
            return gettext("%(start)s to ongoing", start=partial(start))
        return partial(start)
    if not start or start == end:
        return partial(end)
    return gettext("%(start)s to %(end)s", start=partial(start), end=partial(end))


def citation(source: Any) -> str:
    """One source as documents cite it: 'CTOC/COP/2008/16 para 9 fn 17'."""
    return format_one(source) if isinstance(source, dict) else str(source)


def plain(value: Any) -> str:
    """A number as typed in a form: 6.0000 -> 6, 2.50 -> 2.5 (no grouping, no locale)."""
    if value in (None, ""):
        return ""
    if isinstance(value, Decimal | int | float | str):
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            return str(value)
        text = format(number.normalize(), "f")
        return text
    return str(value)


def label(value: Any) -> str:
    """A fixed value (status, scope, role...) as words in the request's language."""
    if value is None:
        return "—"
    text = str(value)
    return gettext(LABELS[text]) if text in LABELS else text.replace("_", " ")


def state(value: Any) -> str:
    """A State's ISO-3 code as its UN name in the request's language: 'BEN' -> 'Bénin (BEN)'
    in French (the code itself when it is not a UN entry)."""
    if value in (None, ""):
        return "—"
    code = str(value)
    entry = by_iso3().get(code.upper())
    if entry is None:
        return code
    lang = current_language.get()
    name = entry.names.get(lang) or entry.names.get("en") or code
    return f"{name} ({code})"


def states(values: Any) -> str:
    return ", ".join(state(v) for v in values or []) or "—"


def query(params: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters changed (for paging and sorting)."""
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "", [])}
    return "?" + urlencode(merged, doseq=True) if merged else "?"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(RequestTranslations(), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        number=number,
        money=money,
        day=day,
        label=label,
        plain=plain,
        partial=partial,
        dates=dates,
        citation=citation,
        state=state,
        states=states,
    )
    env.globals.update(query=query)
    return env


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment()))

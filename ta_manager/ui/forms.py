"""HTML forms <-> the API's request structs.

A form is a list of `Field`s whose names are the API's JSON field names; `read_form` turns
the posted strings into the values the API would receive, and `convert` checks them against
the same msgspec struct the API decodes into, so the UI and the API refuse the same input
with the same field names. Every problem is collected (not only the first), so the page can
show each next to its input.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import msgspec
from litestar.datastructures import FormMultiDict

from ta_manager.errors import DomainError, FieldError
from ta_manager.locale import N_, gettext
from ta_manager.records import references as R

T = TypeVar("T", bound=msgspec.Struct)

# Kinds of input. "list" and "pickers" hold several values typed in one box, separated by
# ';' or new lines (and ',' where the piece as a whole is not a State's name).
KINDS = (
    "text",
    "textarea",
    "email",
    "password",
    "select",
    "checkboxes",
    "date",
    "number",
    "money",
    "list",
    "picker",
    "pickers",
    "bool",
    "professions",
    "partial_date",  # YYYY, YYYY-MM or YYYY-MM-DD, typed as text (the API's partial dates)
    "sources",  # rows of {document, paragraph, footnote, quote}: records/sources.py
)
SEPARATORS = re.compile(r"[;\n\r]+")
SOURCE_PARTS = ("document", "paragraph", "footnote", "quote")
BLANK_SOURCE_ROWS = 2  # blank rows a form offers below the citations it has
SOURCE_KEY = re.compile(r"^(?P<field>\w+)\.(?P<row>\d{1,3})\.(?P<part>\w+)$")


@dataclass(frozen=True)
class Field:
    name: str  # the API's JSON field name
    label: str  # English text, marked with N_ (translated when shown)
    kind: str = "text"
    choices: str | None = None  # name of a choice list (ui/choices.py)
    picker: str | None = None  # type-ahead kind (ui/pickers.py)
    help: str = ""
    required: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")

    @property
    def multiple(self) -> bool:
        return self.kind in ("list", "pickers", "checkboxes")


Errors = dict[str, list[str]]


def split_values(text: str) -> list[str]:
    return [p.strip() for p in SEPARATORS.split(text or "") if p.strip()]


async def split_states(text: str) -> list[str]:
    """State names as typed: split on ';' and new lines, and on ',' unless the piece as a
    whole is a State (so 'Benin, Togo' is two States)."""
    pieces = split_values(text)
    with_comma = [p for p in pieces if "," in p]
    known = await R.COUNTRY.lookup([R.COUNTRY.normalise(p) for p in with_comma])
    out: list[str] = []
    for piece in pieces:
        if "," in piece and R.COUNTRY.normalise(piece) not in known:
            out.extend(p.strip() for p in piece.split(",") if p.strip())
        else:
            out.append(piece)
    return out


def _number(raw: str, field: str, errors: Errors) -> int | None:
    text = raw.strip().replace(" ", "").replace(",", "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        errors.setdefault(field, []).append(gettext("must be a whole number"))
        return None


def _money(raw: str, field: str, errors: Errors) -> Decimal | None:
    text = raw.strip().replace(" ", "").replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.setdefault(field, []).append(gettext("must be an amount, e.g. 12500.50"))
        return None
    if not value.is_finite():
        errors.setdefault(field, []).append(gettext("must be an amount, e.g. 12500.50"))
        return None
    return value


def read_sources(form: FormMultiDict, name: str, errors: Errors) -> list[dict[str, str]]:
    """The citation rows of a sources editor (`sources.0.document`, `sources.0.paragraph`...),
    in row order, blank rows left out; a row without its document symbol is a problem."""
    rows: dict[int, dict[str, str]] = {}
    for key in form:
        m = SOURCE_KEY.match(key) if isinstance(key, str) else None
        if m is None or m["field"] != name or m["part"] not in SOURCE_PARTS:
            continue
        value = form.get(key)
        rows.setdefault(int(m["row"]), {})[m["part"]] = (
            value.strip() if isinstance(value, str) else ""
        )
    out: list[dict[str, str]] = []
    for number, row in sorted(rows.items()):
        filled = {part: row.get(part, "") for part in SOURCE_PARTS}
        if not any(filled.values()):
            continue
        if not filled["document"]:
            errors.setdefault(name, []).append(
                gettext("row %(n)s: give the document symbol, e.g. CTOC/COP/2008/16", n=number + 1)
            )
        out.append(filled)
    return out


async def read_form(
    form: FormMultiDict, fields: Iterable[Field], errors: Errors
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values for the API, raw strings to show again). Empty inputs are left out of the
    values, so the struct's defaults apply, except for single-value fields on edit forms
    where an empty input means 'clear it' (`None`)."""
    values: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    for f in fields:
        if f.kind == "checkboxes":
            chosen = [v for v in form.getall(f.name, []) if isinstance(v, str) and v]
            raw[f.name] = chosen
            values[f.name] = chosen
            continue
        if f.kind == "bool":
            raw[f.name] = f.name in form
            values[f.name] = f.name in form
            continue
        if f.kind == "professions":
            counts: dict[str, int] = {}
            shown: dict[str, str] = {}
            prefix = f.name + "."
            for key in form:
                if isinstance(key, str) and key.startswith(prefix):
                    text = str(form.get(key) or "")
                    shown[key[len(prefix) :]] = text
                    number = _number(text, f.name, errors)
                    if number is not None:
                        counts[key[len(prefix) :]] = number
            raw[f.name] = shown
            values[f.name] = counts
            continue
        if f.kind == "sources":
            rows = read_sources(form, f.name, errors)
            raw[f.name] = rows
            values[f.name] = [r for r in rows if r["document"]]
            continue
        posted = form.get(f.name)
        text = posted if isinstance(posted, str) else ""
        raw[f.name] = text
        if f.kind in ("list", "pickers"):
            values[f.name] = (
                await split_states(text) if f.picker == "countries" else split_values(text)
            )
        elif f.kind == "number":
            values[f.name] = _number(text, f.name, errors)
        elif f.kind == "money":
            values[f.name] = _money(text, f.name, errors)
        elif f.kind in ("textarea", "password"):
            values[f.name] = text if f.kind == "password" else text.strip()
        else:
            values[f.name] = text.strip() or None
    return values, raw


def convert(values: Mapping[str, Any], struct: type[T], errors: Errors) -> T | None:
    """`values` as the API's struct; each field that does not fit gets its reason."""
    hints = {f.name: f for f in msgspec.structs.fields(struct)}
    clean: dict[str, Any] = {}
    for name, value in values.items():
        field = hints.get(name)
        if field is None:
            continue
        if value is None and field.required:
            errors.setdefault(name, []).append(gettext("is required"))
            continue
        if value is None and not field.required and _not_nullable(field.type):
            continue  # empty input: the struct's default
        try:
            clean[name] = msgspec.convert(value, field.type, strict=False)
        except msgspec.ValidationError as exc:
            errors.setdefault(name, []).append(_reason(str(exc)))
    for name, field in hints.items():
        if field.required and name not in clean and name not in errors:
            errors.setdefault(name, []).append(gettext("is required"))
    if errors:
        return None
    try:
        return msgspec.convert(clean, struct, strict=False)
    except msgspec.ValidationError as exc:
        errors.setdefault("form", []).append(_reason(str(exc)))
        return None


def _not_nullable(tp: Any) -> bool:
    try:
        msgspec.convert(None, tp)
    except msgspec.ValidationError:
        return True
    return False


def _reason(message: str) -> str:
    """msgspec's message without its JSON path ('Expected `int`, got `str` - at `$[0]`')."""
    text = message.split(" - at ")[0]
    text = text.replace("Expected `int`", gettext("Expected a whole number"))
    text = text.replace("Expected `date`", gettext("Expected a date (YYYY-MM-DD)"))
    return text


def errors_from(exc: DomainError) -> Errors:
    """A service's problem details, by field (what the API would answer)."""
    out: Errors = {}
    for e in exc.errors:
        value = "" if e.value in (None, "") else f" ({e.value})"
        out.setdefault(_top(e.field), []).append(f"{e.reason}{value}")
    if not out:
        out["form"] = [exc.detail]
    return out


def _top(field: str) -> str:
    """`participants_by_profession.judge` and `lines[0].quantity` belong to their field."""
    return re.split(r"[.\[]", field, maxsplit=1)[0] or "form"


def shown(record: Mapping[str, Any], fields: Iterable[Field]) -> dict[str, Any]:
    """A stored record as the form shows it."""
    out: dict[str, Any] = {}
    for f in fields:
        value = record.get(f.name)
        if f.kind == "checkboxes":
            out[f.name] = list(value or [])
        elif f.kind == "bool":
            out[f.name] = bool(value)
        elif f.kind == "professions":
            out[f.name] = {k: str(v) for k, v in (value or {}).items()}
        elif f.kind == "sources":
            out[f.name] = [{p: str(s.get(p) or "") for p in SOURCE_PARTS} for s in value or []]
        elif f.kind in ("list", "pickers"):
            out[f.name] = "; ".join(str(v) for v in value or [])
        elif value is None:
            out[f.name] = ""
        elif isinstance(value, dt.date):
            out[f.name] = value.isoformat()
        else:
            out[f.name] = str(value)
    return out


def changed_only(
    values: Mapping[str, Any], fields: Iterable[Field], struct: msgspec.Struct
) -> dict[str, Any]:
    """The fields this form shows, from the converted struct: an edit never touches fields
    the form does not have (so fields added to the API later are kept as stored)."""
    names = {f.name for f in fields}
    data = msgspec.structs.asdict(struct)
    return {k: v for k, v in data.items() if k in names and k in values}


def field_error(field: str, reason: str) -> FieldError:
    return FieldError(field, reason)


REQUIRED_MARK = N_("required")

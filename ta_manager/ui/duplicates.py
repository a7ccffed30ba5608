"""/activities/duplicates: the review list of records that may be one event reported in
several documents (issue 11 item 4), on the same service as the API
(ta_manager.activities.duplicates and .merging).

Each pair is shown side by side with its score and the reasons; a reviewer answers it:
"same event" (the first record's `same_event_as` names the second), "plan delivered" (when
one is a plan and the other was held: the held record `delivers` the plan), "not the same"
(the pair is no longer offered) or "merge" into one of the two (both records' sources and
links kept, the other archived). Every answer is a CSRF-protected post, goes through the
services (audited, the officer's assignments checked as the API checks them) and carries
the versions of both records as shown: if either changed meanwhile nothing is written and
the pair comes back as it is now.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qsl, urlencode

from litestar import Response, get, post
from litestar.response import Template

from ta_manager.accounts.assignments import within_assignment
from ta_manager.accounts.roles import EDITORS, STAFF
from ta_manager.activities.duplicates import (
    DEFAULT_MIN_SCORE,
    DuplicateFilters,
    LinkKind,
    find_duplicates,
    link_pair,
    mark_distinct,
)
from ta_manager.activities.merging import merge_activities
from ta_manager.activities.service import ActivityService
from ta_manager.errors import DomainError, InvalidInput, NotFound, StaleVersion
from ta_manager.locale import N_, gettext
from ta_manager.records import references as R
from ta_manager.ui import choices
from ta_manager.ui.forms import Errors, errors_from
from ta_manager.ui.pages import AnyRequest, account_of, is_htmx, redirect, render
from ta_manager.ui.records import int_or_none

SERVICE = ActivityService()
PAGE_LIMIT = 50
FILTER_KEYS = ("min_score", "type", "from", "to", "include_linked")
ACTIONS = ("same_event", "delivers", "distinct", "merge_first", "merge_second")
DONE = {
    "same_event": N_("Linked: %(first)s and %(second)s are one event; reports count it once."),
    "delivers": N_("Linked: %(held)s delivers the plan %(plan)s."),
    "distinct": N_("Noted: %(first)s and %(second)s are not the same event."),
    "merge": N_(
        "Merged: %(other)s into %(kept)s (kept with both records' sources; %(other)s is archived)."
    ),
}


def _filters(request: AnyRequest, errors: Errors) -> DuplicateFilters:
    params = request.query_params

    def date(name: str) -> dt.date | None:
        text = (params.get(name) or "").strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            errors.setdefault(name, []).append(gettext("give a date as YYYY-MM-DD"))
            return None

    score_text = (params.get("min_score") or "").strip()
    score = DEFAULT_MIN_SCORE
    if score_text:
        if score_text.isdigit():
            score = int(score_text)
        else:
            errors.setdefault("min_score", []).append(gettext("must be a whole number"))
    types = [t for t in params.getall("type", []) if t]
    return DuplicateFilters(
        min_score=score,
        type=types or None,
        date_from=date("from"),
        date_to=date("to"),
        include_linked=params.get("include_linked") == "true",
        limit=PAGE_LIMIT,
    )


async def _records(codes: list[str]) -> dict[str, dict[str, Any]]:
    """The current records (id, version, links) of the codes the pairs name, by code."""
    if not codes:
        return {}
    ids = await R.ACTIVITY.ids(codes, "activities")
    return {r["code"]: r for r in await SERVICE.get_many(ids)}


async def _pairs(filters: DuplicateFilters) -> list[dict[str, Any]]:
    pairs = await find_duplicates(filters)
    records = await _records(sorted({a["code"] for p in pairs for a in p["activities"]}))
    for p in pairs:
        p["records"] = [records[a["code"]] for a in p["activities"]]
    return pairs


def _back(request: AnyRequest) -> str:
    pairs = [(k, v) for k in FILTER_KEYS for v in request.query_params.getall(k, []) if v]
    return urlencode(pairs)


@get("/activities/duplicates", opt={"roles": STAFF}, include_in_schema=False)
async def review_list(request: AnyRequest) -> Template:
    errors: Errors = {}
    filters = _filters(request, errors)
    pairs: list[dict[str, Any]] = []
    if not errors:
        try:
            pairs = await _pairs(filters)
        except InvalidInput as exc:
            errors = errors_from(exc)
    return render(
        request,
        "activities/duplicates.html",
        fragment="activities/partials/pairs.html",
        pairs=pairs,
        errors=errors,
        min_score=filters.min_score,
        limit=PAGE_LIMIT,
        back=_back(request),
        choices=await choices.load({"activity_types"}),
    )


async def _pair_now(first: str, second: str) -> dict[str, Any] | None:
    """The pair as the finder sees it now (linked pairs included), or None if it is gone."""
    records = await _records([first, second])
    found = await find_duplicates(DuplicateFilters(min_score=0, include_linked=True, limit=1000))
    wanted = {first.upper(), second.upper()}
    for p in found:
        if {a["code"].upper() for a in p["activities"]} == wanted:
            p["records"] = [records[a["code"]] for a in p["activities"]]
            return p
    return None


async def _decide(request: AnyRequest, action: str, form: Any) -> tuple[str, str]:
    """Carry out the reviewer's answer; returns the notice's key (?done=) and its text."""
    first, second = str(form.get("first") or ""), str(form.get("second") or "")
    versions = (
        int_or_none(str(form.get("first_version") or "")),
        int_or_none(str(form.get("second_version") or "")),
    )
    if None in versions:
        raise InvalidInput.of("version", "the versions of both records are required")
    account = account_of(request)
    first_id = await R.ACTIVITY.id(first, "first")
    if action in ("same_event", "delivers"):
        how: LinkKind = "same_event_as" if action == "same_event" else "delivers"
        written = await within_assignment(
            account, "activity", first_id, lambda: link_pair(first, second, how, versions)
        )
        if how == "same_event_as":
            return "linked", gettext(DONE["same_event"], first=first, second=second)
        plan = second if written["code"].upper() == first.upper() else first
        return "delivered", gettext(DONE["delivers"], held=written["code"], plan=plan)
    if action == "distinct":
        await mark_distinct(first, second, versions)
        return "distinct", gettext(DONE["distinct"], first=first, second=second)
    kept, other = (first, second) if action == "merge_first" else (second, first)
    kept_version, other_version = versions if action == "merge_first" else versions[::-1]
    kept_id = await R.ACTIVITY.id(kept, "keep")
    current = await SERVICE.get(await R.ACTIVITY.id(other, "other"))
    if current["version"] != other_version:
        raise StaleVersion("activity", current["id"], other_version or 0, current["version"])
    await within_assignment(
        account, "activity", kept_id, lambda: merge_activities(kept_id, other, kept_version)
    )
    return "merged", gettext(DONE["merge"], kept=kept, other=other)


@post("/activities/duplicates/decide", opt={"roles": EDITORS}, include_in_schema=False)
async def decide(request: AnyRequest) -> Response[Any]:
    form = await request.form()
    action = str(form.get("action") or "")
    back = urlencode(
        [(k, v) for k, v in parse_qsl(str(form.get("back") or "")) if k in FILTER_KEYS]
    )
    if action not in ACTIONS:
        raise InvalidInput.of("action", f"one of {', '.join(ACTIONS)}", action)
    first, second = str(form.get("first") or ""), str(form.get("second") or "")
    try:
        done, notice = await _decide(request, action, form)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        problem = errors_from(exc)
        if isinstance(exc, StaleVersion):
            problem = {
                "version": [
                    gettext(
                        "One of the two records was changed since this list was shown;"
                        " nothing was written. Here is the pair as it is now."
                    )
                ]
            }
        status = exc.status if exc.status < 500 else 422
        pair = await _pair_now(first, second)
        if is_htmx(request):
            return render(
                request,
                "activities/partials/pair.html",
                status=status,
                pair=pair,
                problem=problem,
                gone=(first, second),
                back=back,
            )
        return render(
            request,
            "activities/duplicates.html",
            status=status,
            pairs=[pair] if pair else [],
            errors={},
            problem=problem,
            problem_pair=(first, second),
            min_score=0,
            limit=PAGE_LIMIT,
            back=back,
            choices=await choices.load({"activity_types"}),
        )
    if is_htmx(request):
        return render(request, "activities/partials/decided.html", notice=notice)
    return redirect(request, f"/activities/duplicates?done={done}" + (f"&{back}" if back else ""))


ROUTES: list[Any] = [review_list, decide]

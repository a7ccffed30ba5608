"""/jobs: long work started from the pages (report workbooks, proposal exports, imports) runs
as a job of the queue (ta_manager.jobs.service, docs/jobs.md), so a page never waits on it.

- `POST /jobs` (a download button: `kind` and `params` as JSON text, the same params as the
  API's jobs) starts the job. With htmx the answer is a progress fragment that polls
  `GET /jobs/{id}` every second (step, done of total, a <progress> bar) until the job is
  done, then offers `/jobs/{id}/download`; a Cancel button posts `/jobs/{id}/cancel`.
  Without JavaScript the post answers 303 to `/jobs/{id}`, a page that refreshes itself
  (<meta http-equiv=refresh>) until the file is ready.
- When no job worker is running (TA_JOB_WORKERS=0 and no `ta-manager worker`), a queued
  job would wait for ever: the button then sends the browser to the report's own download
  URL, which builds the file in the web process as before.
- A job is its starter's only: anyone else, another donor included, gets 404 (the service
  checks); a refused start shows the service's problem details (403, 404, 422).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlencode

import msgspec
from litestar import Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream, Template

from ta_manager.accounts.roles import DONOR, STAFF
from ta_manager.errors import Conflict, DomainError, InvalidInput
from ta_manager.files.http import file_response
from ta_manager.jobs import service as jobs
from ta_manager.locale import N_, current_language, gettext
from ta_manager.settings import Settings
from ta_manager.ui.pages import AnyRequest, account_of, is_htmx, render

JOB_USERS = (*STAFF, DONOR)
# Kinds whose result is shown on the page rather than downloaded (an import's summary or
# problems): kind -> async (request, job, **query) -> template values. ui/imports.py adds
# its own, so this module needs no import of it.
ResultView = Callable[..., Awaitable[dict[str, Any]]]
RESULT_VIEWS: dict[str, ResultView] = {}
FINISHED = ("done", "failed", "cancelled")
POLL_SECONDS = 1  # htmx polling
REFRESH_SECONDS = 2  # the page without JavaScript

TITLES = {
    "matrix": N_("Needs-to-activity matrix"),
    "annual": N_("Annual activity report"),
    "funding": N_("Funding export"),
    "proposal": N_("Proposal workbook"),
    "import": N_("Import"),
    "iati": N_("IATI activity file"),
}
STATES = {
    "queued": N_("waiting in the queue"),
    "running": N_("running"),
    "done": N_("done"),
    "failed": N_("failed"),
    "cancelled": N_("cancelled"),
}


# Kinds whose file has words (docs/languages.md); started from a page in its language.
SPEAKING_KINDS = ("matrix", "annual", "funding", "proposal")


def settings_of(request: AnyRequest) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def direct_url(kind: str, params: dict[str, Any]) -> str | None:
    """The synchronous download URL of a report job (built in the web process)."""
    query = {k: v for k, v in params.items() if k != "format" and v not in (None, "", [])}
    qs = ("?" + urlencode(query, doseq=True)) if query else ""
    if kind == "matrix":
        return f"/api/v1/reports/matrix.xlsx{qs}"
    if kind == "annual":
        return f"/api/v1/reports/annual.xlsx{qs}"
    if kind == "funding":
        return f"/api/v1/reports/funding.{params.get('format') or 'xlsx'}{qs}"
    if kind == "proposal" and isinstance(params.get("id"), int):
        lang = f"?lang={params['lang']}" if params.get("lang") else ""
        return f"/api/v1/proposals/{params['id']}.xlsx{lang}"
    return None


async def worker_running(request: AnyRequest) -> bool:
    return bool(await jobs.workers_alive(settings_of(request)))


def job_url(job: dict[str, Any], **extra: str) -> str:
    query = {k: v for k, v in extra.items() if v}
    return f"/jobs/{job['id']}" + (f"?{urlencode(query)}" if query else "")


def job_context(job: dict[str, Any], workers: bool, **extra: Any) -> dict[str, Any]:
    """What the progress fragment shows of a job (see jobs/partials/job.html)."""
    progress = job["progress"]
    total, done = progress.get("total") or 0, progress.get("done") or 0
    return {
        "job": job,
        "title": gettext(TITLES.get(job["kind"], job["kind"])),
        "state_text": gettext(STATES.get(job["state"], job["state"])),
        "finished": job["state"] in FINISHED,
        "percent": round(100 * done / total) if total else None,
        "workers": workers,
        "poll": POLL_SECONDS,
        **extra,
    }


def _problem_page(request: AnyRequest, exc: DomainError, kind: str) -> Template:
    return render(
        request,
        "jobs/page.html",
        fragment="jobs/partials/problem.html",
        status=exc.status if exc.status < 500 else 422,
        title=gettext(TITLES.get(kind, kind)),
        problem={
            "title": exc.title,
            "detail": exc.detail,
            "errors": [
                {"field": e.field, "reason": e.reason, "value": e.value} for e in exc.errors
            ],
        },
        job=None,
    )


@post("/jobs", opt={"roles": JOB_USERS}, include_in_schema=False, status_code=200)
async def start_job(request: AnyRequest) -> Response[Any]:
    form = await request.form()
    kind = str(form.get("kind") or "")
    try:
        params = msgspec.json.decode(str(form.get("params") or "{}"))
        if not isinstance(params, dict):
            raise InvalidInput.of("params", "must be an object of the report's filters", params)
    except msgspec.DecodeError as exc:
        return _problem_page(request, InvalidInput.of("params", f"not JSON: {exc}"), kind)
    except InvalidInput as exc:
        return _problem_page(request, exc, kind)
    if kind in SPEAKING_KINDS:
        params.setdefault("lang", current_language.get())  # the file speaks the page's language
    if not await worker_running(request):
        direct = direct_url(kind, params)
        if direct is not None:
            if is_htmx(request):
                return Response(content=b"", status_code=200, headers={"HX-Redirect": direct})
            return Redirect(direct, status_code=303)
    try:
        job = await jobs.start(account_of(request), kind, params, None, settings_of(request))
    except DomainError as exc:
        return _problem_page(request, exc, kind)
    return await show(request, job)


async def show(request: AnyRequest, job: dict[str, Any], **extra: Any) -> Response[Any]:
    """The job's progress fragment (htmx) or its page (303 there after a plain post)."""
    if request.method == "POST" and not is_htmx(request):
        return Redirect(job_url(job, **{k: str(v) for k, v in extra.items() if v}), status_code=303)
    workers = job["state"] in FINISHED or await worker_running(request)
    context = job_context(job, workers, query=job_url(job, **extra).partition("?")[2])
    result_view = RESULT_VIEWS.get(job["kind"])
    if result_view is not None:
        context.update(await result_view(request, job, **extra))
    return render(
        request,
        "jobs/page.html",
        fragment="jobs/partials/job.html",
        refresh=None if context["finished"] else REFRESH_SECONDS,
        **context,
    )


@get("/jobs/{job_id:str}", opt={"roles": JOB_USERS}, include_in_schema=False)
async def job_page(
    request: AnyRequest,
    job_id: FromPath[str],
    upload: FromQuery[str] = "",
    file: FromQuery[str] = "",
) -> Response[Any]:
    job = await jobs.status(account_of(request), job_id, settings_of(request))
    return await show(request, job, upload=upload, file=file)


@post("/jobs/{job_id:str}/cancel", opt={"roles": JOB_USERS}, include_in_schema=False)
async def cancel_job(request: AnyRequest, job_id: FromPath[str]) -> Response[Any]:
    account = account_of(request)
    try:
        job = await jobs.cancel(account, job_id)
    except Conflict:
        job = await jobs.status(account, job_id, settings_of(request))  # it finished meanwhile
    if not is_htmx(request):
        return Redirect(f"/jobs/{quote(job['id'])}", status_code=303)
    return await show(request, job)


@get("/jobs/{job_id:str}/download", opt={"roles": JOB_USERS}, include_in_schema=False)
async def download(request: AnyRequest, job_id: FromPath[str]) -> Stream:
    return file_response(await jobs.result_file(account_of(request), job_id))


@get("/jobs", opt={"roles": JOB_USERS}, include_in_schema=False)
async def my_jobs(request: AnyRequest) -> Template:
    items = await jobs.listing(account_of(request), 30)
    rows = []
    for j in items:
        row = job_context(j, True)
        params = j["params"] or {}
        if j["kind"] == "import":
            what = str(params.get("kind", ""))
            if params.get("dry_run"):
                row["title"] = gettext("Check of a file of %(kind)s", kind=what)
            else:
                row["title"] = gettext("Import of a file of %(kind)s", kind=what)
        rows.append(row)
    return render(request, "jobs/list.html", rows=rows)


ROUTES: list[Any] = [start_job, job_page, cancel_job, download, my_jobs]

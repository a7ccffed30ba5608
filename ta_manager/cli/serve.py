"""`ta-manager serve`: migrate, seed, load demo data on first start, then serve HTTP with
TA_WEB_PROCESSES API processes (default: one per core) behind one port, and TA_JOB_WORKERS
job workers (default 1) watched and restarted if they die. Ctrl-C stops them all.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
from pathlib import Path

import click

from ta_manager.cli.runtime import run_with_database, settings_or_exit


async def prepare(load_demo: bool) -> bool:
    """Migrate and seed; load the demo data set when the database has no activities yet."""
    from ta_manager.database import sql
    from ta_manager.database.migrate import migrate
    from ta_manager.demo.loader import load_demo as load
    from ta_manager.reference.seed import seed_reference

    await migrate()
    await seed_reference()
    if load_demo and not await sql.fetchval("SELECT EXISTS (SELECT 1 FROM activity)"):
        await load()
        return True
    return False


async def first_administrator(email: str | None, password: str | None) -> None:
    """On the very first start (no users), create an administrator and say how to log in."""
    from ta_manager.accounts.first_admin import ensure_first_admin
    from ta_manager.audit.actor import acting_as, command_line_actor

    with acting_as(command_line_actor()):
        admin = await ensure_first_admin(email, password)
    if admin is None:
        return
    click.echo(f"created the first administrator: {admin.email}")
    if admin.password:
        click.echo(f"one-time password (shown only now): {admin.password}")
        click.echo(
            "change it after logging in (POST /api/v1/auth/password) or with:"
            f" ta-manager user set-password --email {admin.email}"
        )


def remember_secret_key(data_dir: Path) -> None:
    """Without TA_SECRET_KEY, keep one key in TA_DATA_DIR so logins survive a restart of
    `make run` (a random key per process would sign everybody out)."""
    if os.environ.get("TA_SECRET_KEY"):
        return
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    os.environ["TA_SECRET_KEY"] = path.read_text(encoding="utf-8").strip()


class WorkerProcesses:
    """`ta-manager worker` child processes, each restarted (after a growing pause) when it
    dies; stopped with SIGTERM, which hands their running jobs back to the queue.

    They run in their own session, so the terminal's Ctrl-C reaches them only through
    `stop()`, once."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.stopping = threading.Event()
        self.processes: list[subprocess.Popen[bytes] | None] = [None] * count
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        for slot in range(self.count):
            thread = threading.Thread(target=self._keep, args=(slot,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "ta_manager.cli.main", "worker"], start_new_session=True
        )

    def _keep(self, slot: int) -> None:
        pause = 1.0
        while not self.stopping.is_set():
            with self.lock:
                if self.stopping.is_set():
                    return
                process = self.processes[slot] = self._spawn()
            code = process.wait()
            if self.stopping.is_set() or code == 0:
                return
            click.echo(f"job worker {process.pid} exited ({code}); restarting in {pause:.0f} s")
            self.stopping.wait(pause)
            pause = min(pause * 2, 30.0)

    def stop(self, grace: float = 30.0) -> None:
        with self.lock:
            self.stopping.set()
            running = [p for p in self.processes if p is not None and p.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@click.command("serve")
@click.option(
    "--init/--no-init",
    default=True,
    show_default=True,
    help="Migrate, seed reference data and load demo data into an empty database first.",
)
@click.option(
    "--demo/--no-demo",
    default=True,
    show_default=True,
    help="With --init: load the demo data set when there are no activities yet.",
)
@click.option("--reload", is_flag=True, help="Restart on code changes (development; one process).")
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    help="API processes behind the port [default: TA_WEB_PROCESSES, one per core].",
)
@click.option(
    "--workers",
    "job_workers",
    type=click.IntRange(min=0),
    default=None,
    help="Job workers to start [default: TA_JOB_WORKERS, 1]; 0 when they run elsewhere.",
)
def serve_command(
    init: bool, demo: bool, reload: bool, processes: int | None, job_workers: int | None
) -> None:
    """Serve the HTTP API on TA_HOST:TA_PORT (default http://127.0.0.1:8000) and run jobs."""
    import uvicorn

    settings = settings_or_exit()
    processes = 1 if reload else (processes or settings.web_processes)
    job_workers = settings.job_workers if job_workers is None else job_workers
    if settings.embedded:
        remember_secret_key(settings.data_dir)
    elif not os.environ.get("TA_SECRET_KEY"):
        # Every process must sign and check tokens with the same key.
        os.environ["TA_SECRET_KEY"] = secrets.token_urlsafe(48)
        click.echo("TA_SECRET_KEY is not set: logins end when the server restarts", err=True)
    if init:

        async def first_start() -> bool:
            loaded = await prepare(demo)
            await first_administrator(settings.admin_email, settings.admin_password)
            return loaded

        if run_with_database(first_start):
            click.echo("loaded the demo data set (first start)")
    where = (
        "embedded PostgreSQL in " + str(settings.data_dir) if settings.embedded else "DATABASE_URL"
    )
    click.echo(f"ta-manager on http://{settings.host}:{settings.port} (database: {where})")
    click.echo(f"API docs: http://{settings.host}:{settings.port}/schema")
    click.echo(f"{processes} API process(es), {job_workers} job worker(s); Ctrl-C stops them")
    if settings.embedded:
        # This process keeps the embedded server up for as long as it serves; the API
        # processes and workers only connect to it (and so never stop it behind its back).
        from ta_manager.database.embedded import resolve_dsn
        from ta_manager.database.supervisor import keep_embedded_alive

        os.environ["DATABASE_URL"] = resolve_dsn(None, settings.data_dir, settings.db_start_seconds)
        # ... and starts it again should it die (the API answers 503 meanwhile).
        keep_embedded_alive(settings.data_dir, settings.db_start_seconds)
    workers = WorkerProcesses(job_workers)
    workers.start()
    try:
        uvicorn.run(
            "ta_manager.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level.lower(),
            reload=reload,
            workers=processes if processes > 1 else None,
            # The app reads X-Forwarded-For itself, from TA_TRUSTED_PROXIES only; uvicorn
            # would believe it from any local peer and hide the real one.
            proxy_headers=False,
        )
    finally:
        workers.stop()

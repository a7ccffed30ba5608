"""All configuration comes from environment variables, read in this one place."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(ValueError):
    """A setting has a value the service cannot run with."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc


def _positive(name: str, default: int) -> int:
    value = _int(name, default)
    if value < 1:
        raise SettingsError(f"{name} must be at least 1, got {value}")
    return value


def _at_least(name: str, default: int, least: int) -> int:
    value = _int(name, default)
    if value < least:
        raise SettingsError(f"{name} must be at least {least}, got {value}")
    return value


def _between(name: str, default: int, least: int, most: int) -> int:
    value = _at_least(name, default, least)
    if value > most:
        raise SettingsError(f"{name} must be at most {most}, got {value}")
    return value


def _bool(name: str, default: bool) -> bool:
    raw = (os.environ.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = (os.environ.get(name) or default).strip().lower()
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _networks(name: str) -> tuple[Network, ...]:
    """Comma-separated addresses or CIDR ranges, e.g. `10.0.0.5, 192.168.0.0/24, ::1`."""
    out = []
    for item in (os.environ.get(name) or "").split(","):
        if not item.strip():
            continue
        try:
            out.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError as exc:
            raise SettingsError(
                f"{name}: {item.strip()!r} is not an IP address or CIDR range"
            ) from exc
    return tuple(out)


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    data_dir: Path
    host: str
    port: int
    secret_key: str
    log_level: str
    max_request_bytes: int
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    # Accounts: session lifetime, login throttling, first administrator.
    token_minutes: int = 480
    login_max_failures: int = 5
    login_max_failures_per_address: int = 20
    login_window_seconds: int = 900
    cookie_secure: bool = True
    admin_email: str | None = None
    admin_password: str | None = None
    import_max_bytes: int = 50 * 1024 * 1024
    # Reverse proxies whose X-Forwarded-For is believed; from anyone else it is ignored.
    trusted_proxies: tuple[Network, ...] = field(default_factory=tuple)
    # How long to wait for the embedded PostgreSQL to finish crash recovery at start-up.
    db_start_seconds: int = 120
    # Processes and jobs (docs/jobs.md).
    web_processes: int = field(default_factory=lambda: os.cpu_count() or 1)
    job_workers: int = 1
    worker_jobs: int = 2
    job_heartbeat_seconds: int = 30
    job_max_attempts: int = 3
    files_keep_hours: int = 24
    sync_wait_seconds: int = 20
    worker_nice: int = 10
    # IATI publishing (docs/iati.md): the reporting organisation and what is published.
    iati_reporting_org: str = ""
    iati_reporting_org_name: str = ""
    iati_reporting_org_type: int = 40
    iati_lang: str = "en"
    iati_publish_activities: bool = True
    iati_default_sector: str = ""
    # Memory each sort or hash of a report's queries may use before spilling to disk.
    report_work_mem_mb: int = 64
    # Report workbooks: "rust" (rvgsrust-xlsxwriter) or "xlsxwriter" (docs/benchmarks.md).
    report_writer: str = "rust"

    @property
    def embedded(self) -> bool:
        """No DATABASE_URL means the service runs its own PostgreSQL in TA_DATA_DIR."""
        return not self.database_url

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(
            os.environ.get("TA_DATA_DIR") or platformdirs.user_data_dir("ta-manager", "ta-manager")
        ).expanduser()
        log_level = (os.environ.get("TA_LOG_LEVEL") or "INFO").upper()
        if log_level not in LOG_LEVELS:
            raise SettingsError(f"TA_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        port = _int("TA_PORT", 8000)
        if not 0 < port < 65536:
            raise SettingsError(f"TA_PORT must be between 1 and 65535, got {port}")
        origins = tuple(
            o.strip() for o in (os.environ.get("TA_CORS_ORIGINS") or "").split(",") if o.strip()
        )
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            data_dir=data_dir,
            host=os.environ.get("TA_HOST") or "127.0.0.1",
            port=port,
            # A random key per process is safe (tokens expire on restart); set it in production.
            secret_key=os.environ.get("TA_SECRET_KEY") or secrets.token_urlsafe(32),
            log_level=log_level,
            max_request_bytes=_int("TA_MAX_REQUEST_BYTES", 10 * 1024 * 1024),
            cors_origins=origins,
            token_minutes=_positive("TA_TOKEN_MINUTES", 480),
            login_max_failures=_positive("TA_LOGIN_MAX_FAILURES", 5),
            login_max_failures_per_address=_positive("TA_LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
            login_window_seconds=_positive("TA_LOGIN_WINDOW_SECONDS", 900),
            cookie_secure=_bool("TA_COOKIE_SECURE", True),
            admin_email=os.environ.get("TA_ADMIN_EMAIL") or None,
            admin_password=os.environ.get("TA_ADMIN_PASSWORD") or None,
            import_max_bytes=_positive("TA_IMPORT_MAX_BYTES", 50 * 1024 * 1024),
            trusted_proxies=_networks("TA_TRUSTED_PROXIES"),
            db_start_seconds=_positive("TA_DB_START_SECONDS", 120),
            web_processes=_positive("TA_WEB_PROCESSES", os.cpu_count() or 1),
            job_workers=_at_least("TA_JOB_WORKERS", 1, 0),
            # pgqueuer needs room for twice the batch (one job) a worker takes at a time.
            worker_jobs=_at_least("TA_WORKER_JOBS", 2, 2),
            job_heartbeat_seconds=_at_least("TA_JOB_HEARTBEAT_SECONDS", 30, 2),
            job_max_attempts=_positive("TA_JOB_MAX_ATTEMPTS", 3),
            files_keep_hours=_positive("TA_FILES_KEEP_HOURS", 24),
            sync_wait_seconds=_at_least("TA_SYNC_WAIT_SECONDS", 20, 0),
            worker_nice=_between("TA_WORKER_NICE", 10, 0, 19),
            iati_reporting_org=(os.environ.get("TA_IATI_REPORTING_ORG") or "").strip(),
            iati_reporting_org_name=(os.environ.get("TA_IATI_REPORTING_ORG_NAME") or "").strip(),
            iati_reporting_org_type=_positive("TA_IATI_REPORTING_ORG_TYPE", 40),
            iati_lang=(os.environ.get("TA_IATI_LANG") or "en").strip().lower(),
            iati_publish_activities=_bool("TA_IATI_PUBLISH_ACTIVITIES", True),
            iati_default_sector=(os.environ.get("TA_IATI_DEFAULT_SECTOR") or "").strip(),
            report_work_mem_mb=_between("TA_REPORT_WORK_MEM_MB", 64, 1, 4096),
            report_writer=_choice("TA_REPORT_WRITER", "rust", ("rust", "xlsxwriter")),
        )


def get_settings() -> Settings:
    return Settings.from_env()


def planner_settings() -> dict[str, str]:
    """PostgreSQL planner settings every connection of the service sets.

    TA_DB_RANDOM_PAGE_COST (default 1.1; empty: the server's own): PostgreSQL's default of
    4 prices a random read as if from a spinning disk, so a list filtered by a State reads
    all 100,000 activities in order rather than look up the State's 1,500 by key. 1.1 is the
    value usually given for SSDs and data in memory."""
    raw = os.environ.get("TA_DB_RANDOM_PAGE_COST")
    value = "1.1" if raw is None else raw.strip()
    if not value:
        return {}
    try:
        if float(value) <= 0:
            raise ValueError
    except ValueError as exc:
        raise SettingsError(
            f"TA_DB_RANDOM_PAGE_COST must be a positive number (or empty), got {raw!r}"
        ) from exc
    return {"random_page_cost": value}

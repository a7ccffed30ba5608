"""Accounts: users, personal API tokens, revoked sessions, login failures, assignments.

The schema of record is the SQL in migrations/; these tables describe it, checked by
tests/test_schema_drift.py.
"""

from __future__ import annotations

from piccolo.columns import BigInt, Boolean, Integer, Text, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique
from piccolo.table import Table

from ta_manager.database.columns import Identity, Stamped, foreign_key
from ta_manager.database.engine import DB
from ta_manager.projects.tables import Project
from ta_manager.reference.tables import Organization, Region


class AppUser(Stamped, Table, tablename="app_user", db=DB):
    """One role each; a donor user is bound to one donor organization. E-mails are unique
    case-insensitively (an expression index, in the migration)."""

    email = Text(default=None)
    display_name = Text(default="")
    role = Text(default=None)  # admin | officer | secretariat | donor | viewer
    donor_id = foreign_key(Organization, null=True, index=True)
    password_hash = Text(null=True, default=None)  # Argon2; NULL: API tokens only
    active = Boolean(default=True)
    # Carried in every JSON web token; bumping it (new password) ends all sessions.
    session_epoch = Integer(default=1)
    last_login_at = Timestamptz(null=True, default=None)
    language = Text(null=True, default=None)  # preferred language; NULL: the browser's


class ApiToken(Table, tablename="api_token", db=DB):
    """A personal API token for scripts; only a SHA-256 of the secret is kept."""

    id = Identity()
    user_id = foreign_key(AppUser, on_delete=OnDelete.cascade, index=True)
    name = Text(default=None)
    prefix = Text(default=None)
    token_hash = Text(unique=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class RevokedToken(Table, tablename="revoked_token", db=DB):
    """A logged-out JSON web token, kept until it would have expired anyway."""

    jti = Text(primary_key=True, default=None)
    user_id = BigInt(null=True, default=None)
    expires_at = Timestamptz(default=None)
    revoked_at = Timestamptz(default=TimestamptzNow())


class LoginFailure(Table, tablename="login_failure", db=DB):
    """A failed login, counted per account and per address to throttle guessing."""

    id = Identity()
    email = Text(default=None)
    address = Text(default=None)
    at = Timestamptz(default=TimestamptzNow())
    # False: the row counts against its address only (a refusal while the account was
    # locked, or a failure the account's later successful login cleared).
    counts_for_account = Boolean(default=True)


class OfficerAssignment(Table, tablename="officer_assignment", db=DB):
    """A region or a project an officer is limited to (exactly one of the two)."""

    id = Identity()
    user_id = foreign_key(AppUser, on_delete=OnDelete.cascade, index=True)
    region_id = foreign_key(Region, null=True, on_delete=OnDelete.cascade)
    project_id = foreign_key(Project, null=True, on_delete=OnDelete.cascade)
    officer_assignment_user_id_region_id_project_id_key = Unique(
        ["user_id", "region_id", "project_id"], nulls_distinct=False
    )

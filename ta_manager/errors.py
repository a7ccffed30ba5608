"""Domain errors. Services raise these; the HTTP layer turns them into problem details."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str
    value: object = None


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class InvalidInput(DomainError):
    """The request is well-formed but breaks a rule; every broken field is listed."""

    status = 422
    title = "Invalid input"

    @classmethod
    def of(cls, field: str, reason: str, value: object = None) -> InvalidInput:
        return cls(f"{field}: {reason}", [FieldError(field, reason, value)])


class NotFound(DomainError):
    status = 404
    title = "Not found"

    def __init__(self, resource: str, key: object) -> None:
        super().__init__(f"{resource} {key} does not exist")


class Conflict(DomainError):
    """A uniqueness or reference rule of the database would be broken."""

    status = 409
    title = "Conflict"


class StaleVersion(DomainError):
    """Someone else changed the record since it was read; nothing was written."""

    status = 409
    title = "Stale version"

    def __init__(self, resource: str, key: object, sent: int, current: int) -> None:
        super().__init__(
            f"{resource} {key} is at version {current}, the update was based on version {sent}",
            [FieldError("version", f"stale: current version is {current}", sent)],
        )
        self.current_version = current


class VersionRequired(DomainError):
    status = 428
    title = "Version required"

    def __init__(self) -> None:
        super().__init__(
            "send the version you read, in an If-Match header or a 'version' field",
            [FieldError("version", "required for updates")],
        )

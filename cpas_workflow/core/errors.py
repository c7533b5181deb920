"""Domain errors raised where a rule lives; `register_error_handlers` maps them to HTTP once."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses. `code` is the machine-readable error code of the API."""

    status = 422
    code = "unprocessable"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class RuleRefused(DomainError):
    """A valid request that a rule (a guard, a required comment, a range) refuses."""

    status = 422
    code = "rule_refused"


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"


class Throttled(DomainError):
    """Too many failed sign-ins: refused without looking at the password for `retry_after` seconds."""

    status = 429
    code = "throttled"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

"""Domain errors raised where a rule lives; `register_error_handlers` maps them to HTTP once.

Messages are marked for translation where they are raised (`_l("... %(name)s ...", name=...)`, a lazy
string) and rendered only when read: `exc.message` is in the language of whoever reads it then (the
French page of a French user, the API caller's Accept-Language, English in a command or a job).
"""

from __future__ import annotations

from collections.abc import Iterable


class Joined:
    """Several messages joined by `separator`, each rendered in the reader's language when shown."""

    def __init__(self, separator: str, parts: Iterable) -> None:
        self.separator, self.parts = separator, list(parts)

    def __str__(self) -> str:
        return self.separator.join(str(p) for p in self.parts)

    def __bool__(self) -> bool:
        return bool(self.parts)


class DomainError(Exception):
    """A request the domain refuses. `code` is the machine-readable error code of the API."""

    status = 422
    code = "unprocessable"

    def __init__(self, message, fields: dict | None = None) -> None:
        super().__init__(message)
        self._message = message
        self._fields = fields or {}

    @property
    def message(self) -> str:
        return str(self._message)

    @property
    def fields(self) -> dict[str, str]:
        return {name: str(text) for name, text in self._fields.items()}


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

    def __init__(self, message, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Word:
    """A stored code (a state, a status) named in a message: its label in the reader's language, in
    lower case ("pending", "en attente"), rendered when the message is read."""

    def __init__(self, kind: str, code: str | None) -> None:
        self.kind, self.code = kind, code

    def __str__(self) -> str:
        from cpas_workflow.pages import label  # the labels live with the pages that show them

        shown = label(self.kind, self.code)
        return shown[:1].lower() + shown[1:]

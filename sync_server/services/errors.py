"""What a service refuses with. The API turns each into one HTTP status and an ErrorBody.

    ServiceError
    ├── Unauthorised      401  no token, an unknown or revoked one, a spent enrolment code
    ├── Forbidden         403  the right kind of caller, not allowed this (role, store, device)
    ├── NotFound          404  nothing by that id that this caller may see
    ├── Diverged          409  the till's history disagrees with the server's (DESIGN §4)
    ├── Clash             409  the request contradicts what exists (a code or number in use)
    ├── TooLarge          413  over a protocol limit; `limits` names them
    ├── Invalid           422  well-formed but wrong (a bad cursor, an unknown store)
    │   └── Unreadable    422  not JSON at all, or not the shape of the message
    └── Busy              503  the database stayed locked through every retry

Business problems inside a till's event are never errors: they become conflicts.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal, said in human words."""

    status = 400

    def __init__(self, message: str, *, limits: dict[str, int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.limits = limits


class Unauthorised(ServiceError):
    status = 401


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Diverged(ServiceError):
    status = 409


class Clash(ServiceError):
    status = 409


class TooLarge(ServiceError):
    status = 413


class Invalid(ServiceError):
    status = 422


class Unreadable(Invalid):
    pass


class Busy(ServiceError):
    status = 503

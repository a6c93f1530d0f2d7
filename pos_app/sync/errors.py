"""Why sync could not do something, in words a store manager can act on.

    SyncError
    ├── ServerUnreachable     no answer: network down, DNS, time-out, TLS, a 5xx. Retry later.
    ├── Unauthorised          401: the till's token was revoked or never existed. Re-enrol.
    ├── Forbidden             403: the token may not do this (another store's data).
    ├── Diverged              409 device_diverged: this till's history differs from what the
    │                         server holds for it (restored from a backup, a copied disk).
    │                         Selling goes on; a manager re-enrols the till.
    ├── ProtocolUnsupported   426: the server does not speak this till's protocol. Update.
    ├── TooLarge              413: a batch over the server's limits (push halves and retries).
    ├── Refused               another 4xx: the server refused the request and said why.
    └── NotEnrolled           the till has no identity yet: enrol it first.

Every error carries `message`, a sentence for the status bar, never a traceback.
"""

from __future__ import annotations


class SyncError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ServerUnreachable(SyncError):
    pass


class Unauthorised(SyncError):
    pass


class Forbidden(SyncError):
    pass


class Diverged(SyncError):
    pass


class ProtocolUnsupported(SyncError):
    pass


class TooLarge(SyncError):
    def __init__(self, message: str, limits: dict[str, int] | None = None) -> None:
        super().__init__(message)
        self.limits = limits or {}


class Refused(SyncError):
    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class NotEnrolled(SyncError):
    pass

"""The till's HTTP client for sync protocol v1 (httpx).

- The transport is injectable (`transport=`), so a test can hand it one that drops
  connections, duplicates deliveries or answers slowly; production uses httpx's own.
- TLS verification is always on; a store that runs its own CA names its file (`ca_file`).
- Every request carries `OmniTill-Protocol: 1` and, once enrolled, the bearer token.
- Calls that are safe to repeat (push: the server applies each event once; pull: a read)
  retry a few times on no-answer, with exponential backoff and full jitter. Longer outages
  are the sync worker's business: it backs off between cycles.
- Every answer's `server_time` updates the clock offset the till shows and checks.
"""

from __future__ import annotations

import json
import random
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import httpx
from pydantic import BaseModel, ValidationError

from pos_app.sync.errors import (
    Diverged,
    Forbidden,
    ProtocolUnsupported,
    Refused,
    ServerUnreachable,
    SyncError,
    TooLarge,
    Unauthorised,
)
from pos_core.protocol.messages import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    ErrorCode,
    PullPage,
    PushResponse,
)

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    base_delay: float = 0.25
    max_delay: float = 4.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: a random wait up to the exponential bound (attempt counts from 1)."""
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


@dataclass(frozen=True)
class OutboxItem:
    """One stored event as it goes on the wire: its seq and its exact stored JSON."""

    seq: int
    body: str


def push_body(device_id: UUID, items: Sequence[OutboxItem]) -> bytes:
    """The push request, with each event's stored JSON embedded exactly as stored."""
    envelopes = ",".join(f'{{"seq":{item.seq},"event":{item.body}}}' for item in items)
    return f'{{"device_id":"{device_id}","events":[{envelopes}]}}'.encode()


class SyncClient:
    """Talks to one server. Thread-safe for sequential use by the one sync worker."""

    def __init__(
        self,
        server_url: str,
        token: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        ca_file: Path | None = None,
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        verify: ssl.SSLContext | bool = True
        if ca_file is not None:
            if not ca_file.is_file():
                raise SyncError(f"the CA file {ca_file} named in the config does not exist")
            verify = ssl.create_default_context(cafile=str(ca_file))
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "User-Agent": "OmniTill-till"}
        self._http = httpx.Client(
            base_url=server_url.rstrip("/"),
            transport=transport,
            verify=verify,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            headers=headers,
        )
        self._token = token
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.clock_offset: timedelta | None = None
        """Server time minus till time, from the last answer (None before the first)."""

    def set_token(self, token: str | None) -> None:
        self._token = token

    def close(self) -> None:
        self._http.close()

    # --- the protocol ------------------------------------------------------------------
    def enrol(self, code: str, device_name: str, app_version: str) -> EnrolResponse:
        """Exchange a one-time enrolment code for this till's identity and token.

        Not retried: a code is used once, so a repeat after a lost answer would be refused."""
        request = EnrolRequest(code=code, device_name=device_name, app_version=app_version)
        response = self._send(
            "POST", "/api/v1/devices/enrol", content=request.model_dump_json(), retry=False
        )
        return self._parse(response, EnrolResponse)

    def push(self, device_id: UUID, items: Sequence[OutboxItem]) -> PushResponse:
        response = self._send(
            "POST", "/api/v1/sync/push", content=push_body(device_id, items), retry=True
        )
        return self._parse(response, PushResponse)

    def pull(self, cursor: str | None, limit: int, high_seq: int) -> PullPage:
        params: dict[str, str | int] = {"limit": limit, "high_seq": high_seq}
        if cursor is not None:
            params["cursor"] = cursor
        response = self._send("GET", "/api/v1/sync/pull", params=params, retry=True)
        return self._parse(response, PullPage)

    def get_json(self, path: str, params: dict[str, str] | None = None) -> Any:
        """A read of another device route (member or sale look-up), retried like a pull."""
        return self._json(self._send("GET", path, params=params, retry=True))

    def post_json(self, path: str, body: dict[str, Any], *, retry: bool) -> Any:
        """A write to another device route; `retry` only where the route is idempotent."""
        content = json.dumps(body, separators=(",", ":"))
        return self._json(self._send("POST", path, content=content, retry=retry))

    # --- plumbing ----------------------------------------------------------------------
    def _send(
        self,
        method: str,
        path: str,
        *,
        content: str | bytes | None = None,
        params: dict[str, Any] | None = None,
        retry: bool,
    ) -> httpx.Response:
        headers = {"Content-Type": "application/json"} if content is not None else {}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        attempts = self._retry.attempts if retry else 1
        for attempt in range(1, attempts + 1):
            sent = datetime.now(UTC)
            try:
                response = self._http.request(
                    method, path, content=content, params=params, headers=headers
                )
            except httpx.HTTPError as exc:
                failure: SyncError = ServerUnreachable(_unreachable(exc))
            else:
                if response.status_code < 500:
                    self._note_clock(response, sent, datetime.now(UTC))
                    self._raise_for_refusal(response)
                    return response
                failure = ServerUnreachable(
                    f"the server had an error ({response.status_code}); will try again"
                )
            if attempt < attempts:
                self._sleep(self._retry.delay(attempt, self._rng))
        raise failure

    def _note_clock(self, response: httpx.Response, sent: datetime, received: datetime) -> None:
        try:
            stamp = response.json().get("server_time") if response.content else None
        except (ValueError, AttributeError):
            return
        if not isinstance(stamp, str):
            return
        try:
            server_time = datetime.fromisoformat(stamp)
        except ValueError:
            return
        if server_time.tzinfo is None:
            return
        self.clock_offset = server_time - (sent + (received - sent) / 2)

    @staticmethod
    def _raise_for_refusal(response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        body = _error_body(response)
        said = body.message if body is not None else (response.text[:200] or response.reason_phrase)
        if status == 401:
            raise Unauthorised(f"the server does not accept this till's token: {said}")
        if status == 403:
            raise Forbidden(f"the server refused: {said}")
        if status == 409 and body is not None and body.error is ErrorCode.DEVICE_DIVERGED:
            raise Diverged(f"this till's history differs from the server's: {said}")
        if status == 413:
            raise TooLarge(f"too large for the server: {said}", body.limits if body else None)
        if status == 426:
            raise ProtocolUnsupported(f"the server does not speak this till's protocol: {said}")
        raise Refused(f"the server refused the request ({status}): {said}", status)

    @staticmethod
    def _parse(response: httpx.Response, model: type[ModelT]) -> ModelT:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise Refused(
                f"the server's answer is not a {model.__name__}: {exc.errors()[0]['msg']}",
                response.status_code,
            ) from None

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise Refused("the server's answer is not JSON", response.status_code) from None


def _error_body(response: httpx.Response) -> ErrorBody | None:
    try:
        return ErrorBody.model_validate_json(response.content)
    except ValidationError:
        return None


def _unreachable(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "the server did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        reason = str(exc).split("] ")[-1] or "connection refused"
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            return f"the server's TLS certificate is not trusted: {reason}"
        return f"cannot reach the server: {reason}"
    return f"the connection to the server failed: {exc.__class__.__name__}"

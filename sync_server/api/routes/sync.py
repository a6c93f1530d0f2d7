"""POST /api/v1/sync/push and GET /api/v1/sync/pull (DESIGN §4).

Push reads the raw body itself: its size is checked before anything is parsed, and the
event count and each event's size before the body is validated, so a too-large push gets
413 naming the limits rather than a validation error.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import ValidationError

from pos_core.protocol.messages import (
    MAX_EVENT_BYTES,
    MAX_PUSH_BYTES,
    MAX_PUSH_EVENTS,
    PULL_DEFAULT_ROWS,
    PULL_MAX_ROWS,
    ErrorBody,
    PullPage,
    PushRequest,
    PushResponse,
)
from sync_server.api.deps import Db, Till
from sync_server.services import pull, push
from sync_server.services.errors import Forbidden, TooLarge, Unreadable

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])

LIMITS: Final = {
    "max_push_bytes": MAX_PUSH_BYTES,
    "max_push_events": MAX_PUSH_EVENTS,
    "max_event_bytes": MAX_EVENT_BYTES,
}
_REFUSALS: Final[dict[int | str, dict[str, Any]]] = {
    code: {"model": ErrorBody} for code in (401, 403, 409, 413, 422, 426)
}


def _too_large(why: str) -> TooLarge:
    return TooLarge(
        f"{why}; a push may carry at most {MAX_PUSH_EVENTS} events and {MAX_PUSH_BYTES} bytes, "
        f"and no event may exceed {MAX_EVENT_BYTES} bytes — send smaller batches",
        limits=dict(LIMITS),
    )


async def push_body(request: Request) -> bytes:
    """The raw body, refused (413) as soon as it passes MAX_PUSH_BYTES."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_PUSH_BYTES:
        raise _too_large(f"the push is {declared} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_PUSH_BYTES:
            raise _too_large(f"the push is over {MAX_PUSH_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def read_push(body: bytes) -> tuple[PushRequest, list[str]]:
    """The push request and each event's compact JSON, or why it cannot be taken."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Unreadable("the push body is not JSON") from None
    envelopes = data.get("events") if isinstance(data, dict) else None
    if isinstance(envelopes, list) and len(envelopes) > MAX_PUSH_EVENTS:
        raise _too_large(f"the push carries {len(envelopes)} events")
    texts = []
    for envelope in envelopes if isinstance(envelopes, list) else []:
        event = envelope.get("event") if isinstance(envelope, dict) else None
        text = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
        if len(text.encode()) > MAX_EVENT_BYTES:
            seq = envelope.get("seq") if isinstance(envelope, dict) else "?"
            raise _too_large(f"the event at seq {seq} is {len(text.encode())} bytes")
        texts.append(text)
    try:
        return PushRequest.model_validate(data), texts
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Unreadable(f"not a push request: {where}: {first['msg']}") from None


@router.post(
    "/push",
    response_model=PushResponse,
    responses=_REFUSALS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}
            },
        }
    },
)
def push_events(db: Db, till: Till, body: Annotated[bytes, Depends(push_body)]) -> PushResponse:
    """Apply a batch of events exactly once; answers last_seq and a result per event."""
    request, texts = read_push(body)
    if request.device_id != till.device_id:
        raise Forbidden("device_id in the body is not the device this token belongs to")
    batch = [
        push.read_envelope(till.device_id, envelope.seq, envelope.event, text)
        for envelope, text in zip(request.events, texts, strict=True)
    ]
    return push.push(db, till.device_id, batch)


@router.get("/pull", response_model=PullPage, responses=_REFUSALS)
def pull_changes(
    db: Db,
    till: Till,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=PULL_MAX_ROWS)] = PULL_DEFAULT_ROWS,
    high_seq: Annotated[int | None, Query(ge=0, le=2**62)] = None,
) -> Response:
    """The next page of changes this till may see after `cursor`."""
    page = pull.pull(db, till.device_id, cursor=cursor, limit=limit, high_seq=high_seq)
    return Response(page.to_json(), media_type="application/json")

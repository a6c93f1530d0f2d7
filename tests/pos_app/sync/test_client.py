"""The sync client's HTTP behaviour, through its transport seam (the server's own tests and
the end-to-end tests run a real server; these pin what the till does with each answer)."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from pos_app.sync.client import OutboxItem, RetryPolicy, SyncClient, push_body
from pos_app.sync.errors import (
    Diverged,
    Forbidden,
    ProtocolUnsupported,
    Refused,
    ServerUnreachable,
    TooLarge,
    Unauthorised,
)
from pos_core.protocol.messages import PROTOCOL_HEADER

DEVICE = uuid.UUID("01900000-0000-7000-8000-000000000001")


def page(**extra):
    return {
        "changes": [],
        "cursor": "c1",
        "has_more": False,
        "device_last_seq": 0,
        "server_time": datetime.now(UTC).isoformat(),
        **extra,
    }


def client_for(handler, sleeps=None):
    return SyncClient(
        "http://server.test",
        token="secret-token",
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(attempts=3, base_delay=0.5),
        sleep=(sleeps.append if sleeps is not None else lambda _: None),
    )


def test_push_body_embeds_each_stored_event_exactly():
    stored = '{"id":"x","v":1,"type":"sale.completed","payload":{"total":"12.30"}}'
    body = json.loads(push_body(DEVICE, [OutboxItem(7, stored)]))
    assert body == {"device_id": str(DEVICE), "events": [{"seq": 7, "event": json.loads(stored)}]}
    assert stored.encode() in push_body(DEVICE, [OutboxItem(7, stored)])


def test_every_request_carries_the_protocol_header_and_token():
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(200, json=page())

    client_for(handler).pull(None, 100, 0)
    assert seen[0].headers[PROTOCOL_HEADER] == "1"
    assert seen[0].headers["Authorization"] == "Bearer secret-token"
    assert seen[0].url.params["high_seq"] == "0"
    assert "cursor" not in seen[0].url.params


@pytest.mark.parametrize(
    ("status", "body", "error", "words"),
    [
        (401, {"error": "unauthorised", "message": "token revoked"}, Unauthorised, "revoked"),
        (403, {"error": "forbidden", "message": "store B"}, Forbidden, "store B"),
        (409, {"error": "device_diverged", "message": "seq 3 reused"}, Diverged, "seq 3"),
        (
            413,
            {"error": "too_large", "message": "max 1000", "limits": {"events": 1000}},
            TooLarge,
            "max 1000",
        ),
        (
            426,
            {"error": "protocol_unsupported", "message": "speaks 2"},
            ProtocolUnsupported,
            "speaks 2",
        ),
        (422, {"error": "unreadable", "message": "bad json"}, Refused, "422"),
    ],
)
def test_each_refusal_becomes_an_error_with_words(status, body, error, words):
    client = client_for(lambda request: httpx.Response(status, json=body))
    with pytest.raises(error, match=words) as caught:
        client.pull("c", 10, 0)
    if error is TooLarge:
        assert caught.value.limits == {"events": 1000}


def test_no_answer_is_retried_with_growing_jittered_waits_then_reported():
    sleeps, calls = [], []

    def handler(request):
        calls.append(request)
        raise httpx.ConnectError("Connection refused", request=request)

    with pytest.raises(ServerUnreachable, match="cannot reach the server"):
        client_for(handler, sleeps).pull(None, 10, 0)
    assert len(calls) == 3
    assert len(sleeps) == 2
    assert 0 <= sleeps[0] <= 0.5
    assert 0 <= sleeps[1] <= 1.0


def test_a_server_error_is_retried_and_a_recovery_succeeds():
    answers = iter([httpx.Response(503), httpx.Response(200, json=page(cursor="c9"))])
    assert client_for(lambda request: next(answers)).pull(None, 10, 0).cursor == "c9"


def test_enrolment_is_never_retried():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(502)

    with pytest.raises(ServerUnreachable):
        client_for(handler).enrol("ABCDEF123", "till-1", "0.1.0")
    assert len(calls) == 1


def test_the_clock_offset_comes_from_server_time():
    ahead = datetime.now(UTC) + timedelta(minutes=7)
    client = client_for(
        lambda request: httpx.Response(200, json=page(server_time=ahead.isoformat()))
    )
    client.pull(None, 10, 0)
    assert timedelta(minutes=6, seconds=59) < client.clock_offset < timedelta(minutes=7, seconds=1)


def test_a_missing_ca_file_is_a_clear_error(tmp_path):
    from pos_app.sync.errors import SyncError

    with pytest.raises(SyncError, match="does not exist"):
        SyncClient("https://server.test", ca_file=tmp_path / "missing.pem")


def test_an_answer_that_is_not_the_protocol_is_refused_clearly():
    client = client_for(lambda request: httpx.Response(200, json={"hello": "world"}))
    with pytest.raises(Refused, match="not a PullPage"):
        client.pull(None, 10, 0)

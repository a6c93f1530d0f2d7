"""Push: statuses, duplicates, gaps, divergence, quarantine and refusals (DESIGN §4)."""

from __future__ import annotations

import json
from decimal import Decimal

from pos_core.ids import new_id
from pos_core.protocol.messages import MAX_EVENT_BYTES, MAX_PUSH_BYTES, MAX_PUSH_EVENTS

PUSH = "/api/v1/sync/push"


def statuses(response):
    return [r["status"] for r in response.json()["results"]]


def test_a_sale_is_applied_once_and_its_replay_is_a_duplicate(client, chain, make_sale, stock_for):
    till = chain.tills["S1-1"]
    product = chain.products[0]
    body = till.push_body(till.envelopes(make_sale(till, [(product, "2")])))
    first = client.post(PUSH, json=body, headers=till.headers)
    assert first.status_code == 200, first.text
    assert first.json()["last_seq"] == 1
    assert statuses(first) == ["applied"]
    again = client.post(PUSH, json=body, headers=till.headers)
    assert again.status_code == 200
    assert statuses(again) == ["duplicate"]
    assert stock_for(chain.db, till.store_id, product) == Decimal("-2.000")


def test_a_gap_stops_the_batch_and_last_seq_says_where_to_resend_from(
    client, chain, make_sale, stock_for
):
    till = chain.tills["S1-1"]
    product = chain.products[0]
    envelopes = till.envelopes(*(make_sale(till, [(product, "1")]) for _ in range(4)))
    sent = [envelopes[0], envelopes[1], envelopes[3]]  # seq 3 lost on the way
    response = client.post(PUSH, json=till.push_body(sent), headers=till.headers)
    assert response.json()["last_seq"] == 2
    assert [r["seq"] for r in response.json()["results"]] == [1, 2]
    assert stock_for(chain.db, till.store_id, product) == Decimal("-2.000")
    rest = client.post(PUSH, json=till.push_body(envelopes[2:]), headers=till.headers)
    assert rest.json()["last_seq"] == 4
    assert statuses(rest) == ["applied", "applied"]
    assert stock_for(chain.db, till.store_id, product) == Decimal("-4.000")


def test_a_reused_seq_with_another_event_is_diverged_and_nothing_of_the_batch_applies(
    client, chain, make_sale, stock_for
):
    till = chain.tills["S1-1"]
    product = chain.products[0]
    first = till.envelopes(make_sale(till, [(product, "1")]), make_sale(till, [(product, "1")]))
    assert client.post(PUSH, json=till.push_body(first), headers=till.headers).status_code == 200
    restored = [
        {"seq": 2, "event": make_sale(till, [(product, "5")]).to_dict()},  # another event, seq 2
        {"seq": 3, "event": make_sale(till, [(product, "7")]).to_dict()},
    ]
    response = client.post(PUSH, json=till.push_body(restored), headers=till.headers)
    assert response.status_code == 409
    assert response.json()["error"] == "device_diverged"
    assert "re-enrol" in response.json()["message"]
    assert stock_for(chain.db, till.store_id, product) == Decimal("-2.000")
    # The server still answers the real history as duplicates.
    replay = client.post(PUSH, json=till.push_body(first), headers=till.headers)
    assert statuses(replay) == ["duplicate", "duplicate"]


def test_a_delayed_duplicate_of_an_old_batch_is_replayed_with_its_conflicts(
    client, chain, make_sale
):
    till = chain.tills["S1-1"]
    product = chain.products[0]
    wrong_store = make_sale(till, [(product, "1")], store_id=chain.stores["S2"])
    old_batch = till.push_body(till.envelopes(make_sale(till, [(product, "1")]), wrong_store))
    first = client.post(PUSH, json=old_batch, headers=till.headers).json()
    assert [r["status"] for r in first["results"]] == ["applied", "conflict"]
    later = till.push_body(till.envelopes(make_sale(till, [(product, "1")])))
    assert client.post(PUSH, json=later, headers=till.headers).json()["last_seq"] == 3
    replay = client.post(PUSH, json=old_batch, headers=till.headers)
    assert replay.status_code == 200
    assert replay.json()["last_seq"] == 3
    assert statuses(replay) == ["duplicate", "duplicate"]
    assert replay.json()["results"][1]["conflict_ids"] == first["results"][1]["conflict_ids"]


def test_a_re_enrolled_tills_renumbered_events_already_applied_come_back_duplicate(
    client, chain, make_sale, stock_for
):
    old = chain.tills["S1-1"]
    product = chain.products[0]
    sales = [make_sale(old, [(product, "1")]) for _ in range(3)]
    client.post(PUSH, json=old.push_body(old.envelopes(*sales[:2])), headers=old.headers)
    new = chain.add_till("S1", 1, name="S1-1 again")
    assert client.post(PUSH, json=old.push_body([]), headers=old.headers).status_code == 401
    renumbered = new.envelopes(*sales)  # seq 1, 2, 3 under the new device, same ids
    response = client.post(PUSH, json=new.push_body(renumbered), headers=new.headers)
    assert statuses(response) == ["duplicate", "duplicate", "applied"]
    assert response.json()["last_seq"] == 3
    assert stock_for(chain.db, old.store_id, product) == Decimal("-3.000")


def test_an_unreadable_event_is_quarantined_and_never_blocks_the_ones_after_it(
    client, chain, make_sale, stock_for
):
    till = chain.tills["S1-1"]
    product = chain.products[0]
    bad_payload = make_sale(till, [(product, "1")]).to_dict()
    bad_payload["payload"]["lines"] = "not a list"
    unknown_type = {"id": str(new_id()), "v": 1, "type": "sale.teleported", "payload": {}}
    no_id = {"type": "sale.completed", "v": 1}
    envelopes = till.envelopes(
        make_sale(till, [(product, "1")]),
        bad_payload,
        unknown_type,
        no_id,
        make_sale(till, [(product, "1")]),
    )
    response = client.post(PUSH, json=till.push_body(envelopes), headers=till.headers)
    assert response.status_code == 200
    assert statuses(response) == ["applied", "quarantined", "quarantined", "quarantined", "applied"]
    results = response.json()["results"]
    assert all(len(r["conflict_ids"]) == 1 for r in results[1:4])
    assert results[3]["id"] is None
    assert stock_for(chain.db, till.store_id, product) == Decimal("-2.000")
    conflicts = client.get(
        "/api/v1/conflicts", params={"store_id": str(till.store_id)}, headers=chain.admin
    ).json()
    assert sorted(c["kind"] for c in conflicts) == ["quarantined"] * 3
    assert any("lines" in c["summary"] for c in conflicts)
    replay = client.post(PUSH, json=till.push_body(envelopes), headers=till.headers)
    assert statuses(replay) == ["duplicate"] * 5


def test_the_body_must_name_the_tokens_own_device(client, chain, make_sale):
    till, other = chain.tills["S1-1"], chain.tills["S2-1"]
    body = other.push_body(till.envelopes(make_sale(till, [(chain.products[0], "1")])))
    response = client.post(PUSH, json=body, headers=till.headers)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_oversized_pushes_get_413_with_the_limits_stated(client, chain, make_sale):
    till = chain.tills["S1-1"]
    product = chain.products[0]
    too_many = [{"seq": i + 1, "event": {"id": str(new_id())}} for i in range(MAX_PUSH_EVENTS + 1)]
    huge_event = make_sale(till, [(product, "1")]).to_dict()
    huge_event["padding"] = "x" * MAX_EVENT_BYTES
    cases = [
        json.dumps(till.push_body(too_many)).encode(),
        json.dumps(till.push_body([{"seq": 1, "event": huge_event}])).encode(),
        b'{"device_id": "' + str(till.device_id).encode() + b'", "events": [], "x": "'
        + b"y" * MAX_PUSH_BYTES + b'"}',
    ]  # fmt: skip
    for body in cases:
        response = client.post(PUSH, content=body, headers=till.headers)
        assert response.status_code == 413, response.text
        error = response.json()
        assert error["error"] == "too_large"
        assert error["limits"] == {
            "max_push_bytes": MAX_PUSH_BYTES,
            "max_push_events": MAX_PUSH_EVENTS,
            "max_event_bytes": MAX_EVENT_BYTES,
        }
    assert client.post(PUSH, json=till.push_body([]), headers=till.headers).json()["last_seq"] == 0


def test_bodies_that_cannot_be_read_get_422(client, chain):
    till = chain.tills["S1-1"]
    for body in (b"{not json", b"[]", b'{"device_id": "nope", "events": []}', b'{"events": [1]}'):
        response = client.post(PUSH, content=body, headers=till.headers)
        assert response.status_code == 422, body
        assert response.json()["error"] in {"unreadable", "invalid"}
        assert response.json()["message"]


def test_refusals_for_protocol_and_auth(client, chain):
    till = chain.tills["S1-1"]
    body = till.push_body([])
    no_header = client.post(PUSH, json=body, headers={"Authorization": f"Bearer {till.token}"})
    assert no_header.status_code == 426
    assert "OmniTill-Protocol: 1" in no_header.json()["message"]
    wrong = client.post(PUSH, json=body, headers={**till.headers, "OmniTill-Protocol": "2"})
    assert wrong.status_code == 426
    no_token = client.post(PUSH, json=body, headers={"OmniTill-Protocol": "1"})
    assert no_token.status_code == 401
    assert no_token.json()["error"] == "unauthorised"
    bad_token = client.post(
        PUSH, json=body, headers={"OmniTill-Protocol": "1", "Authorization": "Bearer otd_nope"}
    )
    assert bad_token.status_code == 401
    api_user = client.post(PUSH, json=body, headers={**chain.admin, "OmniTill-Protocol": "1"})
    assert api_user.status_code == 403


def test_a_revoked_till_gets_401_and_its_outbox_can_still_be_imported(
    client, chain, make_sale, stock_for, tmp_path
):
    from sync_server.services import outbox

    till = chain.tills["S1-1"]
    product = chain.products[0]
    envelopes = till.envelopes(*(make_sale(till, [(product, "1")]) for _ in range(3)))
    client.post(PUSH, json=till.push_body(envelopes[:1]), headers=till.headers)
    revoke = client.post(f"/api/v1/tills/{till.device_id}/revoke", headers=chain.admin)
    assert revoke.status_code == 204
    refused = client.post(PUSH, json=till.push_body(envelopes[1:]), headers=till.headers)
    assert refused.status_code == 401
    exported = tmp_path / "outbox.jsonl"
    exported.write_text("\n".join(json.dumps(e) for e in reversed(envelopes)))
    summary = outbox.import_file(chain.db, till.device_id, exported)
    assert summary.statuses == {"duplicate": 1, "applied": 2}
    assert summary.last_seq == 3
    assert stock_for(chain.db, till.store_id, product) == Decimal("-3.000")


def test_an_event_the_database_refuses_is_quarantined_alone(client, chain, make_sale, stock_for):
    till = chain.tills["S1-1"]
    product = chain.products[0]
    absurd = make_sale(till, [(product, "100000000000000000000")])  # beyond a 64-bit level
    envelopes = till.envelopes(
        make_sale(till, [(product, "1")]), absurd, make_sale(till, [(product, "2")])
    )
    response = client.post(PUSH, json=till.push_body(envelopes), headers=till.headers)
    assert response.status_code == 200, response.text
    assert statuses(response) == ["applied", "quarantined", "applied"]
    assert stock_for(chain.db, till.store_id, product) == Decimal("-3.000")
    conflicts = client.get(
        "/api/v1/conflicts", params={"store_id": str(till.store_id)}, headers=chain.admin
    ).json()
    assert [c["kind"] for c in conflicts] == ["quarantined"]
    assert "could not apply" in conflicts[0]["summary"]

"""Structured logs: JSON lines from per-module loggers, and never a secret in them."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

from pos_core.protocol.messages import PROTOCOL_HEADER
from sync_server.logs import JsonFormatter


def test_a_record_is_one_json_line_with_its_extra_fields():
    record = logging.LogRecord("sync_server.x", logging.INFO, __file__, 1, "push %s", ("ok",), None)
    record.ms = 12.5
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "info"
    assert entry["logger"] == "sync_server.x"
    assert entry["message"] == "push ok"
    assert entry["ms"] == 12.5


def test_no_token_pin_phone_code_or_payment_reference_is_logged(client, chain, make_sale, caplog):
    caplog.set_level(logging.DEBUG, logger="sync_server")
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    secrets = []
    till = chain.tills["S1-1"]
    secrets.append(till.token)
    made = client.post(
        f"/api/v1/stores/{chain.stores['S1']}/cashiers",
        json={"number": "031", "name": "收银员", "role": "cashier", "pin": "864209"},
        headers=chain.admin,
    )
    assert made.status_code == 201
    secrets.append("864209")
    member = client.post(
        "/api/v1/members",
        json={
            "phone": "13987654321",
            "consent_version": "v1",
            "home_store_id": str(chain.stores["S1"]),
        },
        headers=chain.admin,
    ).json()["member"]
    secrets.append("13987654321")
    now = datetime.now(UTC)
    [coupon] = client.post(
        "/api/v1/coupons",
        json={
            "kind": "amount",
            "value": "3.00",
            "valid_from": (now - timedelta(hours=1)).isoformat(),
            "valid_to": (now + timedelta(days=1)).isoformat(),
        },
        headers=chain.admin,
    ).json()
    secrets.append(coupon["code"])
    client.post(
        f"/api/v1/coupons/{coupon['code']}/check",
        json={"sale_id": "0190e000-0000-7000-8000-00000000000a", "basket_amount": "9.00"},
        headers=till.headers,
    )
    order = client.post(
        "/api/v1/orders",
        json={
            "store_id": str(chain.stores["S1"]),
            "phone": "13812341234",
            "lines": [{"product_id": str(chain.products[0]), "quantity": "1", "unit_price": "1"}],
        },
        headers=chain.admin,
    ).json()
    secrets += ["13812341234", order["pickup_code"]]
    sale = make_sale(till, [(chain.products[0], "1")], member=(member["id"], member["card_no"]))
    body = sale.to_dict()
    body["payload"]["tenders"][0]["reference"] = "WX4200001234567890"
    secrets.append("WX4200001234567890")
    client.post(
        "/api/v1/sync/push", json=till.push_body(till.envelopes(body)), headers=till.headers
    )
    client.post(
        "/api/v1/sync/push",
        json={"device_id": "x"},
        headers={PROTOCOL_HEADER: "1", "Authorization": f"Bearer {till.token}x"},
    )
    text = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "push from device" in text
    assert "POST /api/v1/coupons/{code}/check 200" in text
    for secret in secrets:
        assert secret not in text, f"{secret!r} reached the logs"
    assert all(r.name != "root" for r in caplog.records)

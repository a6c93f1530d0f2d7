"""Exactly-once (DESIGN promise 3), as a property: whatever order, repetition and racing the
batches arrive in, and whatever unreadable events sit among them, every event takes effect
once, the events after a bad one still apply, and every level and balance equals the sum
of its ledger — and equals what the tills actually did."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from pos_core.ids import new_id
from pos_core.protocol.events import ReceivedLine, StockReceivedV1, make_event
from sync_server.services import catalog, members, push, stores, tx
from sync_server.store.members import MemberRecord, PointsEntry
from sync_server.store.sales import SaleRecord
from sync_server.store.stock import StockLevel, StockMovement
from sync_server.store.sync import DeviceEvent, EventRecord

PRODUCTS = 3

# One till event: a sale (lines of (product, quantity), points earned, points redeemed),
# a delivery, or something unreadable.
sale_spec = st.tuples(
    st.lists(st.tuples(st.integers(0, PRODUCTS - 1), st.integers(1, 3)), min_size=1, max_size=3),
    st.integers(0, 5),
    st.integers(0, 30),
)
event_spec = st.one_of(
    st.tuples(st.just("sale"), sale_spec),
    st.tuples(st.just("receive"), st.tuples(st.integers(0, PRODUCTS - 1), st.integers(1, 9))),
    st.tuples(st.just("bad"), st.sampled_from(["payload", "type", "no_id"])),
)
# A delivery: which till, which window of its seqs (it may start past the server's
# last_seq, which is a gap), and whether two copies race each other.
# Or a re-enrolment: the till gets a new device and renumbers its events from 1, from a
# little before where the server had got to (so some come back as duplicates by id).
action_spec = st.one_of(
    st.tuples(
        st.just("send"), st.integers(0, 2), st.integers(0, 12), st.integers(1, 6), st.booleans()
    ),
    st.tuples(st.just("reenrol"), st.integers(0, 2), st.integers(0, 3), st.just(0), st.just(False)),
)
plan_spec = st.tuples(
    st.lists(st.lists(event_spec, min_size=1, max_size=10), min_size=2, max_size=3),
    st.lists(action_spec, max_size=12),
)


@dataclass
class World:
    store_id: Any
    products: list[Any]
    member: Any
    devices: list[Any]


def build_world(db, make_till, index: int) -> World:
    code = f"P{index:05d}"
    store = stores.create_store(db, stores.StoreCreate(code=code, name=code))
    products = [
        catalog.create_product(
            db, catalog.ProductIn(code=f"{code}-{i}", name="矿泉水", tax_code="VAT0")
        ).id
        for i in range(PRODUCTS)
    ]
    member = members.create_member(
        db,
        members.MemberCreate(
            phone=f"139{index:08d}", consent_version="v1", home_store_id=store.store_id
        ),
    ).member.id
    members.adjust_points(db, member, members.PointsAdjustment(points=20, reason="opening"))
    devices = [make_till(code, n + 1) for n in range(3)]
    return World(store.store_id, products, member, devices)


def test_every_event_takes_effect_exactly_once_however_it_is_delivered(
    db, chain, make_sale, loop_count
):
    made = {"count": 0}

    def make_till(code: str, number: int):
        return chain.add_till(code, number, name=f"{code}-{number}")

    @settings(
        max_examples=max(loop_count(100) // 2, 5),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(plan=plan_spec)
    def run(plan):
        made["count"] += 1
        world = build_world(db, make_till, made["count"])
        per_device, actions = plan
        expected_stock: Counter = Counter()
        expected_points = 20
        sale_lines: dict[Any, int] = {}
        readable: list[Any] = []
        bad: list[dict[str, Any]] = []
        streams: list[list[dict[str, Any]]] = []
        for d, specs in enumerate(per_device):
            till = world.devices[d]
            raws = []
            for kind, spec in specs:
                if kind == "sale":
                    lines, earned, redeemed = spec
                    event = make_sale(
                        till,
                        [(world.products[p], str(q)) for p, q in lines],
                        member=(world.member, "M"),
                        points_earned=earned,
                        points_redeemed=redeemed,
                    )
                    for p, q in lines:
                        expected_stock[p] -= q
                    expected_points += earned - redeemed
                    sale_lines[event.payload.sale_id] = len(lines)
                    readable.append(event.id)
                    raws.append(event.to_dict())
                elif kind == "receive":
                    p, q = spec
                    event = make_event(
                        StockReceivedV1(
                            receipt_id=new_id(),
                            lines=[ReceivedLine(product_id=world.products[p], quantity=Decimal(q))],
                        ),
                        event_id=new_id(),
                        occurred_at=datetime.now(UTC),
                        business_date=datetime.now(UTC).date(),
                    )
                    expected_stock[p] += q
                    readable.append(event.id)
                    raws.append(event.to_dict())
                else:
                    raw = malformed(spec)
                    raws.append(raw)
                    bad.append(raw)
            streams.append(raws)

        devices = list(world.devices[: len(streams)])
        retired: list[tuple[Any, int]] = []  # (device, its last seq) of replaced tills

        def deliver(d: int, first: int, count: int) -> int:
            raws = streams[d]
            batch = [
                push.read_envelope(devices[d].device_id, seq, raws[seq - 1])
                for seq in range(first, min(first + count, len(raws) + 1))
            ]
            return push.push(db, devices[d].device_id, batch).last_seq

        last = [0] * len(streams)
        for kind, device, offset, count, race in actions:
            d = device % len(streams)
            if kind == "reenrol":
                retired.append((devices[d], last[d]))
                streams[d] = streams[d][max(0, last[d] - offset) :]
                devices[d] = make_till(devices[d].store_code, devices[d].till_number)
                last[d] = 0
                continue
            first = max(1, last[d] + 1 - 3 + offset)  # may resend old seqs, or leave a gap
            if race:
                results: list[int] = []
                barrier = threading.Barrier(2)

                def racer(d=d, first=first, count=count, results=results, barrier=barrier):
                    barrier.wait()
                    results.append(deliver(d, first, count))

                threads = [threading.Thread(target=racer) for _ in range(2)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                assert len(results) == 2
                last[d] = max(results)
            else:
                last[d] = deliver(d, first, count)
        for d, raws in enumerate(streams):
            while last[d] < len(raws):
                last[d] = deliver(d, last[d] + 1, 4)

        current = list(zip(devices, [len(raws) for raws in streams], strict=True))
        check(db, world, current + retired, streams, expected_stock, expected_points,
              sale_lines, readable, bad)  # fmt: skip

    run()


def malformed(kind: str) -> dict[str, Any]:
    if kind == "payload":
        return {"id": str(new_id()), "v": 1, "type": "sale.completed", "occurred_at": "x",
                "business_date": "2026-01-01", "payload": {"lines": 5}}  # fmt: skip
    if kind == "type":
        return {"id": str(new_id()), "v": 1, "type": "sale.refunded.twice", "payload": {}}
    return {"v": 1, "type": "stock.received", "payload": {"receipt_id": "not a uuid"}}


def check(db, world, slots_of, streams, expected_stock, expected_points, sale_lines, readable, bad):
    unreadable = {id(raw) for raw in bad}

    def inspect(session):
        for device, count in slots_of:
            slots = dict(
                session.execute(
                    select(DeviceEvent.seq, DeviceEvent.status).where(
                        DeviceEvent.device_id == device.device_id
                    )
                ).all()
            )
            assert sorted(slots) == list(range(1, count + 1))  # every seq, once
        for d, raws in enumerate(streams):
            device = slots_of[d][0]
            slots = dict(
                session.execute(
                    select(DeviceEvent.seq, DeviceEvent.status).where(
                        DeviceEvent.device_id == device.device_id
                    )
                ).all()
            )
            for seq, raw in enumerate(raws, start=1):
                if id(raw) in unreadable:
                    assert slots[seq] in {"quarantined", "duplicate"}
                else:
                    assert slots[seq] in {"applied", "conflict", "duplicate"}
        for event_id in readable:  # stored once, and applied (the first time it came)
            assert session.get(EventRecord, event_id).status in {"applied", "conflict"}
        for sale_id, lines in sale_lines.items():
            assert (
                session.execute(
                    select(func.count()).select_from(SaleRecord).where(SaleRecord.id == sale_id)
                ).scalar_one()
                == 1
            )
            assert (
                session.execute(
                    select(func.count())
                    .select_from(StockMovement)
                    .where(StockMovement.document_id == sale_id)
                ).scalar_one()
                == lines
            )
        for index, product in enumerate(world.products):
            level = session.get(StockLevel, (world.store_id, product))
            on_hand = level.quantity if level is not None else Decimal(0)
            moved = session.execute(
                select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
                    StockMovement.store_id == world.store_id, StockMovement.product_id == product
                )
            ).scalar_one()
            assert Decimal(moved) == on_hand
            assert on_hand == Decimal(expected_stock[index])
        member = session.get(MemberRecord, world.member)
        ledger = session.execute(
            select(func.coalesce(func.sum(PointsEntry.delta), 0)).where(
                PointsEntry.member_id == world.member
            )
        ).scalar_one()
        assert member.points_balance == ledger == expected_points

    tx.read(db, inspect)

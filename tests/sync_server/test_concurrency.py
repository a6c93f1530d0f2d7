"""Races against a real `omnitill-server serve --workers 2` on PostgreSQL: two tills in two
stores, released by a barrier at the same instant, redeem the same single-use coupon or
spend the same member's last points. Each time exactly one wins, the other is stored as a
conflict, and nothing answers 5xx."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx

from pos_core.protocol.events import CouponDecision
from pos_core.protocol.rows import CouponKind
from sync_server.services import coupons, members, tx
from sync_server.store.members import MemberRecord
from sync_server.store.offers import CouponRecord


def race(clients, tills, bodies):
    """Both pushes released together; returns (status code, body) for each."""
    barrier = threading.Barrier(len(tills))
    answers: list = [None] * len(tills)

    def send(index):
        barrier.wait()
        response = clients[index].post(
            "/api/v1/sync/push", json=bodies[index], headers=tills[index].headers
        )
        answers[index] = (response.status_code, response.json())

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(tills))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def test_racing_tills_against_two_workers(pg_chain, pg_db_url, serve, make_sale, loop_count):
    """One server (two worker processes) for both races: starting one takes seconds."""
    server = serve(pg_db_url, workers=2)
    with (
        httpx.Client(base_url=server.url, timeout=30) as one,
        httpx.Client(base_url=server.url, timeout=30) as two,
    ):
        coupon_race(pg_chain, (one, two), make_sale, loop_count(100))
        points_race(pg_chain, (one, two), make_sale, loop_count(100))


def coupon_race(pg_chain, clients, make_sale, rounds):
    """The same single-use coupon redeemed at two tills (two stores) at once."""
    a, b = pg_chain.tills["S1-1"], pg_chain.tills["S2-1"]
    now = datetime.now(UTC)
    for _ in range(rounds):
        [issued] = coupons.issue(
            pg_chain.db,
            coupons.CouponIssue(
                kind=CouponKind.AMOUNT, value=Decimal("5.00"), valid_from=now,
                valid_to=now + timedelta(days=1),
            ),
            by="test",
        )  # fmt: skip
        use = [(issued.coupon.id, CouponDecision.OFFLINE_ALLOWED, None)]
        bodies = [
            till.push_body(
                till.envelopes(make_sale(till, [(pg_chain.products[0], "1")], coupons=use))
            )
            for till in (a, b)
        ]
        answers = race(clients, [a, b], bodies)
        assert [code for code, _ in answers] == [200, 200], answers
        outcome = sorted(body["results"][0]["status"] for _, body in answers)
        assert outcome == ["applied", "conflict"]
        uses = tx.read(pg_chain.db, lambda s, c=issued.coupon.id: s.get(CouponRecord, c).uses)
        assert uses == 1


def points_race(pg_chain, clients, make_sale, rounds):
    """One member's last points spent at two tills (two stores) at once."""
    a, b = pg_chain.tills["S1-1"], pg_chain.tills["S2-1"]
    for i in range(rounds):
        member = members.create_member(
            pg_chain.db,
            members.MemberCreate(
                phone=f"1360000{i:04d}", consent_version="v1", home_store_id=pg_chain.stores["S1"]
            ),
        ).member
        members.adjust_points(
            pg_chain.db, member.id, members.PointsAdjustment(points=100, reason="test")
        )
        bodies = [
            till.push_body(
                till.envelopes(
                    make_sale(
                        till,
                        [(pg_chain.products[1], "1")],
                        member=(member.id, member.card_no),
                        points_redeemed=100,
                    )
                )
            )
            for till in (a, b)
        ]
        answers = race(clients, [a, b], bodies)
        assert [code for code, _ in answers] == [200, 200], answers
        outcome = sorted(body["results"][0]["status"] for _, body in answers)
        assert outcome == ["applied", "conflict"]
        balance = tx.read(pg_chain.db, lambda s, m=member.id: s.get(MemberRecord, m).points_balance)
        assert balance == -100  # both ledger rows stand; the overspend is a conflict to resolve

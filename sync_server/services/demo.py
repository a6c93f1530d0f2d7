"""`omnitill-server demo-data`: the demo chain (`pos_core.demo_data`) loaded into an empty server.

Everything goes in through the same records and change log as real data, so a till that
enrols afterwards pulls the demo chain like any other. Demo members are registered at every
demo store (so any demo till can find them offline); their opening balances are ledger
rows. Ready pickup orders reserve their stock; opening stock levels are movements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from itertools import islice
from uuid import UUID

from sqlalchemy import insert, select

from pos_core.demo_data import DemoChain, DemoSizes
from pos_core.protocol.messages import Entity
from pos_core.protocol.rows import PickupStatus
from sync_server.services import imports, tills, tx
from sync_server.services.changelog import store_stream
from sync_server.services.effects.coupons import publish_coupon
from sync_server.services.errors import Clash, Invalid
from sync_server.services.ledgers import move_stock, post_points
from sync_server.services.orders import publish_order, reserve
from sync_server.services.rows import cashier_row
from sync_server.services.stores import publish_settings
from sync_server.store.db import Database
from sync_server.store.members import HEAD_OFFICE, MemberRecord, MemberStore
from sync_server.store.offers import CouponRecord
from sync_server.store.org import CashierRecord, ChainRecord, StoreRecord
from sync_server.store.pickup import PickupOrderRecord, PickupStatusChange
from sync_server.store.sync import StreamCounter

_OWN = {"store_id", "code", "name", "member_lookup_key"}


@dataclass
class DemoLoaded:
    products: int
    stores: list[tuple[str, str, str]] = field(default_factory=list)  # code, name, code
    staff: list[tuple[str, str, str, str]] = field(default_factory=list)  # store, no, role, PIN
    coupon_codes: list[str] = field(default_factory=list)
    pickup_codes: list[tuple[str, str, str]] = field(default_factory=list)  # store, order, code
    members: int = 0

    def describe(self) -> str:
        lines = [f"demo chain loaded: {len(self.stores)} stores, {self.products} products, "
                 f"{self.members} members"]  # fmt: skip
        for code, name, enrolment in self.stores:
            lines.append(f"  {code} {name}: till 1 enrolment code {enrolment}")
        roles: dict[tuple[str, str], list[str]] = {}
        for _, number, role, pin in self.staff:
            roles.setdefault((role, pin), []).append(number)
        staff = [
            f"{role} {min(numbers)}" + (f"–{max(numbers)}" if len(set(numbers)) > 1 else "")
            + f" PIN {pin}"
            for (role, pin), numbers in roles.items()
        ]  # fmt: skip
        lines.append("  staff at every store: " + " · ".join(staff))
        lines.append("  coupon codes: " + ", ".join(self.coupon_codes[:5]))
        for store, order, code in self.pickup_codes[:4]:
            lines.append(f"  pickup order {order} at {store}: code {code}")
        return "\n".join(lines)


def load(db: Database, *, seed: int, products: int, stores: int) -> DemoLoaded:
    """Load the demo chain for `seed` into an empty server."""
    try:
        demo = DemoChain.generate(seed, DemoSizes(products=products, stores=stores))
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    tx.write(db, partial(_org, demo=demo), what="loading the demo stores")
    for entity, rows in (
        (Entity.CATEGORY, demo.categories),
        (Entity.PRODUCT, demo.iter_products()),
        (Entity.BARCODE, demo.iter_barcodes()),
        (Entity.PRICE, demo.iter_prices()),
        (Entity.PROMOTION, demo.promotions),
    ):
        imports.load_rows(db, entity, rows)
    tx.write(db, partial(_members, demo=demo), what="loading the demo members")
    tx.write(db, partial(_offers, demo=demo), what="loading the demo coupons and orders")
    for store in demo.stores:
        levels = demo.iter_stock_levels(store.store_id)
        while chunk := [
            (UUID(r["product_id"]), Decimal(r["quantity"])) for r in islice(levels, 5000)
        ]:
            tx.write(
                db, partial(_stock, store_id=store.store_id, levels=chunk), what="loading stock"
            )
    loaded = DemoLoaded(products=products, members=len(demo.members))
    for store in demo.stores:
        till = tills.create_till(db, store=store.store_id, till_number=1, name="demo till 1")
        loaded.stores.append((store.code, store.name, till.enrolment_code))
        for cashier in demo.cashiers[store.store_id]:
            loaded.staff.append(
                (store.code, cashier.number, cashier.role.value, demo.cashier_pins[cashier.id])
            )
        for order in demo.pickup_orders.get(store.store_id, ()):
            if order.status is PickupStatus.READY:
                loaded.pickup_codes.append(
                    (store.code, order.order_no, demo.pickup_codes[order.id])
                )
    loaded.coupon_codes = [demo.coupon_codes[c.id] for c in demo.coupons[:5]]
    return loaded


def _org(unit: tx.Unit, *, demo: DemoChain) -> None:
    session, now = unit.session, datetime.now(UTC)
    if session.execute(select(StoreRecord.id).limit(1)).first() is not None:
        raise Clash("the server already has stores; demo-data loads into an empty database")
    chain = session.get(ChainRecord, 1)
    assert chain is not None
    chain.name = "OmniTill 优选超市"
    chain.member_lookup_key = demo.member_lookup_key.hex()
    for row in demo.stores:
        store = StoreRecord(
            id=row.store_id,
            code=row.code,
            name=row.name,
            settings=row.model_dump(mode="json", exclude=_OWN),
            active=True,
            created_at=now,
            updated_at=now,
        )
        session.add(store)
        session.add(StreamCounter(stream=store_stream(row.store_id), last=0, retained_min=0))
        session.flush()
        publish_settings(session, unit.log, store)
        for cashier in demo.cashiers[row.store_id]:
            record = CashierRecord(
                id=cashier.id,
                store_id=row.store_id,
                number=cashier.number,
                name=cashier.name,
                role=cashier.role.value,
                pin_hash=cashier.pin_hash,
                active=cashier.active,
                deleted=False,
                updated_at=now,
            )
            session.add(record)
            unit.log.upsert_row(store_stream(row.store_id), Entity.CASHIER, cashier_row(record))


def _members(unit: tx.Unit, *, demo: DemoChain) -> None:
    session, now = unit.session, datetime.now(UTC)
    store_ids = [s.store_id for s in demo.stores]
    for index, row in enumerate(demo.members):
        session.add(
            MemberRecord(
                id=row.id,
                card_no=row.card_no,
                phone=demo.member_phones[row.id],
                phone_hash=row.phone_hash,
                phone_masked=row.phone_masked,
                name=row.name,
                tier=row.tier,
                points_balance=0,
                home_store_id=store_ids[index % len(store_ids)],
                active=row.active,
                consent={"version": "demo", "given_at": now.isoformat()},
                created_at=now,
                updated_at=now,
            )
        )
    session.flush()
    links = [
        {"member_id": m.id, "store_id": s, "since": now} for m in demo.members for s in store_ids
    ]
    if links:
        session.execute(insert(MemberStore), links)
    for row in demo.members:
        post_points(
            session, unit.log, store_id=HEAD_OFFICE, member_id=row.id, delta=row.points_balance,
            kind="adjustment", event_id=None, document_id=None, now=now,
        )  # fmt: skip


def _offers(unit: tx.Unit, *, demo: DemoChain) -> None:
    session, now = unit.session, datetime.now(UTC)
    unit.log.lock(store_stream(s.store_id) for s in demo.stores)
    for row in demo.coupons:
        coupon = CouponRecord(
            id=row.id,
            code_hash=row.code_hash,
            member_id=row.member_id,
            kind=row.kind.value,
            value=row.value,
            min_spend=row.min_spend,
            product_ids=[str(p) for p in row.product_ids],
            category_ids=[str(c) for c in row.category_ids],
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            max_uses=row.max_uses,
            uses=row.uses,
            last_use_number=row.uses,
            restore_on_return=row.restore_on_return,
            store_ids=None,
            deleted=False,
            created_by="demo",
            created_at=now,
            updated_at=now,
        )
        session.add(coupon)
        session.flush()
        publish_coupon(session, unit.log, coupon)
    for store_id, orders in demo.pickup_orders.items():
        for order_row in orders:
            order = PickupOrderRecord(
                id=order_row.id,
                store_id=store_id,
                order_no=order_row.order_no,
                code_hash=order_row.code_hash,
                pickup_code=demo.pickup_codes[order_row.id],
                customer_name_masked=order_row.customer_name_masked,
                phone_masked=order_row.phone_masked,
                phone_hash=order_row.phone_hash,
                lines=[line.model_dump(mode="json") for line in order_row.lines],
                collected=(
                    {str(line.line_id): str(line.quantity) for line in order_row.lines}
                    if order_row.status is PickupStatus.COLLECTED
                    else {}
                ),
                paid_online=order_row.paid_online,
                amount_due=order_row.amount_due,
                status=order_row.status.value,
                created_at=order_row.created_at,
                expires_at=order_row.expires_at,
                updated_at=now,
            )
            session.add(order)
            if order_row.status is PickupStatus.READY:
                reserve(session, unit.log, order, now)
            session.add(
                PickupStatusChange(
                    id=order_row.id, order_id=order_row.id, status=order_row.status.value,
                    event_id=None, note="demo", changed_at=order_row.created_at,
                )
            )  # fmt: skip
            session.flush()
            publish_order(unit.log, order)


def _stock(unit: tx.Unit, *, store_id: UUID, levels: list[tuple[UUID, Decimal]]) -> None:
    unit.log.lock([store_stream(store_id)])
    move_stock(
        unit.session,
        unit.log,
        store_id=store_id,
        lines=levels,
        kind="opening",
        event_id=None,
        document_id=None,
        now=datetime.now(UTC),
    )

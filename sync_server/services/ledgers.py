"""The two append-only ledgers (DESIGN promise 5): stock movements and member points.

Every change is a ledger row plus an in-place `x = x + delta … RETURNING`, in the same
transaction, and the new level or balance is published to the stores that see it.
Nothing here ever writes an absolute level; nothing ever edits a ledger row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Table, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pos_core.ids import new_id
from pos_core.protocol.messages import Entity
from sync_server.services.audience import member_store_ids
from sync_server.services.changelog import ChangeLog, store_stream
from sync_server.services.rows import member_row, stock_level_json
from sync_server.store.base import Base
from sync_server.store.bulk import bulk_insert
from sync_server.store.members import MemberRecord, MemberStore, PointsEntry
from sync_server.store.stock import StockLevel, StockMovement

ZERO = Decimal("0.000")


def _insert_for(session: Session):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def table(model: type[Base]) -> Table:
    """A model's Core table: bulk writes on the hot path skip the ORM's unit of work."""
    return cast(Table, model.__table__)


class StockLedger:
    """One transaction's stock movements, written together by `flush`.

    A push moves stock for many events; their movement rows go in one insert and their
    level deltas, summed per product, in one `quantity = quantity + delta` upsert per
    store, published once as they end up."""

    def __init__(self, session: Session, log: ChangeLog) -> None:
        self._session = session
        self._log = log
        self._movements: list[dict[str, Any]] = []
        self._deltas: dict[UUID, dict[UUID, Decimal]] = {}

    def move(
        self,
        *,
        store_id: UUID,
        lines: Iterable[tuple[UUID, Decimal]],
        kind: str,
        event_id: UUID | None,
        document_id: UUID | None,
        now: datetime,
    ) -> None:
        """One movement per line (zero lines are skipped)."""
        deltas = self._deltas.setdefault(store_id, {})
        for product_id, quantity in lines:
            if quantity == 0:
                continue
            self._movements.append(
                {
                    "store_id": store_id,
                    "id": new_id(),
                    "product_id": product_id,
                    "quantity": quantity,
                    "kind": kind,
                    "event_id": event_id,
                    "document_id": document_id,
                    "created_at": now,
                }
            )
            deltas[product_id] = deltas.get(product_id, ZERO) + quantity

    def flush(self) -> dict[UUID, dict[UUID, Decimal]]:
        """Write the movements and levels; returns the new levels by store and product."""
        bulk_insert(self._session, StockMovement, self._movements)
        levels = {
            store_id: adjust_levels(self._session, self._log, store_id=store_id, deltas=deltas)
            for store_id, deltas in self._deltas.items()
            if deltas
        }
        self._movements, self._deltas = [], {}
        return levels


def move_stock(
    session: Session,
    log: ChangeLog,
    *,
    store_id: UUID,
    lines: Iterable[tuple[UUID, Decimal]],
    kind: str,
    event_id: UUID | None,
    document_id: UUID | None,
    now: datetime,
) -> dict[UUID, Decimal]:
    """One movement per line, levels updated by their deltas now; returns the new levels."""
    ledger = StockLedger(session, log)
    ledger.move(
        store_id=store_id, lines=lines, kind=kind, event_id=event_id, document_id=document_id,
        now=now,
    )  # fmt: skip
    return ledger.flush().get(store_id, {})


_PG_LEVELS = text(
    "INSERT INTO stock_levels (store_id, product_id, quantity, reserved) "
    "SELECT :store_id, p, d, 0 FROM unnest(CAST(:products AS uuid[]), CAST(:deltas AS bigint[]))"
    " AS moved(p, d) "
    "ON CONFLICT (store_id, product_id) DO UPDATE "
    "SET quantity = stock_levels.quantity + excluded.quantity "
    "RETURNING product_id, quantity"
)


def adjust_levels(
    session: Session, log: ChangeLog, *, store_id: UUID, deltas: dict[UUID, Decimal]
) -> dict[UUID, Decimal]:
    """`quantity = quantity + delta` per product (creating missing levels); publishes them."""
    ordered = sorted(deltas.items())  # a fixed order: two writers never lock rows crosswise
    if session.get_bind().dialect.name == "postgresql":
        # One statement with two arrays: its text never changes, so it is parsed once,
        # however many products a push moves.
        found = session.execute(
            _PG_LEVELS,
            {
                "store_id": store_id,
                "products": [p for p, _ in ordered],
                "deltas": [int(d.scaleb(3)) for _, d in ordered],
            },
        ).all()
        levels = {product: Decimal(milli).scaleb(-3) for product, milli in found}
    else:
        upsert = sqlite.insert(table(StockLevel))
        statement = upsert.on_conflict_do_update(
            index_elements=["store_id", "product_id"],
            set_={"quantity": upsert.table.c.quantity + upsert.excluded.quantity},
        ).returning(upsert.table.c.product_id, upsert.table.c.quantity)
        rows = [
            {"store_id": store_id, "product_id": p, "quantity": d, "reserved": ZERO}
            for p, d in ordered
        ]
        levels = dict(session.execute(statement, rows).all())
    stream = store_stream(store_id)
    for product_id, quantity in levels.items():
        log.upsert(
            stream, Entity.STOCK_LEVEL, str(product_id), stock_level_json(product_id, quantity)
        )
    return levels


def adjust_reserved(
    session: Session, log: ChangeLog, *, store_id: UUID, deltas: dict[UUID, Decimal]
) -> None:
    """Hold (+) or release (−) stock for click-and-collect; on-hand is unchanged."""
    upsert = _insert_for(session)(StockLevel)
    statement = upsert.values(
        [
            {"store_id": store_id, "product_id": p, "quantity": ZERO, "reserved": d}
            for p, d in sorted(deltas.items())
        ]
    )
    statement = statement.on_conflict_do_update(
        index_elements=[StockLevel.store_id, StockLevel.product_id],
        set_={"reserved": StockLevel.reserved + statement.excluded.reserved},
    ).returning(StockLevel.product_id, StockLevel.quantity)
    stream = store_stream(store_id)
    # A level row may be new here; publishing it keeps the tills' view whole.
    for product_id, quantity in session.execute(statement):
        log.upsert(
            stream, Entity.STOCK_LEVEL, str(product_id), stock_level_json(product_id, quantity)
        )


def post_points(
    session: Session,
    log: ChangeLog,
    *,
    store_id: UUID,
    member_id: UUID,
    delta: int,
    kind: str,
    event_id: UUID | None,
    document_id: UUID | None,
    now: datetime,
) -> int:
    """A ledger row and `balance = balance + delta`; returns the new balance (may be < 0)."""
    member = session.execute(
        update(MemberRecord)
        .where(MemberRecord.id == member_id)
        .values(points_balance=MemberRecord.points_balance + delta, updated_at=now)
        .returning(MemberRecord)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    session.execute(
        insert(PointsEntry).values(
            store_id=store_id,
            id=new_id(),
            member_id=member_id,
            delta=delta,
            balance_after=member.points_balance,
            kind=kind,
            event_id=event_id,
            document_id=document_id,
            created_at=now,
        )
    )
    publish_member(session, log, member)
    return member.points_balance


def publish_member(session: Session, log: ChangeLog, member: MemberRecord) -> None:
    """The member's row to every store it is relevant to."""
    stores = member_store_ids(session, [member.id])[member.id]
    log.upsert_row(sorted(store_stream(s) for s in stores), Entity.MEMBER, member_row(member))


def relate_member(
    session: Session,
    log: ChangeLog,
    *,
    member_id: UUID,
    store_id: UUID,
    now: datetime,
    related: set[tuple[UUID, UUID]] | None = None,
) -> bool:
    """Make a member relevant to a store (publishing it there); False if it already was.

    `related`: pairs already known to be related (a push reads them once per batch)."""
    if related is not None and (member_id, store_id) in related:
        return False
    known = session.execute(
        select(MemberStore.store_id).where(
            MemberStore.member_id == member_id, MemberStore.store_id == store_id
        )
    ).first()
    if related is not None:
        related.add((member_id, store_id))
    if known is not None:
        return False
    session.execute(
        _insert_for(session)(MemberStore)
        .values(member_id=member_id, store_id=store_id, since=now)
        .on_conflict_do_nothing()
    )
    member = session.get(MemberRecord, member_id)
    if member is not None:
        log.upsert_row(store_stream(store_id), Entity.MEMBER, member_row(member))
    return True

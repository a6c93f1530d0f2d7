"""Keeping the change log small and the tills' view current (`omnitill-server compact`).

- `expire`: what stops being visible by the passing of time reaches the tills: sales
  older than 90 days arrive as deletes, click-and-collect orders past their pickup date
  become `expired` and release their stock.
- `compact`: below a stream's new retained minimum only the newest change of each row is
  kept, and a row whose newest change is a delete is dropped altogether — so pulling the
  compacted log from the start still builds exactly the current view. A till whose
  cursor falls below the retained minimum is told `must_refetch`.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Final

from sqlalchemy import delete, func, select, update

from pos_core.ids import new_id
from pos_core.protocol.messages import Entity
from pos_core.protocol.rows import PickupStatus
from sync_server.services import tx
from sync_server.services.changelog import store_stream
from sync_server.services.effects.context import REPLICATED_DAYS
from sync_server.services.orders import publish_order, release
from sync_server.store.db import Database
from sync_server.store.pickup import PickupOrderRecord, PickupStatusChange
from sync_server.store.sales import SaleRecord
from sync_server.store.sync import ChangeRecord, StreamCounter

log = logging.getLogger(__name__)

CHUNK: Final = 1000


def expire(db: Database, *, now: datetime | None = None) -> dict[str, int]:
    """Publish what time has taken out of the tills' view; returns counts."""
    now = now or datetime.now(UTC)
    cutoff = now.date() - timedelta(days=REPLICATED_DAYS)
    counts = {"sales": 0, "orders": 0}
    while True:
        done = tx.write(db, partial(_expire_sales, cutoff=cutoff), what="expiring old sales")
        counts["sales"] += done
        if done < CHUNK:
            break
    while True:
        done = tx.write(db, partial(_expire_orders, now=now), what="expiring pickup orders")
        counts["orders"] += done
        if done < CHUNK:
            break
    log.info("expired %d sales and %d pickup orders", counts["sales"], counts["orders"])
    return counts


def _expire_sales(unit: tx.Unit, *, cutoff: date) -> int:
    session = unit.session
    old = session.execute(
        select(SaleRecord.store_id, SaleRecord.id)
        .where(SaleRecord.replicated, SaleRecord.business_date < cutoff)
        .limit(CHUNK)
    ).all()
    unit.log.lock({store_stream(store_id) for store_id, _ in old})
    for store_id, sale_id in old:
        session.execute(
            update(SaleRecord)
            .where(SaleRecord.store_id == store_id, SaleRecord.id == sale_id)
            .values(replicated=False)
        )
        unit.log.delete(store_stream(store_id), Entity.SALE, str(sale_id))
    return len(old)


def _expire_orders(unit: tx.Unit, *, now: datetime) -> int:
    session = unit.session
    stores = (
        session.execute(
            select(PickupOrderRecord.store_id)
            .where(
                PickupOrderRecord.status == PickupStatus.READY.value,
                PickupOrderRecord.expires_at < now,
            )
            .distinct()
        )
        .scalars()
        .all()
    )
    unit.log.lock(store_stream(s) for s in stores)
    orders = (
        session.execute(
            select(PickupOrderRecord)
            .where(
                PickupOrderRecord.status == PickupStatus.READY.value,
                PickupOrderRecord.expires_at < now,
            )
            .limit(CHUNK)
            .with_for_update()
        )
        .scalars()
        .all()
    )
    for order in orders:
        order.status, order.updated_at = PickupStatus.EXPIRED.value, now
        release(session, unit.log, order, now)
        session.add(
            PickupStatusChange(
                id=new_id(), order_id=order.id, status=order.status, event_id=None,
                note="not collected in time", changed_at=now,
            )
        )  # fmt: skip
        session.flush()
        publish_order(unit.log, order)
    return len(orders)


def compact(db: Database, *, keep: int = 0) -> dict[str, int]:
    """Compact every stream below `last - keep`; returns the changes removed per stream."""
    streams = tx.read(
        db, lambda session: list(session.execute(select(StreamCounter.stream)).scalars())
    )
    removed = {}
    for stream in sorted(streams):
        removed[stream] = tx.write(
            db, partial(_compact, stream=stream, keep=keep), what="compacting"
        )
    log.info("compacted the change log: %d changes removed", sum(removed.values()))
    return removed


def _compact(unit: tx.Unit, *, stream: str, keep: int) -> int:
    session = unit.session
    counter = session.get(StreamCounter, stream)
    assert counter is not None
    retained = max(counter.retained_min, counter.last - max(keep, 0))
    newest = (
        select(func.max(ChangeRecord.number))
        .where(ChangeRecord.stream == stream, ChangeRecord.number <= retained)
        .group_by(ChangeRecord.entity, ChangeRecord.key)
    )
    result = session.execute(
        delete(ChangeRecord)
        .where(
            ChangeRecord.stream == stream,
            ChangeRecord.number <= retained,
            (ChangeRecord.op == "delete") | ChangeRecord.number.not_in(newest),
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(StreamCounter)
        .where(StreamCounter.stream == stream, StreamCounter.retained_min < retained)
        .values(retained_min=retained)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def tidy(db: Database, *, keep: int) -> tuple[dict[str, int], dict[str, int]]:
    """Expire what time took out of the tills' view, then compact the log: (expired, removed)."""
    return expire(db), compact(db, keep=keep)

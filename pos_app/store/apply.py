"""Writing pulled changes into the replica: validated, whole rows, in bulk.

Every change is validated against its row model (`pos_core.protocol.rows`) before it
touches the replica, so a malformed row is refused with a message naming it instead of
half-written. Runs of upserts or deletes of one entity are written with one executemany
each. This is the only way rows enter the replica: a pull page, a snapshot and the demo
loader all come through here. The caller owns the transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import Any, Final

from pydantic import BaseModel, ValidationError
from sqlalchemy import Table, delete, insert
from sqlalchemy.orm import Session

from pos_app.store import replica
from pos_app.store.base import Base
from pos_core.protocol.messages import Change, ChangeOp, Entity
from pos_core.protocol.rows import ROW_MODELS

BATCH_ROWS: Final = 5000


class ReplicaRowError(ValueError):
    """A pulled row that does not fit its model; names the entity and key."""


@dataclass(frozen=True, slots=True)
class _Target:
    table: Table
    key_column: str
    key_is_uuid: bool
    whole_row_column: str | None = None  # the JSON column that keeps the whole row


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


_TARGETS: Final[dict[Entity, _Target]] = {
    Entity.CATEGORY: _Target(_table(replica.Category), "id", True),
    Entity.PRODUCT: _Target(_table(replica.Product), "id", True),
    Entity.BARCODE: _Target(_table(replica.Barcode), "gtin", False),
    Entity.PRICE: _Target(_table(replica.Price), "id", True),
    Entity.PROMOTION: _Target(_table(replica.Promotion), "id", True),
    Entity.STORE_SETTINGS: _Target(_table(replica.StoreSettings), "store_id", True, "data"),
    Entity.CASHIER: _Target(_table(replica.Cashier), "id", True),
    Entity.MEMBER: _Target(_table(replica.Member), "id", True),
    Entity.COUPON: _Target(_table(replica.Coupon), "id", True, "data"),
    Entity.PICKUP_ORDER: _Target(_table(replica.PickupOrder), "id", True, "data"),
    Entity.STOCK_LEVEL: _Target(_table(replica.StockLevel), "product_id", True),
    Entity.SALE: _Target(_table(replica.RecentSale), "id", True, "data"),
    Entity.CONFLICT: _Target(_table(replica.Conflict), "id", True),
}


def _plan(entity: Entity) -> tuple[tuple[str, ...], str | None]:
    """Which of the entity's row fields are columns, and which column keeps the whole row."""
    target = _TARGETS[entity]
    fields = ROW_MODELS[entity].model_fields
    direct = tuple(
        column.name
        for column in target.table.columns
        if column.name in fields and column.name != target.whole_row_column
    )
    return direct, target.whole_row_column


_PLANS: Final = {entity: _plan(entity) for entity in _TARGETS}


def _columns_of(entity: Entity, row: BaseModel) -> dict[str, Any]:
    direct, whole = _PLANS[entity]
    values = {name: getattr(row, name) for name in direct}
    if whole is not None:
        values[whole] = row.model_dump(mode="json")
    if entity is Entity.PROMOTION and values["store_ids"] is not None:
        values["store_ids"] = [str(v) for v in values["store_ids"]]
    return values


def row_values(entity: Entity, key: str, data: dict[str, Any]) -> dict[str, Any]:
    """The replica columns for one pulled row, validated against its model."""
    try:
        row = ROW_MODELS[entity].model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ReplicaRowError(f"{entity} {key}: {where}: {first['msg']}") from None
    return _columns_of(entity, row)


def _key(target: _Target, entity: Entity, key: str) -> object:
    if not target.key_is_uuid:
        return key
    try:
        return uuid.UUID(key)
    except ValueError:
        raise ReplicaRowError(f"{entity} key {key!r} is not a UUID") from None


ChangeLike = Change | tuple[Entity, str, ChangeOp, dict[str, Any] | None]


def _as_tuple(change: ChangeLike) -> tuple[Entity, str, ChangeOp, dict[str, Any] | None]:
    if isinstance(change, Change):
        return change.entity, change.key, change.op, change.data
    return change


def _batches(changes: Iterable[ChangeLike]) -> Iterator[tuple[Entity, ChangeOp, list[Any]]]:
    def kind(c: tuple[Entity, str, ChangeOp, dict[str, Any] | None]) -> tuple[Entity, ChangeOp]:
        return c[0], c[2]

    for (entity, op), run in groupby(map(_as_tuple, changes), key=kind):
        batch: list[Any] = []
        for _, key, _, data in run:
            batch.append((key, data))
            if len(batch) >= BATCH_ROWS:
                yield entity, op, batch
                batch = []
        if batch:
            yield entity, op, batch


def apply_changes(
    session: Session,
    changes: Iterable[ChangeLike],
    *,
    into: Mapping[Entity, Table] | None = None,
) -> int:
    """Upsert or delete each change in the replica, in order; returns how many were applied.

    `into` redirects entities to other tables of the same columns (a rebuild's shadows)."""
    applied = 0
    for entity, op, batch in _batches(changes):
        target = _TARGETS[entity]
        table = target.table if into is None else into[entity]
        if op is ChangeOp.UPSERT:
            rows = []
            for key, data in batch:
                if data is None:
                    raise ReplicaRowError(f"{entity} {key}: an upsert without data")
                rows.append(row_values(entity, key, data))
            session.execute(insert(table).prefix_with("OR REPLACE"), rows)
        else:
            keys = [_key(target, entity, key) for key, _ in batch]
            session.execute(delete(table).where(table.c[target.key_column].in_(keys)))
        applied += len(batch)
    return applied


def replica_table(entity: Entity) -> Table:
    return _TARGETS[entity].table

"""Bulk catalog loads: rows already in the protocol's shapes (a demo chain, a migration from
another system, a benchmark's million products), inserted and published in chunks.

Each chunk of `CHUNK` rows is its own transaction, so a million products never sit in one
transaction's memory; a load that stops half-way can be finished by loading the rest.
Rows are validated against their row model before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from typing import Any, Final

from pydantic import ValidationError

from pos_core.protocol.messages import Entity
from pos_core.protocol.rows import (
    ROW_MODELS,
    BarcodeRow,
    CategoryRow,
    PriceRow,
    ProductRow,
    PromotionRow,
)
from pos_core.protocol.types import Message
from sync_server.services import tx
from sync_server.services.audience import store_list_streams
from sync_server.services.catalog import pinyin_initials
from sync_server.services.changelog import CATALOG, store_stream
from sync_server.services.errors import Invalid
from sync_server.services.rows import in_utc
from sync_server.store.base import Base
from sync_server.store.bulk import bulk_insert
from sync_server.store.catalog import (
    BarcodeRecord,
    CategoryRecord,
    PriceRecord,
    ProductRecord,
    PromotionRecord,
)
from sync_server.store.db import Database

CHUNK: Final = 5000
CATALOG_ENTITIES: Final = (
    Entity.CATEGORY,
    Entity.PRODUCT,
    Entity.BARCODE,
    Entity.PRICE,
    Entity.PROMOTION,
)


def _record(entity: Entity, row: Message, now: datetime) -> tuple[dict[str, Any], list[str]]:
    """The record's columns and the streams the row is published to."""
    common = {"deleted": False, "updated_at": now}
    if isinstance(row, CategoryRow | ProductRow | BarcodeRow):
        return {**row.model_dump(), **common}, [CATALOG]
    if isinstance(row, PriceRow):
        stream = CATALOG if row.store_id is None else store_stream(row.store_id)
        return {**row.model_dump(), **common}, [stream]
    if isinstance(row, PromotionRow):
        ids = None if row.store_ids is None else sorted(str(s) for s in row.store_ids)
        return {**row.model_dump(), "store_ids": ids, **common}, store_list_streams(ids)
    raise Invalid(f"{entity} rows are not catalog rows")


_TABLES: Final[dict[Entity, type[Base]]] = {
    Entity.CATEGORY: CategoryRecord,
    Entity.PRODUCT: ProductRecord,
    Entity.BARCODE: BarcodeRecord,
    Entity.PRICE: PriceRecord,
    Entity.PROMOTION: PromotionRecord,
}


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def load_rows(db: Database, entity: Entity, rows: Iterable[dict[str, Any] | Message]) -> int:
    """Insert and publish catalog rows (dicts as `model_dump(mode="json")` gives, or models)."""
    if entity not in CATALOG_ENTITIES:
        raise Invalid(f"{entity} rows are not catalog rows")
    model = ROW_MODELS[entity]
    loaded = 0
    for chunk in _chunks(rows, CHUNK):
        try:
            parsed = [r if isinstance(r, model) else model.model_validate(r) for r in chunk]
        except ValidationError as exc:
            raise Invalid(
                f"a {entity} row does not fit its model: {exc.errors()[0]['msg']}"
            ) from None
        if entity is Entity.PRODUCT:
            parsed = [
                p if p.pinyin else p.model_copy(update={"pinyin": pinyin_initials(p.name)})  # type: ignore[attr-defined]
                for p in parsed
            ]
        tx.write(db, partial(_load, entity=entity, rows=parsed), what=f"loading {entity}")
        loaded += len(parsed)
    return loaded


def _load(unit: tx.Unit, *, entity: Entity, rows: list[Message]) -> None:
    now = datetime.now(UTC)
    records = []
    for row in rows:
        record, streams = _record(entity, row, now)
        records.append(record)
        unit.log.upsert_row(streams, entity, in_utc(row))
    bulk_insert(unit.session, _TABLES[entity], records)

"""Stores and their settings (head office): what every till of a store replicates first."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any, Final
from uuid import UUID

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from pos_core.ids import new_id
from pos_core.protocol.messages import Entity
from pos_core.protocol.rows import StoreSettingsRow
from sync_server.services import tx
from sync_server.services.changelog import ChangeLog, store_stream
from sync_server.services.errors import Clash, Invalid, NotFound
from sync_server.services.rows import coupon_row, settings_row
from sync_server.store.db import Database
from sync_server.store.offers import CouponRecord
from sync_server.store.org import ChainRecord, StoreRecord
from sync_server.store.sync import StreamCounter

log = logging.getLogger(__name__)

STORE_CODE: Final = re.compile(r"^[A-Z0-9]{1,12}$")
_OWN_FIELDS: Final = frozenset({"store_id", "code", "name", "member_lookup_key"})
DEFAULT_TAX_RATES: Final = [
    {"code": "VAT13", "rate": "0.13", "name": "增值税 13%"},
    {"code": "VAT9", "rate": "0.09", "name": "增值税 9%"},
    {"code": "VAT0", "rate": "0", "name": "免税"},
]


class StoreCreate(BaseModel):
    code: str = Field(min_length=1, max_length=12, pattern=r"^[A-Z0-9]{1,12}$")
    name: str = Field(min_length=1, max_length=100)
    settings: dict[str, Any] = Field(
        default_factory=dict,
        description="StoreSettingsRow fields (time_zone, tax_rates, receipt_header, "
        "cash_rounding, offline_policy, allow_cross_store_returns, …)",
    )


class StorePatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    settings: dict[str, Any] = Field(default_factory=dict)


def chain(session: Session) -> ChainRecord:
    record = session.get(ChainRecord, 1)
    if record is None:
        raise RuntimeError("the database has no chain row; run `omnitill-server init`")
    return record


def _checked(store_id: UUID, code: str, name: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Settings that make a valid StoreSettingsRow, as stored (without the store's own fields)."""
    unknown = set(settings) - (set(StoreSettingsRow.model_fields) - _OWN_FIELDS)
    if unknown:
        raise Invalid(f"not store settings: {', '.join(sorted(unknown))}")
    merged = {"tax_rates": DEFAULT_TAX_RATES, **settings}
    try:
        row = StoreSettingsRow.model_validate(
            {**merged, "store_id": store_id, "code": code, "name": name}
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Invalid(f"store settings: {where}: {first['msg']}") from None
    return row.model_dump(mode="json", exclude=set(_OWN_FIELDS))


def publish_settings(session: Session, log_: ChangeLog, store: StoreRecord) -> None:
    log_.upsert_row(
        store_stream(store.id), Entity.STORE_SETTINGS, settings_row(store, chain(session))
    )


def create_store(db: Database, request: StoreCreate) -> StoreSettingsRow:
    """A new store, its change stream, and its settings published to it."""
    store_id = new_id()
    settings = _checked(store_id, request.code, request.name, request.settings)

    def work(unit: tx.Unit) -> StoreSettingsRow:
        session, now = unit.session, datetime.now(UTC)
        if session.execute(select(StoreRecord.id).where(StoreRecord.code == request.code)).first():
            raise Clash(f"store code {request.code} is already in use")
        store = StoreRecord(
            id=store_id,
            code=request.code,
            name=request.name,
            settings=settings,
            active=True,
            created_at=now,
            updated_at=now,
        )
        session.add(store)
        session.add(StreamCounter(stream=store_stream(store_id), last=0, retained_min=0))
        session.flush()
        publish_settings(session, unit.log, store)
        # Chain-wide coupons are valid here too, from the start.
        for coupon in session.execute(
            select(CouponRecord).where(
                CouponRecord.store_ids.is_(None), CouponRecord.deleted.is_(False)
            )
        ).scalars():
            unit.log.upsert_row(store_stream(store_id), Entity.COUPON, coupon_row(coupon))
        log.info("store %s created", request.code)
        return settings_row(store, chain(session))

    return tx.write(db, work, what="creating a store")


def update_store(db: Database, store: UUID, request: StorePatch) -> StoreSettingsRow:
    """Change a store's name or settings; its tills receive the new settings row."""

    def work(unit: tx.Unit) -> StoreSettingsRow:
        session = unit.session
        record = session.get(StoreRecord, store)
        if record is None:
            raise NotFound(f"no store {store}")
        unit.log.lock([store_stream(store)])
        session.refresh(record, with_for_update=True)
        name = request.name or record.name
        record.settings = _checked(
            record.id, record.code, name, {**record.settings, **request.settings}
        )
        record.name = name
        record.updated_at = datetime.now(UTC)
        session.flush()
        publish_settings(session, unit.log, record)
        return settings_row(record, chain(session))

    return tx.write(db, work, what="updating a store")


def list_stores(db: Database) -> list[StoreSettingsRow]:
    def work(session: Session) -> list[StoreSettingsRow]:
        record = chain(session)
        stores = session.execute(select(StoreRecord).order_by(StoreRecord.code)).scalars()
        return [settings_row(s, record) for s in stores]

    return tx.read(db, work)


def get_store(db: Database, store: UUID) -> StoreSettingsRow:
    def work(session: Session) -> StoreSettingsRow:
        record = session.get(StoreRecord, store)
        if record is None:
            raise NotFound(f"no store {store}")
        return settings_row(record, chain(session))

    return tx.read(db, work)

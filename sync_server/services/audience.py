"""Which streams a row travels in: who may see what (DESIGN §4 and promise 8).

- Catalog stream (every till): categories, products, barcodes, chain prices, promotions
  for every store.
- A store's stream: its settings and cashiers, its store prices and its own promotions,
  the members relevant to it, the coupons valid there, its pickup orders, stock levels,
  sales of the last 90 days and conflicts.

Members relevant to a store: their home store (where they enrolled, or the one head
office gave them) and every store where a sale or return named them. A till never
receives the chain's whole member list.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.services.changelog import CATALOG, store_stream
from sync_server.store.members import MemberStore
from sync_server.store.offers import CouponRecord
from sync_server.store.org import StoreRecord


def all_store_ids(session: Session) -> list[UUID]:
    return list(session.execute(select(StoreRecord.id).order_by(StoreRecord.id)).scalars())


def member_store_ids(session: Session, member_ids: Iterable[UUID]) -> dict[UUID, set[UUID]]:
    """The stores each member is relevant to."""
    ids = list(set(member_ids))
    result: dict[UUID, set[UUID]] = {member_id: set() for member_id in ids}
    if not ids:
        return result
    for member_id, store_id in session.execute(
        select(MemberStore.member_id, MemberStore.store_id).where(MemberStore.member_id.in_(ids))
    ):
        result[member_id].add(store_id)
    return result


def member_streams(session: Session, member_id: UUID) -> list[str]:
    return sorted(store_stream(s) for s in member_store_ids(session, [member_id])[member_id])


def coupon_store_ids(session: Session, coupon: CouponRecord) -> list[UUID]:
    if coupon.store_ids is None:
        return all_store_ids(session)
    return sorted(UUID(s) for s in coupon.store_ids)


def coupon_valid_at(coupon: CouponRecord, store_id: UUID) -> bool:
    return coupon.store_ids is None or str(store_id) in coupon.store_ids


def store_list_streams(store_ids: list[str] | None) -> list[str]:
    """Catalog for chain-wide rows (None), else the listed stores' streams."""
    if store_ids is None:
        return [CATALOG]
    return sorted(store_stream(UUID(s)) for s in store_ids)

"""Every server table, gathered for Alembic: `metadata` is what the migrations must match.

The tables live by concept: `org` (chain, stores, tills, API users, cashiers), `catalog`,
`members` (and the points ledger), `stock`, `sales`, `offers` (coupons), `pickup`,
`records` (shifts, cash, audit) and `sync` (events, change log, conflicts). Every large
table carries `store_id` in its key (DESIGN §9).
"""

from __future__ import annotations

from sync_server.store.base import Base
from sync_server.store.catalog import (
    BarcodeRecord,
    CategoryRecord,
    PriceRecord,
    ProductRecord,
    PromotionRecord,
)
from sync_server.store.members import MemberMerge, MemberRecord, MemberStore, PointsEntry
from sync_server.store.offers import CouponRecord, CouponRedemption, CouponReservation
from sync_server.store.org import ApiUser, CashierRecord, ChainRecord, Device, StoreRecord
from sync_server.store.pickup import PickupOrderRecord, PickupStatusChange
from sync_server.store.records import (
    AuditEntryRecord,
    CashMovementRecord,
    PaymentReversalRecord,
    ShiftRecord,
)
from sync_server.store.sales import ReturnRecord, SaleRecord
from sync_server.store.stock import StockDocument, StockLevel, StockMovement, StockReservation
from sync_server.store.sync import (
    ChangeRecord,
    ConflictRecord,
    DeviceEvent,
    EventRecord,
    StreamCounter,
)

metadata = Base.metadata

__all__ = [
    "ApiUser",
    "AuditEntryRecord",
    "BarcodeRecord",
    "CashMovementRecord",
    "CashierRecord",
    "CategoryRecord",
    "ChainRecord",
    "ChangeRecord",
    "ConflictRecord",
    "CouponRecord",
    "CouponRedemption",
    "CouponReservation",
    "Device",
    "DeviceEvent",
    "EventRecord",
    "MemberMerge",
    "MemberRecord",
    "MemberStore",
    "PaymentReversalRecord",
    "PickupOrderRecord",
    "PickupStatusChange",
    "PointsEntry",
    "PriceRecord",
    "ProductRecord",
    "PromotionRecord",
    "ReturnRecord",
    "SaleRecord",
    "ShiftRecord",
    "StockDocument",
    "StockLevel",
    "StockMovement",
    "StockReservation",
    "StoreRecord",
    "StreamCounter",
    "metadata",
]

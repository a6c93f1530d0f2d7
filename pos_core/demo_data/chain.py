"""`DemoChain`: a whole demo chain from a seed, the small parts in memory, the catalog streamed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any, Final
from uuid import UUID

from pos_core.demo_data.catalog import Catalog, CatalogItem
from pos_core.demo_data.members import build_members
from pos_core.demo_data.mint import IdMint, stream
from pos_core.demo_data.offers import build_coupons, build_promotions
from pos_core.demo_data.pickups import build_pickup_orders
from pos_core.demo_data.stores import STORES, build_cashiers, build_stores
from pos_core.protocol.messages import Entity
from pos_core.protocol.rows import (
    CashierRow,
    CategoryRow,
    CouponRow,
    MemberRow,
    PickupOrderRow,
    PromotionRow,
    StoreSettingsRow,
    row_key,
)
from pos_core.protocol.types import Message

DEFAULT_SEED: Final = 2026
MIN_PRODUCTS: Final = 100
MAX_PRODUCTS: Final = 1_000_000
HEAD_PRODUCTS: Final = 100
"""Coupons, promotions and pickup orders name packaged products among the first 100, so they
do not change with the size of the catalog."""

Change = tuple[Entity, str, dict[str, Any]]


def _check(name: str, value: int, low: int, high: int, unit: str = "") -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"demo sizes: {name} must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise ValueError(f"demo sizes: {name} must be {low:,} to {high:,}{unit}, not {value:,}")


@dataclass(frozen=True)
class DemoSizes:
    """How big a demo chain to make. Cashiers and pickup orders are per store."""

    products: int = 500
    members: int = 200
    cashiers: int = 6
    coupons: int = 50
    pickup_orders: int = 20
    stores: int = 2

    def __post_init__(self) -> None:
        _check("products", self.products, MIN_PRODUCTS, MAX_PRODUCTS)
        _check("members", self.members, 0, 100_000)
        _check("cashiers", self.cashiers, 3, 99, " per store (a supervisor and a manager too)")
        _check("coupons", self.coupons, 0, 100_000)
        _check("pickup_orders", self.pickup_orders, 0, 10_000, " per store")
        _check("stores", self.stores, 1, len(STORES))


@dataclass(frozen=True, eq=False, repr=False)
class DemoChain:
    """A demo chain: stores, staff, members, coupons, pickup orders, promotions, catalog.

    Build one with `DemoChain.generate(seed, sizes)`. The clear secrets that real data
    never carries (PINs, phones, coupon and pickup codes) sit beside the rows, by row id."""

    seed: int
    sizes: DemoSizes
    member_lookup_key: bytes
    stores: tuple[StoreSettingsRow, ...]
    categories: tuple[CategoryRow, ...]
    cashiers: Mapping[UUID, tuple[CashierRow, ...]]  # by store id
    cashier_pins: Mapping[UUID, str]  # by cashier id
    members: tuple[MemberRow, ...]
    member_phones: Mapping[UUID, str]  # by member id
    coupons: tuple[CouponRow, ...]
    coupon_codes: Mapping[UUID, str]  # by coupon id
    pickup_orders: Mapping[UUID, tuple[PickupOrderRow, ...]]  # by store id
    pickup_codes: Mapping[UUID, str]  # by order id
    pickup_phones: Mapping[UUID, str]  # by order id
    promotions: tuple[PromotionRow, ...]
    catalog: Catalog

    @classmethod
    def generate(cls, seed: int = DEFAULT_SEED, sizes: DemoSizes | None = None) -> DemoChain:
        """The chain for `seed`: the same rows, byte for byte, on any machine."""
        sizes = sizes or DemoSizes()
        ids = IdMint(seed)
        catalog = Catalog(seed, sizes.products, ids)
        head = [item for item in islice(catalog.items(), HEAD_PRODUCTS) if not item.weighed]
        lookup_key = stream(seed, "keys").getrandbits(256).to_bytes(32, "big")
        stores = build_stores(sizes.stores, ids, lookup_key)
        cashiers, pins = build_cashiers(stream(seed, "cashiers"), ids, stores, sizes.cashiers)
        phones_taken: set[str] = set()
        members, phones = build_members(
            stream(seed, "members"), ids, sizes.members, lookup_key, phones_taken
        )
        leaves = [row for row in catalog.categories if row.parent_id is not None]
        departments = [row for row in catalog.categories if row.parent_id is None]
        coupons, codes = build_coupons(
            stream(seed, "coupons"), ids, sizes.coupons, head, leaves, [m.id for m in members]
        )
        pickups = build_pickup_orders(
            stream(seed, "pickups"),
            ids,
            stores,
            sizes.pickup_orders,
            head,
            phones,
            lookup_key,
            phones_taken,
        )
        promotions = build_promotions(
            stream(seed, "promotions"), ids, head, departments, stores[0].store_id
        )
        return cls(
            seed=seed,
            sizes=sizes,
            member_lookup_key=lookup_key,
            stores=tuple(stores),
            categories=tuple(catalog.categories),
            cashiers={store: tuple(rows) for store, rows in cashiers.items()},
            cashier_pins=pins,
            members=tuple(members),
            member_phones=phones,
            coupons=tuple(coupons),
            coupon_codes=codes,
            pickup_orders={store: tuple(rows) for store, rows in pickups.by_store.items()},
            pickup_codes=pickups.codes,
            pickup_phones=pickups.phones,
            promotions=tuple(promotions),
            catalog=catalog,
        )

    def __repr__(self) -> str:
        return f"DemoChain(seed={self.seed}, sizes={self.sizes})"

    def store(self, code: str) -> StoreSettingsRow:
        """A store's settings by its code (S001…)."""
        for store in self.stores:
            if store.code == code:
                return store
        raise KeyError(f"no demo store {code!r}; the chain has {[s.code for s in self.stores]}")

    def _store(self, store: UUID | str | None) -> StoreSettingsRow:
        """A store by id or code; None: the first store."""
        if store is None:
            return self.stores[0]
        for settings in self.stores:
            if store in (settings.store_id, settings.code, str(settings.store_id)):
                return settings
        raise KeyError(f"no demo store {store}; the chain has {[s.code for s in self.stores]}")

    # --- the streamed catalog: plain JSON-ready dicts ----------------------------------------

    def iter_products(self) -> Iterator[dict[str, Any]]:
        """Every `ProductRow`, as `model_dump(mode="json")` would give it."""
        return self.catalog.iter_products()

    def iter_barcodes(self) -> Iterator[dict[str, Any]]:
        """Every `BarcodeRow` (none for weighed goods, two for about 3% of products)."""
        return self.catalog.iter_barcodes()

    def iter_prices(self) -> Iterator[dict[str, Any]]:
        """Every `PriceRow`: chain prices, and a future-dated one for about 1% of products."""
        return self.catalog.iter_prices()

    def iter_stock_levels(self, store: UUID | str | None = None) -> Iterator[dict[str, Any]]:
        """A store's `StockLevelRow` for every product (store id or code; default the first)."""
        return self.catalog.iter_stock_levels(self._store(store).code)

    def iter_weighed(self) -> Iterator[CatalogItem]:
        """The weighed goods (unit kg, with an item_ref for 2x labels), with their prices."""
        return (item for item in self.catalog.items() if item.weighed)

    def iter_changes(self, store: UUID | str | None = None) -> Iterator[Change]:
        """`(entity, key, data)` for the whole catalog and one store's stream, in load order.

        Categories (parents first), products, barcodes, prices, promotions, then the store's
        settings, cashiers, members, coupons, pickup orders and stock levels: a replica that
        applies them in this order never meets a row before the one it points to."""
        settings = self._store(store)
        yield from self._rows(Entity.CATEGORY, self.categories)
        yield from self._dicts(Entity.PRODUCT, self.iter_products(), "id")
        yield from self._dicts(Entity.BARCODE, self.iter_barcodes(), "gtin")
        yield from self._dicts(Entity.PRICE, self.iter_prices(), "id")
        yield from self._rows(Entity.PROMOTION, self._promotions_for(settings.store_id))
        yield from self._rows(Entity.STORE_SETTINGS, [settings])
        yield from self._rows(Entity.CASHIER, self.cashiers[settings.store_id])
        yield from self._rows(Entity.MEMBER, self.members)
        yield from self._rows(Entity.COUPON, self.coupons)
        yield from self._rows(Entity.PICKUP_ORDER, self.pickup_orders.get(settings.store_id, ()))
        yield from self._dicts(
            Entity.STOCK_LEVEL, self.iter_stock_levels(settings.store_id), "product_id"
        )

    def _promotions_for(self, store_id: UUID) -> list[PromotionRow]:
        return [p for p in self.promotions if p.store_ids is None or store_id in p.store_ids]

    @staticmethod
    def _rows(entity: Entity, rows: Iterable[Message]) -> Iterator[Change]:
        for row in rows:
            yield entity, row_key(entity, row), row.model_dump(mode="json")

    @staticmethod
    def _dicts(entity: Entity, rows: Iterator[dict[str, Any]], key: str) -> Iterator[Change]:
        for row in rows:
            yield entity, row[key], row

"""The demo catalog, streamed: products, barcodes, prices and stock levels as JSON dicts.

A catalog of a million products is never held in memory. Every iterator re-walks the
catalog from its seed (`Catalog.items`), so the walks agree with each other and repeat
exactly; each one yields plain dicts shaped exactly like the row model's
`model_dump(mode="json")`, built without a pydantic model per row (the tests prove the
shapes on samples).

- Product `i` has code `1000001 + i` (7 digits) and a name built from `words`. Each
  category hands out its plain names first, then with an edition or packaging variant
  (华东版, 家庭装…): names are distinct up to about 75,000 products (a hypermarket carries
  20,000-50,000) and repeat beyond. Codes and barcodes never repeat.
- About 2% of products are weighed goods (生鲜, unit kg, priced per kg) with a 5-digit
  `item_ref` for the scale's 2x labels and no barcode of their own.
- Every other product has an EAN-13 under its brand's company prefix: Chinese brands
  690–699 (690–692 with 7-digit company prefixes, 693–699 with 8), imported brands their
  country's prefix, and US brands a UPC-A. Each brand's items are numbered in turn, and a
  brand whose numbers run out gets another company prefix; company prefixes are distinct
  by construction, so no barcode repeats and no set of a million codes is kept. About 3%
  of products carry a second barcode (an older packaging).
- Prices are chain-wide, in force from `DEMO_EPOCH`, mostly ending .00/.50/.80/.90/.99;
  about 10% have a lower member price and about 1% a second, future-dated row from
  `FUTURE_PRICES_FROM`.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from typing import Any, Final, NamedTuple

from pos_core.barcodes import gtin_check_digit
from pos_core.demo_data.assortment import DEPARTMENTS
from pos_core.demo_data.mint import DEMO_EPOCH_JSON, FUTURE_PRICES_FROM_JSON, IdKind, IdMint, stream
from pos_core.demo_data.words import BRANDS, NAME_VARIANTS, NO_WORD, Family, Size, Word
from pos_core.protocol.rows import CategoryRow

FIRST_PRODUCT_CODE: Final = 1_000_001
WEIGHED_SHARE: Final = 0.02
SECOND_BARCODE_SHARE: Final = 0.03
MEMBER_PRICE_SHARE: Final = 0.10
FUTURE_PRICE_SHARE: Final = 0.01
LOW_STOCK_SHARE: Final = 0.02
MAX_ITEM_REFS: Final = 99_999

REGIONS: Final[dict[str, tuple[tuple[str, ...], int, int]]] = {
    # region: (leading digits, company number digits, item reference digits)
    "cn7": (("690", "691", "692"), 4, 5),
    "cn8": (tuple(f"69{d}" for d in range(3, 10)), 5, 4),
    "us": (("0",), 5, 5),  # UPC-A: 12 digits
    "de": (("400", "401", "402", "403", "404"), 4, 5),
    "fr": (("300", "301", "302"), 4, 5),
    "it": (("800", "801", "802"), 4, 5),
    "au": (("930", "931", "932"), 4, 5),
    "nz": (("940", "941", "942"), 4, 5),
    "jp": (("490", "491", "492"), 4, 5),
}
"""Where brands register barcodes; a Chinese brand ("cn") draws cn7 or cn8."""

_PIECE_THRESHOLDS: Final = (5, 6, 10, 10, 12, 20, 24, 30, 50)
_KG_THRESHOLDS: Final = (2, 3, 5, 10)
# Price endings in fen, by frequency; -1: any multiple of 10 fen.
_ENDINGS: Final = (0,) * 6 + (50,) * 4 + (80,) * 2 + (90,) * 4 + (99,) * 3 + (-1,)


def yuan(fen: int) -> str:
    """`1290` → `"12.90"`: an `Amount` as JSON."""
    return f"{fen // 100}.{fen % 100:02d}"


def _coprime(rng: random.Random, modulus: int) -> int:
    """A random multiplier coprime to `modulus`: `(a * k + b) % modulus` is a permutation."""
    while True:
        step = 1 + int(rng.random() * modulus)
        if math.gcd(step, modulus) == 1:
            return step


# --- barcodes ---------------------------------------------------------------------------


class _Region:
    """Hands out distinct company prefixes of one region, in a seeded order."""

    def __init__(self, leads: tuple[str, ...], company_digits: int, item_digits: int) -> None:
        self.leads = leads
        self.company_digits = company_digits
        self.item_digits = item_digits
        self.capacity = 10**item_digits
        self.size = len(leads) * 10**company_digits
        self.step = 1
        self.offset = 0
        self.used = 0

    def shuffle(self, rng: random.Random) -> None:
        self.step = _coprime(rng, self.size)
        self.offset = int(rng.random() * self.size)

    def allocate(self) -> str:
        if self.used == self.size:
            raise RuntimeError("demo data ran out of company prefixes")
        value = (self.step * self.used + self.offset) % self.size
        self.used += 1
        lead, company = divmod(value, 10**self.company_digits)
        return f"{self.leads[lead]}{company:0{self.company_digits}d}"


@dataclass(slots=True)
class _BrandNumbers:
    region: _Region
    prefixes: list[str]
    count: int = 0


class GtinAllocator:
    """The next barcode of each brand, as a 14-digit key; the same sequence for a seed."""

    def __init__(self, seed: int) -> None:
        rng = stream(seed, "gs1")
        self._regions = {name: _Region(*spec) for name, spec in REGIONS.items()}
        for region in self._regions.values():
            region.shuffle(rng)
        self._brands: dict[str, _BrandNumbers] = {}
        for brand in (NO_WORD, *BRANDS.values()):  # NO_WORD: the chain's own label
            name = brand.region
            if name == "cn":
                name = "cn7" if rng.random() < 0.3 else "cn8"
            region = self._regions[name]
            self._brands[brand.zh] = _BrandNumbers(region, [region.allocate()])

    def next(self, brand: Word) -> str:
        numbers = self._brands[brand.zh]
        numbers.count += 1
        region = numbers.region
        slot, item = divmod(numbers.count, region.capacity)
        while slot >= len(numbers.prefixes):
            numbers.prefixes.append(region.allocate())
        body = f"{numbers.prefixes[slot]}{item:0{region.item_digits}d}"
        return f"{body}{gtin_check_digit(body)}".zfill(14)


# --- the walk ---------------------------------------------------------------------------


class Combination(NamedTuple):
    """One plain product name: brand × product × flavour × size."""

    family: Family
    brand: Word
    flavour: Word
    size: Size
    name: str
    name_en: str
    pinyin: str


def _combine(family: Family, brand: Word, flavour: Word, size: Size) -> Combination:
    parts = (brand, family.product, flavour, size.word)
    return Combination(
        family,
        brand,
        flavour,
        size,
        " ".join([w.zh for w in parts if w.zh]),
        " ".join([w.en for w in parts if w.en]),
        "".join([w.initials for w in parts]),
    )


@dataclass(frozen=True, slots=True)
class _Pool:
    """One category's packaged (or weighed) goods: its plain names, in a seeded order.

    The k-th product drawn from a pool takes name k mod n; once the n plain names are used,
    the next rounds append a name variant (`words.NAME_VARIANTS`)."""

    category_id: str
    tax_code: str
    points_eligible: bool
    combinations: tuple[Combination, ...]

    @classmethod
    def build(
        cls,
        rng: random.Random,
        category_id: str,
        tax_code: str,
        points_eligible: bool,
        families: tuple[Family, ...],
    ) -> _Pool:
        plain = [
            _combine(f, brand, flavour, size)
            for f in families
            for size in f.sizes
            for flavour in f.flavours
            for brand in f.brands
        ]
        step, offset = _coprime(rng, len(plain)), int(rng.random() * len(plain))
        shuffled = tuple(plain[(step * k + offset) % len(plain)] for k in range(len(plain)))
        return cls(category_id, tax_code, points_eligible, shuffled)


class CatalogItem(NamedTuple):
    """One product as the walk draws it; every row of the product derives from it."""

    position: int  # 0-based; product code 1000001 + position
    pool: _Pool
    combination: Combination
    variant: Word  # NO_WORD for a plain name
    item_ref: str | None  # weighed goods only
    gtins: tuple[str, ...]  # empty unless the walk was asked for barcodes
    price_fen: int
    member_fen: int  # 0: no member price
    future_fen: int  # 0: no future-dated price
    threshold: int  # low-stock threshold, in pieces or kg

    @property
    def code(self) -> str:
        return str(FIRST_PRODUCT_CODE + self.position)

    @property
    def name(self) -> str:
        if self.variant.zh:
            return f"{self.combination.name} {self.variant.zh}"
        return self.combination.name

    @property
    def name_en(self) -> str:
        if self.variant.en:
            return f"{self.combination.name_en} {self.variant.en}"
        return self.combination.name_en

    @property
    def pinyin(self) -> str:
        return self.combination.pinyin + self.variant.initials

    @property
    def weighed(self) -> bool:
        return self.item_ref is not None


def _shelf_price(draw: Callable[[], float], size: Size) -> int:
    fen = size.low_fen + int(draw() * (size.high_fen - size.low_fen + 1))
    ending = _ENDINGS[int(draw() * len(_ENDINGS))]
    if ending < 0:
        ending = 10 * int(draw() * 10)
    return max(fen // 100, 1) * 100 + ending


def _member_price(draw: Callable[[], float], price: int) -> int:
    off = price * (5 + int(draw() * 11)) // 100  # 5-15 % off, then down to 10 fen
    return min((price - off) // 10 * 10, price - 10)


def _future_price(draw: Callable[[], float], price: int) -> int:
    percent = -5 + int(draw() * 21)  # from 5 % cheaper to 15 % dearer, same ending
    moved = price * (100 + percent) // 100 // 100 * 100 + price % 100
    return moved if moved != price and moved >= 100 else price + 100


class Catalog:
    """The chain's catalog for a seed: categories in memory, everything else streamed."""

    def __init__(self, seed: int, products: int, ids: IdMint) -> None:
        self.seed = seed
        self.products = products
        self._ids = ids
        self.categories: list[CategoryRow] = []
        self._pools: dict[bool, list[_Pool]] = {False: [], True: []}  # by weighed
        self._weights: dict[bool, list[int]] = {False: [], True: []}
        rng = stream(seed, "assortment")
        for department in DEPARTMENTS:
            parent = self._add_category(
                department.code, department.zh, department.en, department.points_multiplier, None
            )
            for category in department.categories:
                multiplier = category.points_multiplier or department.points_multiplier
                category_id = self._add_category(
                    category.code, category.zh, category.en, multiplier, parent
                )
                tax_code = category.tax_code or department.tax_code
                for weighed in (False, True):
                    families = tuple(f for f in category.families if f.weighed is weighed)
                    if families:
                        self._pools[weighed].append(
                            _Pool.build(
                                rng, category_id, tax_code, department.points_eligible, families
                            )
                        )
                        # Weighed goods are shared out by how many kinds a category sells.
                        self._weights[weighed].append(len(families) if weighed else category.weight)

    def _add_category(
        self, code: str, zh: str, en: str, multiplier: str, parent: str | None
    ) -> str:
        row = CategoryRow(
            id=self._ids.id(IdKind.CATEGORY, len(self.categories)),
            parent_id=parent,
            code=code,
            name=zh,
            name_en=en,
            points_multiplier=Decimal(multiplier),
        )
        self.categories.append(row)
        return str(row.id)

    def items(self, *, barcodes: bool = False) -> Iterator[CatalogItem]:
        """Walk the catalog from its seed: the same items, in the same order, every time.

        Barcodes are numbered only when asked for (it is the walk's dearest part); the
        draws are the same either way."""
        draw = stream(self.seed, "catalog").random
        gtins = GtinAllocator(self.seed) if barcodes else None
        counts = {weighed: [0] * len(pools) for weighed, pools in self._pools.items()}
        bounds = {weighed: list(accumulate(w)) for weighed, w in self._weights.items()}
        item_refs = 0
        for position in range(self.products):
            weighed = draw() < WEIGHED_SHARE and item_refs < MAX_ITEM_REFS
            bound = bounds[weighed]
            which = bisect_right(bound, draw() * bound[-1])
            pool = self._pools[weighed][which]
            k = counts[weighed][which]
            counts[weighed][which] = k + 1
            repeat, slot = divmod(k, len(pool.combinations))
            combination = pool.combinations[slot]
            variant = NAME_VARIANTS[repeat % len(NAME_VARIANTS)]
            price = _shelf_price(draw, combination.size)
            member = _member_price(draw, price) if draw() < MEMBER_PRICE_SHARE else 0
            future = _future_price(draw, price) if draw() < FUTURE_PRICE_SHARE else 0
            codes: tuple[str, ...] = ()
            if weighed:
                item_refs += 1
                item_ref: str | None = f"{item_refs:05d}"
                threshold = _KG_THRESHOLDS[int(draw() * len(_KG_THRESHOLDS))]
            else:
                item_ref = None
                second = draw() < SECOND_BARCODE_SHARE
                if gtins is not None:
                    codes = (gtins.next(combination.brand),)
                    if second:
                        codes += (gtins.next(combination.brand),)
                threshold = _PIECE_THRESHOLDS[int(draw() * len(_PIECE_THRESHOLDS))]
            yield CatalogItem(
                position,
                pool,
                combination,
                variant,
                item_ref,
                codes,
                price,
                member,
                future,
                threshold,
            )

    # --- rows, as JSON-ready dicts ----------------------------------------------------------

    def iter_products(self) -> Iterator[dict[str, Any]]:
        """`ProductRow`s."""
        prefix = self._ids.prefix(IdKind.PRODUCT)
        for item in self.items():
            yield {
                "id": f"{prefix}{item.position:08x}",
                "code": str(FIRST_PRODUCT_CODE + item.position),
                "name": item.name,
                "name_en": item.name_en,
                "pinyin": item.pinyin,
                "category_id": item.pool.category_id,
                "unit": "pcs" if item.item_ref is None else "kg",
                "item_ref": item.item_ref,
                "tax_code": item.pool.tax_code,
                "low_stock_threshold": f"{item.threshold}.000",
                "points_eligible": item.pool.points_eligible,
                "active": True,
            }

    def iter_barcodes(self) -> Iterator[dict[str, Any]]:
        """`BarcodeRow`s: one or two per packaged product, none for weighed goods."""
        prefix = self._ids.prefix(IdKind.PRODUCT)
        for item in self.items(barcodes=True):
            for gtin in item.gtins:
                yield {"gtin": gtin, "product_id": f"{prefix}{item.position:08x}"}

    def iter_prices(self) -> Iterator[dict[str, Any]]:
        """`PriceRow`s: each product's chain price, then its future-dated price if it has one."""
        product = self._ids.prefix(IdKind.PRODUCT)
        current = self._ids.prefix(IdKind.PRICE)
        future = self._ids.prefix(IdKind.FUTURE_PRICE)
        for item in self.items():
            index = f"{item.position:08x}"
            yield {
                "id": f"{current}{index}",
                "product_id": f"{product}{index}",
                "store_id": None,
                "price": yuan(item.price_fen),
                "member_price": yuan(item.member_fen) if item.member_fen else None,
                "effective_from": DEMO_EPOCH_JSON,
                "effective_to": None,
            }
            if item.future_fen:
                yield {
                    "id": f"{future}{index}",
                    "product_id": f"{product}{index}",
                    "store_id": None,
                    "price": yuan(item.future_fen),
                    "member_price": None,
                    "effective_from": FUTURE_PRICES_FROM_JSON,
                    "effective_to": None,
                }

    def iter_stock_levels(self, store_code: str) -> Iterator[dict[str, Any]]:
        """`StockLevelRow`s of one store: every product, about 2% below its threshold."""
        draw = stream(self.seed, f"stock:{store_code}").random
        prefix = self._ids.prefix(IdKind.PRODUCT)
        for item in self.items():
            low = draw() < LOW_STOCK_SHARE
            if item.item_ref is None:
                pieces = item.threshold
                count = int(draw() * pieces) if low else pieces + int(draw() * pieces * 8)
                quantity = f"{count}.000"
            else:
                grams = item.threshold * 1000
                grams = int(draw() * grams) if low else grams + int(draw() * grams * 6)
                quantity = f"{grams // 1000}.{grams % 1000:03d}"
            yield {"product_id": f"{prefix}{item.position:08x}", "quantity": quantity}

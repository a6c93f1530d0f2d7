"""Demo and benchmark data: a Chinese supermarket chain from a seed, up to a million products.

    chain = DemoChain.generate(seed=2026, sizes=DemoSizes(products=10_000))
    for entity, key, data in chain.iter_changes("S001"):  # a replica's whole first pull
        ...

The same seed and sizes give the same rows, byte for byte, on any machine (seeded streams,
no clock, no `uuid4`); a smaller catalog is the start of a larger one. Small parts are rows
in memory; the catalog is streamed as plain JSON-ready dicts (see `catalog`), fast enough
for a million products (about 9 s for products, barcodes and prices on one core).

Logging in, in every store (number + PIN):
    cashiers 001, 002, …   PIN 1111
    supervisor 801         PIN 2222
    manager 901            PIN 9999
Members, coupons and pickup orders carry only hashes; their clear phones and codes are in
`DemoChain.member_phones`, `coupon_codes`, `pickup_codes` and `pickup_phones`, by row id.

Dates are fixed (`mint`): prices, promotions and coupons start 2026-01-01T00:00+08:00;
about 1% of products get a second price from 2027-06-01; open-ended coupons and ready
pickup orders last until the end of 2030.

Promotion rules, until the promotion engine defines them (amounts, percents and ids are
strings; promotions of one `exclusive_group` do not stack on a line, and "basket" ones
apply after "item" ones; higher `priority` first):
    percent_off      {"category_ids" or "product_ids": [...], "percent": "10"}
                     10% off each matching line
    amount_off       {"product_ids": [...], "amount": "2.00"}   ¥2 off each unit
    member_price     {"prices": {product_id: "8.80", ...}}       members pay this unit price
    bundle           {"items": [{"product_id": ..., "quantity": 1}, ...], "price": "15.00"}
                     the set costs `price` together
    buy_x_get_y      {"product_ids": [...], "buy": 2, "get": 1}
                     of every 3 units among them, the cheapest is free
    spend_threshold  {"threshold": "100.00", "amount": "20.00", "repeat": true,
                      "category_ids": []}
                     满减: ¥20 off per ¥100 spent (once unless `repeat`; empty: any goods)

Parts: `words` and `assortment` (what is sold, with pinyin initials), `catalog` (the
streamed catalog), `stores`, `members`, `offers` (coupons, promotions), `pickups`, `scans`
(2x scale labels), `codes` (coupon and pickup code hashes), `mint` (dates, ids, streams).
"""

from pos_core.demo_data.chain import DEFAULT_SEED, DemoChain, DemoSizes
from pos_core.demo_data.codes import coupon_code_hash, pickup_code_hash
from pos_core.demo_data.mint import DEMO_EPOCH, DEMO_HORIZON, FUTURE_PRICES_FROM
from pos_core.demo_data.scans import priced_barcode, weighed_barcode
from pos_core.demo_data.stores import (
    CASHIER_PIN,
    MANAGER_NUMBER,
    MANAGER_PIN,
    SUPERVISOR_NUMBER,
    SUPERVISOR_PIN,
)

__all__ = [
    "CASHIER_PIN",
    "DEFAULT_SEED",
    "DEMO_EPOCH",
    "DEMO_HORIZON",
    "FUTURE_PRICES_FROM",
    "MANAGER_NUMBER",
    "MANAGER_PIN",
    "SUPERVISOR_NUMBER",
    "SUPERVISOR_PIN",
    "DemoChain",
    "DemoSizes",
    "coupon_code_hash",
    "pickup_code_hash",
    "priced_barcode",
    "weighed_barcode",
]

"""Pricing a basket with promotions: how long the engine takes per re-price.

    .venv/bin/python bench/promotions_price.py [--lines 100] [--promotions 50] [--runs 300]

The till re-prices the basket on every scan, so this is part of the scan-to-screen time.
Baskets are demo-catalog products; promotions are the demo chain's plus generated ones of
every kind (percent and amount off items and categories, member prices, bundles, buy X
get Y, stepped 满减) in a few exclusive groups, so groups compete and stack.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import cpu_model, summary_ms

from pos_core.demo_data import DemoChain, DemoSizes
from pos_core.ids import new_id
from pos_core.money import Money
from pos_core.promotions import PromoLine, PromotionBook, price_basket
from pos_core.protocol.rows import PromotionRow

AT = datetime(2026, 6, 1, 4, tzinfo=UTC)


def generated(
    rng: random.Random, products: list[dict], categories: list[str], n: int
) -> list[PromotionRow]:
    shapes = [
        ("percent_off", lambda: {"category_ids": [rng.choice(categories)], "percent": "10"}),
        ("amount_off", lambda: {"product_ids": [rng.choice(products)["id"]], "amount": "1.00"}),
        (
            "bundle",
            lambda: {
                "items": [{"product_id": p["id"], "quantity": 1} for p in rng.sample(products, 2)],
                "price": "9.90",
            },
        ),
        (
            "buy_x_get_y",
            lambda: {"product_ids": [p["id"] for p in rng.sample(products, 3)], "buy": 2, "get": 1},
        ),
        ("spend_threshold", lambda: {"threshold": "100.00", "amount": "10.00", "repeat": True}),
    ]
    rows = []
    for index in range(n):
        kind, rule = shapes[index % len(shapes)]
        rows.append(
            PromotionRow(
                id=new_id(), name=f"bench {index}", kind=kind, priority=index % 7,
                exclusive_group=f"g{index % 4}", rule=rule(),
                valid_from=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100)
    parser.add_argument("--promotions", type=int, default=50)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()

    rng = random.Random(2026)
    chain = DemoChain.generate(sizes=DemoSizes(products=2000))
    parents = {c.id: c.parent_id for c in chain.categories}
    products = [p for p in chain.iter_products() if p["unit"] == "pcs"][:400]
    prices = {p["product_id"]: p["price"] for p in chain.iter_prices() if p["store_id"] is None}
    lines = []
    for product in rng.sample(products, args.lines):
        category = UUID(product["category_id"])
        lines.append(
            PromoLine(
                line_id=new_id(),
                product_id=UUID(product["id"]),
                category_ids=frozenset(c for c in (category, parents.get(category)) if c),
                quantity=Decimal(rng.choice([1, 1, 1, 2, 3])),
                unit_price=Money.of(prices[product["id"]]),
            )
        )
    categories = sorted({p["category_id"] for p in products})
    rows = list(chain.promotions) + generated(rng, products, categories, args.promotions)
    book = PromotionBook.from_rows(rows)

    print(f"== promotion engine, {args.lines} lines, {len(book.promotions)} promotions")
    print(f"   cpu         {cpu_model()}")
    timings, exact = [], True
    for _ in range(args.runs):
        started = time.perf_counter()
        priced = price_basket(lines, book, at=AT, time_zone="Asia/Shanghai", member=True)
        timings.append(time.perf_counter() - started)
        exact = exact and priced.exact
    print(summary_ms("price the whole basket", timings))
    applied = len(priced.promotions)
    print(f"   applied {applied}, discount ¥{priced.discount_total}, searched to the end: {exact}")


if __name__ == "__main__":
    main()

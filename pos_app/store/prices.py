"""The prices in force for many products at once: one query for a whole basket.

The rule is `Catalog.price_at`'s — this store's own price over the chain's, then the row
that started last, among rows in force at that moment — applied to every product in one
statement, so a hundred-line basket is repriced at the tender without a hundred queries.
tests/pos_app/store/test_prices.py checks the two agree.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from pos_app.store.replica import Price


def prices_in_force(
    session: Session, product_ids: Collection[uuid.UUID], store_id: uuid.UUID | None, at: datetime
) -> dict[uuid.UUID, Decimal]:
    """Each product's price in force at `at` (products without one are left out)."""
    if not product_ids:
        return {}
    chain_last = case((Price.store_id.is_(None), 1), else_=0)
    ranked = (
        select(
            Price.product_id,
            Price.price,
            func.row_number()
            .over(
                partition_by=Price.product_id,
                order_by=(chain_last, Price.effective_from.desc()),
            )
            .label("rank"),
        )
        .where(
            Price.product_id.in_(list(product_ids)),
            Price.effective_from <= at,
            or_(Price.effective_to.is_(None), Price.effective_to > at),
            or_(Price.store_id.is_(None), and_(Price.store_id == store_id)),
        )
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.product_id, ranked.c.price).where(ranked.c.rank == 1)
    ).all()
    return {product_id: price for product_id, price in rows}  # noqa: C416 - typed

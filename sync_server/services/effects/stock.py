"""stock.counted and stock.received (盘点, 收货).

A count is never an absolute level: the till sends what it counted and what it expected
(its replica plus pending deltas), and the server applies the difference as a movement,
so sales the server learns of later still count. A large variance — more than
`VARIANCE_UNITS` or `VARIANCE_SHARE` of what was expected — is applied and flagged as a
conflict for the manager to look at.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from pos_core.protocol.events import StockCountedV1, StockReceivedV1
from sync_server.services.effects.context import Effect

VARIANCE_UNITS: Final = Decimal(10)
VARIANCE_SHARE: Final = Decimal("0.2")


def large_variance(counted: Decimal, expected: Decimal) -> bool:
    difference = abs(counted - expected)
    if difference > VARIANCE_UNITS:
        return True
    return expected != 0 and difference > abs(expected) * VARIANCE_SHARE


def stock_counted(fx: Effect) -> None:
    count = fx.event.payload
    assert isinstance(count, StockCountedV1)
    fx.batch.stock.move(
        store_id=fx.store_id,
        lines=[(line.product_id, line.counted - line.expected) for line in count.lines],
        kind="count",
        event_id=fx.event.id,
        document_id=count.count_id,
        now=fx.now,
    )
    flagged = [
        f"{line.product_id}: counted {line.counted}, expected {line.expected}"
        for line in count.lines
        if large_variance(line.counted, line.expected)
    ]
    if flagged:
        fx.conflict(
            "stock_count_variance",
            f"count {count.count_id} part {count.part}/{count.parts}: large variances "
            f"(applied): " + "; ".join(flagged[:20]) + (" …" if len(flagged) > 20 else ""),
            count_id=count.count_id,
            lines=len(flagged),
        )


def stock_received(fx: Effect) -> None:
    receipt = fx.event.payload
    assert isinstance(receipt, StockReceivedV1)
    fx.batch.stock.move(
        store_id=fx.store_id,
        lines=[(line.product_id, line.quantity) for line in receipt.lines],
        kind="receipt",
        event_id=fx.event.id,
        document_id=receipt.receipt_id,
        now=fx.now,
    )

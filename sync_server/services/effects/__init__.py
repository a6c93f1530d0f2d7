"""Server effects of till events, one module per event family (DESIGN §4 "Server effects").

Each effect runs inside its event's savepoint with an `Effect` context. Business problems
never raise: they call `Effect.conflict` and the event is stored with status `conflict`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from pos_core.protocol.events import EventType
from sync_server.services.effects import members, pickup, records, returns, sales, stock
from sync_server.services.effects.context import Effect

APPLY: Final[dict[EventType, Callable[[Effect], None]]] = {
    EventType.SALE_COMPLETED: sales.sale_completed,
    EventType.SALE_VOIDED: sales.sale_voided,
    EventType.RETURN_COMPLETED: returns.return_completed,
    EventType.PAYMENT_REVERSED: records.payment_reversed,
    EventType.SHIFT_OPENED: records.shift_opened,
    EventType.SHIFT_CLOSED: records.shift_closed,
    EventType.CASH_MOVED: records.cash_moved,
    EventType.STOCK_COUNTED: stock.stock_counted,
    EventType.STOCK_RECEIVED: stock.stock_received,
    EventType.PICKUP_COLLECTED: pickup.pickup_collected,
    EventType.MEMBER_ENROLLED: members.member_enrolled,
    EventType.AUDIT_RECORDED: records.audit_recorded,
}


def apply(effect: Effect) -> None:
    """Apply one readable event's effects."""
    APPLY[effect.event.type](effect)

"""Click-and-collect orders waiting in the demo stores (线上下单门店自提).

Orders cycle by index mod 10: 0-6 ready to collect (until `DEMO_HORIZON`), 7 collected,
8 cancelled online, 9 expired. About 80% are paid online; the others are paid at
handover. A third belong to a member's phone; each has a 6-digit code, distinct in its store.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Final
from uuid import UUID

from pos_core.demo_data.catalog import CatalogItem, yuan
from pos_core.demo_data.codes import draw_pickup_code, pickup_code_hash
from pos_core.demo_data.mint import DEMO_EPOCH, DEMO_HORIZON, IdKind, IdMint
from pos_core.demo_data.people import draw_mobile, draw_person
from pos_core.members import mask_phone, phone_hash
from pos_core.protocol.rows import PickupLineRow, PickupOrderRow, PickupStatus, StoreSettingsRow

_STATUSES: Final = (PickupStatus.READY,) * 7 + (
    PickupStatus.COLLECTED,
    PickupStatus.CANCELLED,
    PickupStatus.EXPIRED,
)


@dataclass
class PickupOrders:
    """Each store's orders by store id, with the clear codes and phones by order id."""

    by_store: dict[UUID, list[PickupOrderRow]] = field(default_factory=dict)
    codes: dict[UUID, str] = field(default_factory=dict)
    phones: dict[UUID, str] = field(default_factory=dict)


def build_pickup_orders(
    rng: random.Random,
    ids: IdMint,
    stores: Sequence[StoreSettingsRow],
    per_store: int,
    head: Sequence[CatalogItem],
    member_phones: Mapping[UUID, str],
    lookup_key: bytes,
    taken_phones: set[str],
) -> PickupOrders:
    result = PickupOrders()
    known_phones = list(member_phones.values())
    lines_made = 0
    for store_number, store in enumerate(stores, start=1):
        orders = result.by_store.setdefault(store.store_id, [])
        store_codes: set[str] = set()
        for i in range(per_store):
            order_id = ids.id(IdKind.PICKUP_ORDER, len(result.codes))
            created = DEMO_EPOCH + timedelta(
                days=1 + int(rng.random() * 60),
                hours=8 + int(rng.random() * 13),
                minutes=int(rng.random() * 60),
            )
            status = _STATUSES[i % len(_STATUSES)]
            lines = []
            for _ in range(1 + int(rng.random() * 4)):
                item = head[int(rng.random() * len(head))]
                lines.append(
                    PickupLineRow(
                        line_id=ids.id(IdKind.PICKUP_LINE, lines_made),
                        product_id=ids.id(IdKind.PRODUCT, item.position),
                        name=item.name,
                        quantity=Decimal(1 + int(rng.random() * 3)),
                        unit_price=Decimal(yuan(item.price_fen)),
                    )
                )
                lines_made += 1
            paid_online = rng.random() < 0.8
            if known_phones and i % 3 == 0:
                phone = known_phones[int(rng.random() * len(known_phones))]
            else:
                phone = draw_mobile(rng, taken_phones)
            code = draw_pickup_code(rng)
            while code in store_codes:
                code = draw_pickup_code(rng)
            store_codes.add(code)
            due = sum((line.quantity * line.unit_price for line in lines), Decimal("0.00"))
            orders.append(
                PickupOrderRow(
                    id=order_id,
                    order_no=f"{created:%Y%m%d}{store_number:02d}{i + 1:05d}",
                    code_hash=pickup_code_hash(order_id, code),
                    customer_name_masked=draw_person(rng).masked,
                    phone_masked=mask_phone(phone),
                    phone_hash=phone_hash(phone, lookup_key),
                    lines=lines,
                    paid_online=paid_online,
                    amount_due=Decimal("0.00") if paid_online else due,
                    status=status,
                    created_at=created,
                    expires_at=(
                        DEMO_HORIZON
                        if status is PickupStatus.READY
                        else created + timedelta(days=3)
                    ),
                )
            )
            result.codes[order_id] = code
            result.phones[order_id] = phone
    return result

"""The demo chain's loyalty members: the rows a till holds, and the clear phones it never does."""

from __future__ import annotations

import random
from uuid import UUID

from pos_core.demo_data.mint import IdKind, IdMint
from pos_core.demo_data.people import draw_mobile, draw_person
from pos_core.members import mask_phone, phone_hash
from pos_core.protocol.rows import MemberRow

_CARD_SPACE = 10**10
_TIERS = (("standard", 0, 3_000), ("silver", 1_000, 10_000), ("gold", 5_000, 50_000))


def build_members(
    rng: random.Random, ids: IdMint, count: int, lookup_key: bytes, taken_phones: set[str]
) -> tuple[list[MemberRow], dict[UUID, str]]:
    """`count` members and their clear phones by member id.

    Card numbers are "M" + 10 digits, distinct by construction (a seeded permutation of
    the 10-digit numbers); phones are distinct mainland mobiles, hashed with the chain's
    member look-up key."""
    step = 1 + 2 * int(rng.random() * _CARD_SPACE / 2)  # odd…
    if step % 5 == 0:
        step += 2  # …and not a multiple of 5: coprime to 10**10
    offset = int(rng.random() * _CARD_SPACE)
    members: list[MemberRow] = []
    phones: dict[UUID, str] = {}
    for index in range(count):
        phone = draw_mobile(rng, taken_phones)
        roll = rng.random()
        tier, low, high = _TIERS[0 if roll < 0.7 else 1 if roll < 0.9 else 2]
        member = MemberRow(
            id=ids.id(IdKind.MEMBER, index),
            card_no=f"M{(step * index + offset) % _CARD_SPACE:010d}",
            phone_hash=phone_hash(phone, lookup_key),
            phone_masked=mask_phone(phone),
            name=draw_person(rng).polite,
            tier=tier,
            points_balance=low + int(rng.random() * (high - low)),
        )
        members.append(member)
        phones[member.id] = phone
    return members, phones

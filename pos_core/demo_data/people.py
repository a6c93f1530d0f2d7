"""Made-up people: Chinese names and mainland mobile numbers drawn from a seeded stream."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

SURNAMES: Final = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
GIVEN: Final = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
    "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "婷", "秀英", "桂英",
    "浩然", "子涵", "欣怡", "宇轩", "梓萱", "思远", "雨桐", "佳怡",
    "俊杰", "晓东", "海燕", "建华", "文博", "一鸣",
)  # fmt: skip
MOBILE_PREFIXES: Final = (
    *(f"13{d}" for d in range(10)),
    *(f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)),
    *(f"18{d}" for d in range(10)),
    "166",
    "173",
    "177",
    "191",
    "198",
    "199",
)


@dataclass(frozen=True, slots=True)
class Person:
    surname: str
    given: str
    female: bool

    @property
    def name(self) -> str:
        return f"{self.surname}{self.given}"

    @property
    def polite(self) -> str:
        """李女士, 王先生: how a member is greeted, without the given name."""
        return f"{self.surname}{'女士' if self.female else '先生'}"

    @property
    def masked(self) -> str:
        """张*伟, 李*: how an online order names its customer."""
        return f"{self.surname}*{self.given[1:]}" if len(self.given) > 1 else f"{self.surname}*"


def draw_person(rng: random.Random) -> Person:
    surname = SURNAMES[int(rng.random() * len(SURNAMES))]
    given = GIVEN[int(rng.random() * len(GIVEN))]
    return Person(surname, given, rng.random() < 0.5)


def draw_mobile(rng: random.Random, taken: set[str]) -> str:
    """A mainland mobile number not in `taken` (and added to it)."""
    while True:
        prefix = MOBILE_PREFIXES[int(rng.random() * len(MOBILE_PREFIXES))]
        phone = f"{prefix}{rng.getrandbits(32) % 100_000_000:08d}"
        if phone not in taken:
            taken.add(phone)
            return phone

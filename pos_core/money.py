"""Exact money: Decimal amounts in a currency's minor units, with every rounding explicit.

- `Money` always holds an amount quantized to its currency's minor units (0.01 for CNY).
  Building one from a value with more precision is an error: round it on purpose with
  `Money.round` (half-up), never by accident.
- `cash_round` rounds a cash total to a step (0.1 yuan by default), to the nearest step or
  down towards zero (抹零), and returns the difference as an explicit amount.
- `allocate` splits one amount across weighted parts so the parts always sum exactly to it.

Floats are refused everywhere: a float has already lost the cent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Final


class MoneyError(ValueError):
    """An amount that cannot be money: a float, too many decimals, mixed currencies."""


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    minor_units: int

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.minor_units)


CNY: Final = Currency("CNY", 2)
CURRENCIES: Final[dict[str, Currency]] = {c.code: c for c in (CNY, Currency("HKD", 2))}
DEFAULT_CURRENCY: Final = CNY

MoneyInput = Decimal | int | str


def to_decimal(value: MoneyInput) -> Decimal:
    """Read an exact decimal from a Decimal, int or string; refuse floats and junk."""
    if isinstance(value, bool | float):
        raise MoneyError(f"{value!r}: use a Decimal or a string for money, never a float or bool")
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(value)
        except (InvalidOperation, ValueError, TypeError):
            raise MoneyError(f"{value!r} is not a number") from None
    if not result.is_finite():
        raise MoneyError(f"{value!r} is not a finite amount")
    return result


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An exact amount of one currency, always at the currency's minor units."""

    amount: Decimal
    currency: Currency = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        amount = to_decimal(self.amount)
        quantized = amount.quantize(self.currency.quantum)
        if quantized != amount:
            raise MoneyError(
                f"{amount} has more than {self.currency.minor_units} decimals for "
                f"{self.currency.code}; round it explicitly with Money.round()"
            )
        object.__setattr__(self, "amount", quantized)

    # --- construction -------------------------------------------------------------------
    @classmethod
    def of(cls, value: MoneyInput, currency: Currency = DEFAULT_CURRENCY) -> Money:
        """An exact amount: `Money.of("12.30")`. Refuses values finer than a cent."""
        return cls(to_decimal(value), currency)

    @classmethod
    def round(cls, value: MoneyInput, currency: Currency = DEFAULT_CURRENCY) -> Money:
        """Round any exact value half-up to the currency's minor units (0.005 → 0.01)."""
        return cls(to_decimal(value).quantize(currency.quantum, rounding=ROUND_HALF_UP), currency)

    @classmethod
    def zero(cls, currency: Currency = DEFAULT_CURRENCY) -> Money:
        return cls(Decimal(0), currency)

    # --- arithmetic ---------------------------------------------------------------------
    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise MoneyError(f"cannot mix {self.currency.code} and {other.currency.code}")

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __radd__(self, other: object) -> Money:
        # Lets sum() start from 0.
        if other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __mul__(self, factor: int) -> Money:
        # Only integers multiply exactly; a Decimal factor needs an explicit rounding: times().
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def times(self, factor: MoneyInput) -> Money:
        """This amount times a decimal factor (a weight, a rate), rounded half-up."""
        return Money.round(self.amount * to_decimal(factor), self.currency)

    # --- comparison ---------------------------------------------------------------------
    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    @property
    def minor(self) -> int:
        """The amount in minor units (fen)."""
        return int(self.amount.scaleb(self.currency.minor_units))

    @classmethod
    def from_minor(cls, minor: int, currency: Currency = DEFAULT_CURRENCY) -> Money:
        return cls(Decimal(minor).scaleb(-currency.minor_units), currency)

    def __str__(self) -> str:
        return f"{self.amount:.{self.currency.minor_units}f}"

    def __repr__(self) -> str:
        return f"Money('{self}', {self.currency.code})"


def total(amounts: Iterable[Money], currency: Currency = DEFAULT_CURRENCY) -> Money:
    """The exact sum of amounts (zero for none)."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


# --- cash rounding ----------------------------------------------------------------------


class CashRoundingMode(StrEnum):
    NONE = "none"
    NEAREST = "nearest"  # half-up to the step: 12.34 → 12.30, 12.35 → 12.40
    DOWN = "down"  # 抹零: towards zero, the customer never pays more: 12.39 → 12.30


@dataclass(frozen=True, slots=True)
class CashRounding:
    """A cash total after rounding: `due = amount + adjustment`, the adjustment kept explicit."""

    amount: Money
    due: Money
    adjustment: Money


DEFAULT_CASH_STEP: Final = Decimal("0.1")


def cash_round(
    amount: Money, mode: CashRoundingMode, step: MoneyInput = DEFAULT_CASH_STEP
) -> CashRounding:
    """Round a cash total to `step` by `mode`; the difference is returned, never hidden."""
    step_d = to_decimal(step)
    if step_d <= 0:
        raise MoneyError(f"cash rounding step must be positive, not {step_d}")
    if step_d.quantize(amount.currency.quantum) != step_d:
        raise MoneyError(f"cash rounding step {step_d} is finer than the currency's minor unit")
    if mode is CashRoundingMode.NONE:
        return CashRounding(amount, amount, Money.zero(amount.currency))
    steps = amount.amount / step_d
    rounding = ROUND_HALF_UP if mode is CashRoundingMode.NEAREST else ROUND_DOWN
    due = Money(steps.quantize(Decimal(1), rounding=rounding) * step_d, amount.currency)
    return CashRounding(amount, due, due - amount)


# --- allocation -------------------------------------------------------------------------


def allocate(amount: Money, weights: Sequence[MoneyInput]) -> list[Money]:
    """Split `amount` across `weights` in proportion, so the parts sum exactly to `amount`.

    Largest-remainder method on minor units: each part gets the floor of its exact share,
    and the leftover units go one by one to the parts with the largest remainders (ties to
    the earlier part, so the result is deterministic). Weights must be non-negative; if all
    are zero the amount is split evenly. A negative amount is split like its absolute value.
    """
    if not weights:
        if amount:
            raise MoneyError(f"cannot allocate {amount} across no parts")
        return []
    ws = [to_decimal(w) for w in weights]
    if any(w < 0 for w in ws):
        raise MoneyError("allocation weights must not be negative")
    weight_sum = sum(ws, Decimal(0))
    if weight_sum == 0:
        ws = [Decimal(1)] * len(ws)
        weight_sum = Decimal(len(ws))
    units = abs(amount.minor)
    sign = -1 if amount.is_negative else 1
    shares: list[int] = []
    remainders: list[tuple[Decimal, int]] = []
    for index, w in enumerate(ws):
        exact = Decimal(units) * w / weight_sum
        floor = int(exact.to_integral_value(rounding=ROUND_DOWN))
        shares.append(floor)
        remainders.append((exact - floor, index))
    leftover = units - sum(shares)
    # Largest remainder first; among equals, the earlier part.
    for _, index in sorted(remainders, key=lambda r: (-r[0], r[1]))[:leftover]:
        shares[index] += 1
    return [Money.from_minor(sign * s, amount.currency) for s in shares]

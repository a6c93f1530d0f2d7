from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_core.money import (
    CashRoundingMode,
    Money,
    MoneyError,
    allocate,
    cash_round,
    total,
)

amounts = st.integers(min_value=-(10**9), max_value=10**9).map(Money.from_minor)


def test_money_is_exact_and_refuses_floats():
    assert Money.of("0.10") + Money.of("0.20") == Money.of("0.30")
    with pytest.raises(MoneyError, match="never a float"):
        Money.of(0.1)  # type: ignore[arg-type]
    with pytest.raises(MoneyError, match="round it explicitly"):
        Money.of("1.005")
    with pytest.raises(MoneyError, match="not a number"):
        Money.of("12,30")
    with pytest.raises(MoneyError, match="finite"):
        Money.of("NaN")


def test_half_up_rounding_to_the_cent():
    assert Money.round("1.005") == Money.of("1.01")
    assert Money.round("1.004999") == Money.of("1.00")
    assert Money.round("-1.005") == Money.of("-1.01")  # half away from zero
    # a weighed item: 0.347 kg at 12.80/kg = 4.4416 → 4.44
    assert Money.of("12.80").times("0.347") == Money.of("4.44")
    assert Money.of("9.90").times("0.355") == Money.of("3.51")  # 3.5145 → 3.51


def test_arithmetic_and_presentation():
    assert str(Money.of("12.3")) == "12.30"
    assert Money.of("2.50") * 3 == Money.of("7.50")
    assert 3 * Money.of("2.50") == Money.of("7.50")
    assert -Money.of("1.00") == Money.of("-1.00")
    assert Money.of("1.23").minor == 123
    assert Money.from_minor(-5) == Money.of("-0.05")
    assert total([Money.of("1.10"), Money.of("2.20")]) == Money.of("3.30")
    assert sum([Money.of("1.10"), Money.of("2.20")]) == Money.of("3.30")
    assert repr(Money.of("1")) == "Money('1.00', CNY)"


@pytest.mark.parametrize(
    ("amount", "mode", "step", "due", "adjustment"),
    [
        ("12.34", CashRoundingMode.NEAREST, "0.1", "12.30", "-0.04"),
        ("12.35", CashRoundingMode.NEAREST, "0.1", "12.40", "0.05"),
        ("12.39", CashRoundingMode.DOWN, "0.1", "12.30", "-0.09"),
        ("12.30", CashRoundingMode.DOWN, "0.1", "12.30", "0.00"),
        ("12.99", CashRoundingMode.DOWN, "1", "12.00", "-0.99"),  # 抹零 to the yuan
        ("12.34", CashRoundingMode.NONE, "0.1", "12.34", "0.00"),
        ("-12.39", CashRoundingMode.DOWN, "0.1", "-12.30", "0.09"),  # a refund: towards zero
    ],
)
def test_cash_rounding_keeps_the_difference(amount, mode, step, due, adjustment):
    result = cash_round(Money.of(amount), mode, step)
    assert result.due == Money.of(due)
    assert result.adjustment == Money.of(adjustment)
    assert result.amount + result.adjustment == result.due


def test_cash_rounding_step_must_be_sane():
    with pytest.raises(MoneyError):
        cash_round(Money.of("1"), CashRoundingMode.NEAREST, "0")
    with pytest.raises(MoneyError):
        cash_round(Money.of("1"), CashRoundingMode.NEAREST, "0.001")


@given(amounts, st.sampled_from([CashRoundingMode.NEAREST, CashRoundingMode.DOWN]))
def test_cash_rounding_properties(amount, mode):
    result = cash_round(amount, mode)
    assert result.amount + result.adjustment == result.due
    assert abs(result.adjustment.amount) < Decimal("0.1")
    assert result.due.amount % Decimal("0.1") == 0
    if mode is CashRoundingMode.DOWN:
        assert abs(result.due) <= abs(amount)  # 抹零 never charges more


def test_allocate_examples():
    parts = allocate(Money.of("10.00"), [1, 1, 1])
    assert parts == [Money.of("3.34"), Money.of("3.33"), Money.of("3.33")]
    assert allocate(Money.of("-10.00"), [1, 1, 1])[0] == Money.of("-3.34")
    assert allocate(Money.of("5.00"), [0, 0]) == [Money.of("2.50"), Money.of("2.50")]
    assert allocate(Money.of("1.00"), [Decimal("30.00"), Decimal("70.00")]) == [
        Money.of("0.30"),
        Money.of("0.70"),
    ]
    assert allocate(Money.zero(), []) == []
    with pytest.raises(MoneyError):
        allocate(Money.of("1.00"), [])
    with pytest.raises(MoneyError):
        allocate(Money.of("1.00"), [1, -1])


@given(
    amounts,
    st.lists(
        st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False),
        min_size=1,
        max_size=30,
    ),
)
def test_allocation_always_sums_exactly(amount, weights):
    parts = allocate(amount, weights)
    assert len(parts) == len(weights)
    assert total(parts) == amount
    # each part is within one cent of its exact share
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = amount.amount * weight / weight_sum if weight_sum else amount.amount / len(weights)
        assert abs(part.amount - exact) < Decimal("0.01")
        assert part.amount * amount.amount >= 0  # no part has the opposite sign

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_core.money import CashRoundingMode, Money
from pos_core.tender import TenderError, cash_due, check_electronic, settle_cash

NEAREST, DOWN, NONE = CashRoundingMode.NEAREST, CashRoundingMode.DOWN, CashRoundingMode.NONE


def m(text):
    return Money.of(text)


@pytest.mark.parametrize(
    ("due", "handed", "mode", "applied", "change", "rounding", "settles"),
    [
        ("12.34", "20.00", NEAREST, "12.30", "7.70", "-0.04", True),
        ("12.35", "20.00", NEAREST, "12.40", "7.60", "0.05", True),
        ("12.39", "20.00", DOWN, "12.30", "7.70", "-0.09", True),
        ("12.39", "12.30", DOWN, "12.30", "0.00", "-0.09", True),  # 抹零, paid exactly
        ("12.36", "12.36", NEAREST, "12.36", "0.00", "0.00", True),  # covers the exact due
        ("12.36", "12.38", NEAREST, "12.36", "0.02", "0.00", True),
        ("12.34", "20.00", NONE, "12.34", "7.66", "0.00", True),
        ("100.00", "50.00", NEAREST, "50.00", "0.00", "0.00", False),  # partial: no rounding
        ("0.04", "0.00", DOWN, "0.00", "0.00", "-0.04", True),  # card paid the rest but 4 fen
    ],
)
def test_cash_settlement(due, handed, mode, applied, change, rounding, settles):
    result = settle_cash(m(due), m(handed), mode, "0.10")
    assert (str(result.applied), str(result.change), str(result.rounding), result.settles) == (
        applied,
        change,
        rounding,
        settles,
    )


def test_cash_that_cannot_be_taken():
    with pytest.raises(TenderError, match="nothing is left"):
        settle_cash(m("0.00"), m("1.00"), NEAREST, "0.10")
    with pytest.raises(TenderError, match="negative"):
        settle_cash(m("1.00"), m("-1.00"), NEAREST, "0.10")
    with pytest.raises(TenderError, match="does not pay"):
        settle_cash(m("1.00"), m("0.00"), NEAREST, "0.10")


def test_card_amounts_are_exact_and_never_more_than_due():
    assert check_electronic(m("10.05"), m("10.05")) == m("10.05")
    with pytest.raises(TenderError, match="more than"):
        check_electronic(m("10.05"), m("10.10"))
    with pytest.raises(TenderError, match="more than zero"):
        check_electronic(m("10.05"), m("0.00"))
    assert cash_due(m("10.05"), NEAREST, "0.10") == m("10.10")
    assert cash_due(m("0.00"), NEAREST, "0.10") == m("0.00")


@given(
    st.integers(1, 10_000_000).map(Money.from_minor),
    st.integers(0, 20_000_000).map(Money.from_minor),
    st.sampled_from([NEAREST, DOWN, NONE]),
)
def test_settlement_invariants(due, handed, mode):
    try:
        result = settle_cash(due, handed, mode, "0.10")
    except TenderError:
        assert not handed
        return
    assert result.applied + result.change == handed
    assert not result.change.is_negative
    assert abs(result.rounding.amount) < Decimal("0.10")
    if result.settles:
        assert result.applied == due + result.rounding
    else:
        assert result.applied == handed
        assert result.applied < due
        assert not result.rounding

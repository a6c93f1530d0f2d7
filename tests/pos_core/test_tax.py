from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_core.money import Money, MoneyError, total
from pos_core.tax import TaxableLine, TaxMode, TaxRate, compute_tax

VAT13 = TaxRate("VAT13", Decimal("0.13"))
VAT9 = TaxRate("VAT9", Decimal("0.09"))


def test_inclusive_basket_taxes_per_rate_then_allocates():
    lines = [
        TaxableLine(Money.of("11.30"), VAT13),
        TaxableLine(Money.of("5.45"), VAT9),
        TaxableLine(Money.of("2.26"), VAT13),
    ]
    result = compute_tax(lines, TaxMode.INCLUSIVE)
    # VAT13 base 13.56 → tax 13.56 × 0.13/1.13 = 1.56; VAT9 base 5.45 → 0.45
    assert [(r.rate.code, r.net, r.tax, r.gross) for r in result.rates] == [
        ("VAT13", Money.of("12.00"), Money.of("1.56"), Money.of("13.56")),
        ("VAT9", Money.of("5.00"), Money.of("0.45"), Money.of("5.45")),
    ]
    assert result.line_taxes == (Money.of("1.30"), Money.of("0.45"), Money.of("0.26"))
    assert result.gross == Money.of("19.01")  # inclusive: the customer pays the shelf prices
    assert result.tax == Money.of("2.01")


def test_exclusive_basket_adds_tax_on_top():
    lines = [TaxableLine(Money.of("10.00"), VAT13), TaxableLine(Money.of("0.05"), VAT13)]
    result = compute_tax(lines, TaxMode.EXCLUSIVE)
    assert result.rates[0].tax == Money.of("1.31")  # 10.05 × 0.13 = 1.3065 → 1.31
    assert result.gross == Money.of("11.36")
    assert total(result.line_taxes) == Money.of("1.31")
    assert total(result.line_gross) == result.gross


def test_rounding_once_per_rate_not_per_line():
    # Three lines of 0.10 at 13% inclusive: per line 0.0115 → 0.01 each = 0.03,
    # but the basket's tax is 0.30 × 0.13/1.13 = 0.0345 → 0.03; allocation sums to it.
    lines = [TaxableLine(Money.of("0.10"), VAT13)] * 3
    result = compute_tax(lines, TaxMode.INCLUSIVE)
    assert result.tax == Money.of("0.03")
    assert total(result.line_taxes) == result.tax


def test_one_code_two_rates_is_refused():
    with pytest.raises(MoneyError):
        compute_tax(
            [
                TaxableLine(Money.of("1"), VAT13),
                TaxableLine(Money.of("1"), TaxRate("VAT13", Decimal("0.09"))),
            ],
            TaxMode.INCLUSIVE,
        )
    with pytest.raises(MoneyError):
        TaxRate("BAD", Decimal("1.5"))


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=10**7), st.sampled_from([VAT13, VAT9])),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(list(TaxMode)),
)
def test_line_taxes_always_sum_to_the_rate_totals(items, mode):
    lines = [TaxableLine(Money.from_minor(fen), rate) for fen, rate in items]
    result = compute_tax(lines, mode)
    assert total(result.line_taxes) == result.tax
    assert total(result.line_gross) == result.gross
    for rate_total in result.rates:
        assert rate_total.net + rate_total.tax == rate_total.gross
        indexes = [i for i, line in enumerate(lines) if line.rate.code == rate_total.rate.code]
        assert total(result.line_taxes[i] for i in indexes) == rate_total.tax

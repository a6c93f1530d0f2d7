"""In-store variable-measure EAN-13 codes, as a label scale prints them, for realistic scans.

`weighed_barcode("00012", Decimal("0.756"))` → `2800012007565`, the code a scale prints
for 756 g of item 00012 under `CN_WEIGHT_LAYOUT`; `priced_barcode` does the same for a
price under `CN_PRICE_LAYOUT`. `variable_measure_code` builds any layout's code, GS1
price/weight check digit included; `decode_variable_measure` reads them all back.
"""

from __future__ import annotations

from decimal import Decimal

from pos_core.barcodes import (
    CN_PRICE_LAYOUT,
    CN_WEIGHT_LAYOUT,
    BarcodeError,
    VariableMeasureLayout,
    gtin_check_digit,
    price_check_digit,
)


def variable_measure_code(
    layout: VariableMeasureLayout, prefix: str, item_ref: str, value: Decimal
) -> str:
    """The 13-digit code for `item_ref` carrying `value` (yuan or kg) under `layout`."""
    if prefix not in layout.prefixes:
        raise BarcodeError(f"prefix {prefix} is not one of the layout's {sorted(layout.prefixes)}")
    if len(item_ref) != layout.item_ref_digits or not (item_ref.isascii() and item_ref.isdigit()):
        raise BarcodeError(f"item reference {item_ref!r}: expected {layout.item_ref_digits} digits")
    units = value.scaleb(layout.implied_decimals)
    if units != units.to_integral_value() or not 0 < units < 10**layout.value_digits:
        raise BarcodeError(
            f"{value} does not fit {layout.value_digits} digits with "
            f"{layout.implied_decimals} decimals"
        )
    digits = f"{int(units):0{layout.value_digits}d}"
    check = str(price_check_digit(digits)) if layout.value_check_digit else ""
    body = f"{prefix}{item_ref}{check}{digits}"
    return f"{body}{gtin_check_digit(body)}"


def weighed_barcode(item_ref: str, weight_kg: Decimal, *, prefix: str = "28") -> str:
    """A scale label for `weight_kg` (to the gram) of a weighed item, `CN_WEIGHT_LAYOUT`."""
    return variable_measure_code(CN_WEIGHT_LAYOUT, prefix, item_ref, weight_kg)


def priced_barcode(item_ref: str, price: Decimal, *, prefix: str = "21") -> str:
    """A scale label carrying the price (to the fen) of a weighed item, `CN_PRICE_LAYOUT`."""
    return variable_measure_code(CN_PRICE_LAYOUT, prefix, item_ref, price)

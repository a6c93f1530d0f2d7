"""GTIN check digits, UPC-E expansion and in-store variable-measure EAN-13 codes.

These run on every scan, so they use plain string and bytes operations, no regexes.
References: GS1 General Specifications §7.9 (check digits, price/weight check digits)
and the UPC-E zero-suppression rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "CN_PRICE_LAYOUT",
    "CN_WEIGHT_LAYOUT",
    "DEFAULT_LAYOUTS",
    "GTIN_LENGTHS",
    "BarcodeError",
    "MeasureKind",
    "VariableMeasure",
    "VariableMeasureLayout",
    "decode_variable_measure",
    "expand_upce",
    "gtin_check_digit",
    "is_valid_gtin",
    "normalize_gtin",
    "price_check_digit",
    "validate_gtin",
]

GTIN_LENGTHS = (8, 12, 13, 14)
_GTIN_NAMES = {8: "EAN-8", 12: "UPC-A", 13: "EAN-13", 14: "GTIN-14"}
_BODY_LENGTHS = (7, 11, 12, 13)


class BarcodeError(ValueError):
    """A code that is not a well-formed barcode; the message says exactly what is wrong."""


def _is_digits(text: str) -> bool:
    # str.isdigit alone accepts '²' and Arabic-Indic digits; a barcode has only 0-9.
    return text.isascii() and text.isdigit()


def _mod10(body: str) -> int:
    """GS1 mod-10 check digit of an all-ASCII-digit body (weights 3, 1, 3, … from the right)."""
    raw = body.encode("ascii")
    odd = raw[-1::-2]
    even = raw[-2::-2]
    total = 3 * (sum(odd) - 48 * len(odd)) + sum(even) - 48 * len(even)
    return -total % 10


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit for the 7, 11, 12 or 13 digits of a GTIN before its check digit."""
    if not _is_digits(body):
        raise BarcodeError(f"GTIN body {body!r}: not digits")
    if len(body) not in _BODY_LENGTHS:
        raise BarcodeError(
            f"GTIN body {body}: length {len(body)} is not a GTIN body length (7, 11, 12, 13)"
        )
    return _mod10(body)


def _gtin_problem(code: str) -> str | None:
    """What is wrong with ``code`` as a GTIN, or None when it is a valid GTIN."""
    if not _is_digits(code):
        return f"{code!r} is not a GTIN: not digits" if code else "empty code is not a GTIN"
    name = _GTIN_NAMES.get(len(code))
    if name is None:
        return f"{code} is not a GTIN: length {len(code)} is not a GTIN length (8, 12, 13, 14)"
    expected = _mod10(code[:-1])
    actual = ord(code[-1]) - 48
    if actual != expected:
        return f"{name} {code}: check digit is {actual}, expected {expected}"
    return None


def is_valid_gtin(code: str) -> bool:
    """Whether ``code`` is a GTIN-8, -12, -13 or -14 with a correct check digit."""
    return _gtin_problem(code) is None


def validate_gtin(code: str) -> None:
    """Raise BarcodeError saying what is wrong unless ``code`` is a valid GTIN."""
    problem = _gtin_problem(code)
    if problem is not None:
        raise BarcodeError(problem)


def normalize_gtin(code: str) -> str:
    """The 14-digit key of a valid GTIN-8/12/13/14 (left-padded with zeros).

    UPC-A 036000291452, EAN-13 0036000291452 and GTIN-14 00036000291452 all give
    "00036000291452", so one product is found whichever form its label carries.
    """
    validate_gtin(code)
    return code.zfill(14)


def _upce_data_to_upca(data: str) -> str:
    """The 10 UPC-A digits between number system and check digit for 6 UPC-E data digits."""
    last = data[5]
    if last in "012":
        return f"{data[:2]}{last}0000{data[2:5]}"
    if last == "3":
        return f"{data[:3]}00000{data[3:5]}"
    if last == "4":
        return f"{data[:4]}00000{data[4]}"
    return f"{data[:5]}0000{last}"


def expand_upce(code: str) -> str:
    """The 12-digit UPC-A a UPC-E code stands for.

    Takes 8 digits (number system 0 or 1, six data digits, check digit; the check digit is
    verified against the expanded UPC-A), or 7 digits (no check digit) or 6 digits (number
    system 0, no check digit) as scanners can be set to send.
    """
    if not _is_digits(code):
        raise BarcodeError(f"UPC-E {code!r}: not digits")
    length = len(code)
    check: str | None = None
    if length == 6:
        system, data = "0", code
    elif length == 7:
        system, data = code[0], code[1:]
    elif length == 8:
        system, data, check = code[0], code[1:7], code[7]
    else:
        raise BarcodeError(f"UPC-E {code}: length {length} is not a UPC-E length (6, 7, 8)")
    if system not in ("0", "1"):
        raise BarcodeError(f"UPC-E {code}: number system is {system}, expected 0 or 1")
    body = system + _upce_data_to_upca(data)
    expected = _mod10(body)
    if check is not None and ord(check) - 48 != expected:
        raise BarcodeError(f"UPC-E {code}: check digit is {check}, expected {expected}")
    return f"{body}{expected}"


# GS1 §7.9.2 weighted products; index = digit.
_TWO_MINUS = (0, 2, 4, 6, 8, 9, 1, 3, 5, 7)
_THREE = (0, 3, 6, 9, 2, 5, 8, 1, 4, 7)
_FIVE_PLUS = (0, 5, 1, 6, 2, 7, 3, 8, 4, 9)
_FIVE_MINUS = (0, 5, 9, 4, 8, 3, 7, 2, 6, 1)
_FIVE_MINUS_INVERSE = tuple(_FIVE_MINUS.index(d) for d in range(10))
# §7.9.3 and §7.9.4 weighting factors by position.
_FOUR_DIGIT_WEIGHTS = (_TWO_MINUS, _TWO_MINUS, _THREE, _FIVE_MINUS)
_FIVE_DIGIT_WEIGHTS = (_FIVE_PLUS, _TWO_MINUS, _FIVE_MINUS, _FIVE_PLUS, _TWO_MINUS)


def price_check_digit(value: str) -> int:
    """The GS1 price/weight check digit of a 4- or 5-digit value field (§7.9.3, §7.9.4)."""
    if not _is_digits(value):
        raise BarcodeError(f"price/weight field {value!r}: not digits")
    if len(value) == 4:
        total = sum(w[ord(c) - 48] for w, c in zip(_FOUR_DIGIT_WEIGHTS, value, strict=True))
        return total * 3 % 10
    if len(value) == 5:
        total = sum(w[ord(c) - 48] for w, c in zip(_FIVE_DIGIT_WEIGHTS, value, strict=True))
        return _FIVE_MINUS_INVERSE[-total % 10]
    raise BarcodeError(f"price/weight field {value}: length {len(value)} is not 4 or 5")


class MeasureKind(StrEnum):
    """What the value field of a variable-measure code holds."""

    PRICE = "price"
    WEIGHT = "weight"


_IN_STORE_PREFIXES = frozenset(f"2{d}" for d in range(10))


@dataclass(frozen=True, slots=True)
class VariableMeasureLayout:
    """Where the item reference and the price or weight sit in an in-store EAN-13 (20–29).

    Layout: 2-digit prefix, item reference, optional GS1 price/weight check digit, value,
    EAN-13 check digit. Layouts are per-store (per-country, per-scale) configuration;
    the ``CN_*`` presets are only common defaults for Chinese label scales.
    """

    prefixes: frozenset[str]
    item_ref_digits: int
    kind: MeasureKind
    value_digits: int
    implied_decimals: int
    value_check_digit: bool = False

    def __post_init__(self) -> None:
        if not self.prefixes:
            raise ValueError("a variable-measure layout needs at least one prefix (20-29)")
        bad = sorted(p for p in self.prefixes if p not in _IN_STORE_PREFIXES)
        if bad:
            raise ValueError(f"variable-measure prefixes must be '20'..'29', got {bad}")
        if self.value_digits not in (4, 5):
            raise ValueError(f"value_digits must be 4 or 5, got {self.value_digits}")
        if not 0 <= self.implied_decimals <= self.value_digits:
            raise ValueError(
                f"implied_decimals must be 0..{self.value_digits}, got {self.implied_decimals}"
            )
        check = 1 if self.value_check_digit else 0
        total = 2 + self.item_ref_digits + check + self.value_digits + 1
        if self.item_ref_digits < 1 or total != 13:
            raise ValueError(
                f"layout does not fill an EAN-13: 2 (prefix) + {self.item_ref_digits} (item ref)"
                f" + {check} (value check) + {self.value_digits} (value) + 1 (EAN check)"
                f" = {total}, expected 13"
            )


CN_WEIGHT_LAYOUT = VariableMeasureLayout(
    prefixes=frozenset({"27", "28"}),
    item_ref_digits=5,
    kind=MeasureKind.WEIGHT,
    value_digits=5,
    implied_decimals=3,
)
"""28 PPPPP WWWWW C: 5-digit item reference, weight in grams (kg with 3 decimals)."""

CN_PRICE_LAYOUT = VariableMeasureLayout(
    prefixes=frozenset({"21", "22", "23"}),
    item_ref_digits=5,
    kind=MeasureKind.PRICE,
    value_digits=5,
    implied_decimals=2,
)
"""21 PPPPP VVVVV C: 5-digit item reference, price in fen (yuan with 2 decimals)."""

DEFAULT_LAYOUTS: tuple[VariableMeasureLayout, ...] = (CN_PRICE_LAYOUT, CN_WEIGHT_LAYOUT)


@dataclass(frozen=True, slots=True)
class VariableMeasure:
    """A decoded in-store code: which item, and its price (yuan) or weight (kg)."""

    code: str
    item_ref: str
    kind: MeasureKind
    value: Decimal

    @property
    def price(self) -> Decimal | None:
        """The price in major units (yuan), if this code carries a price."""
        return self.value if self.kind is MeasureKind.PRICE else None

    @property
    def weight_kg(self) -> Decimal | None:
        """The weight in kg, if this code carries a weight."""
        return self.value if self.kind is MeasureKind.WEIGHT else None


def decode_variable_measure(
    code: str, layouts: Sequence[VariableMeasureLayout]
) -> VariableMeasure | None:
    """Decode an in-store EAN-13 by the first layout whose prefixes hold its prefix.

    None when ``code`` is not a 13-digit code starting 2 covered by a layout. A covered
    code with a wrong EAN-13 check digit or a wrong price/weight check digit raises
    BarcodeError: it must never be read as some other item or amount.
    """
    if len(code) != 13 or code[0] != "2" or not _is_digits(code):
        return None
    prefix = code[:2]
    for layout in layouts:
        if prefix in layout.prefixes:
            break
    else:
        return None
    validate_gtin(code)
    item_end = 2 + layout.item_ref_digits
    value = code[12 - layout.value_digits : 12]
    if layout.value_check_digit:
        expected = price_check_digit(value)
        actual = ord(code[item_end]) - 48
        if actual != expected:
            raise BarcodeError(
                f"EAN-13 {code}: {layout.kind} check digit is {actual}, expected {expected}"
            )
    places = layout.implied_decimals
    # Built from the digits as text, so the amount is exact whatever the decimal context.
    amount = Decimal(f"{value[:-places]}.{value[-places:]}" if places else value)
    return VariableMeasure(code=code, item_ref=code[2:item_end], kind=layout.kind, value=amount)

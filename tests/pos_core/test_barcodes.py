"""GTIN check digits, UPC-E expansion and variable-measure codes, against published values."""

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_core.barcodes import (
    CN_PRICE_LAYOUT,
    CN_WEIGHT_LAYOUT,
    DEFAULT_LAYOUTS,
    BarcodeError,
    MeasureKind,
    VariableMeasure,
    VariableMeasureLayout,
    decode_variable_measure,
    expand_upce,
    gtin_check_digit,
    is_valid_gtin,
    normalize_gtin,
    price_check_digit,
    validate_gtin,
)

# Real, published codes: Wikipedia's EAN-13 and EAN-8 examples, a UPC-A tissue box, the GS1
# GTIN-14 example, the GS1 General Specifications' check-digit examples.
VALID_GTINS = [
    pytest.param("4006381333931", id="ean13"),
    pytest.param("9501101531000", id="ean13-gs1-example"),
    pytest.param("036000291452", id="upc-a"),
    pytest.param("042100005264", id="upc-a-of-upc-e"),
    pytest.param("96385074", id="ean8"),
    pytest.param("95012346", id="ean8-gs1-example"),
    pytest.param("10012345678902", id="gtin14"),
    pytest.param("00036000291452", id="gtin14-padded-upc-a"),
]


@pytest.mark.parametrize("code", VALID_GTINS)
def test_valid_gtins_pass(code: str) -> None:
    assert is_valid_gtin(code)
    validate_gtin(code)
    assert gtin_check_digit(code[:-1]) == int(code[-1])


@pytest.mark.parametrize(
    ("code", "message"),
    [
        pytest.param(
            "4006381333932", "EAN-13 4006381333932: check digit is 2, expected 1", id="ean13"
        ),
        pytest.param(
            "036000291451", "UPC-A 036000291451: check digit is 1, expected 2", id="upc-a"
        ),
        pytest.param("96385075", "EAN-8 96385075: check digit is 5, expected 4", id="ean8"),
        pytest.param(
            "10012345678903", "GTIN-14 10012345678903: check digit is 3, expected 2", id="gtin14"
        ),
        pytest.param(
            "4006381333391",
            "EAN-13 4006381333391: check digit is 1, expected 9",
            id="ean13-transposed-digits",
        ),
    ],
)
def test_wrong_check_digit_is_named(code: str, message: str) -> None:
    assert not is_valid_gtin(code)
    with pytest.raises(BarcodeError, match=f"^{re.escape(message)}$"):
        validate_gtin(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        pytest.param("1234567", "length 7 is not a GTIN length (8, 12, 13, 14)", id="7"),
        pytest.param("12345678901", "length 11 is not a GTIN length (8, 12, 13, 14)", id="11"),
        pytest.param("123456789012345", "length 15 is not a GTIN length", id="15"),
        pytest.param("", "empty code is not a GTIN", id="empty"),
        pytest.param("40063813339a1", "not digits", id="letter"),
        pytest.param(" 4006381333931", "not digits", id="space"),
        pytest.param("４００６３８１３３３９３１", "not digits", id="full-width-digits"),
        pytest.param("٤٠٠٦٣٨١٣٣٣٩٣١", "not digits", id="arabic-indic-digits"),
        pytest.param("4006381333931²", "not digits", id="superscript"),
    ],
)
def test_malformed_gtin_says_what_is_wrong(code: str, message: str) -> None:
    assert not is_valid_gtin(code)
    with pytest.raises(BarcodeError, match=re.escape(message)):
        validate_gtin(code)
    with pytest.raises(BarcodeError, match=re.escape(message)):
        normalize_gtin(code)


def test_barcode_error_is_a_value_error() -> None:
    assert issubclass(BarcodeError, ValueError)


@pytest.mark.parametrize(
    ("body", "check"),
    [("400638133393", 1), ("03600029145", 2), ("9638507", 4), ("1001234567890", 2)],
)
def test_gtin_check_digit(body: str, check: int) -> None:
    assert gtin_check_digit(body) == check


@pytest.mark.parametrize("body", ["123456", "1234567890", "12345678901234", "12a4567", ""])
def test_gtin_check_digit_refuses_bad_bodies(body: str) -> None:
    with pytest.raises(BarcodeError, match="GTIN body"):
        gtin_check_digit(body)


def test_all_forms_of_one_product_normalise_to_one_key() -> None:
    forms = ["036000291452", "0036000291452", "00036000291452"]
    assert {normalize_gtin(code) for code in forms} == {"00036000291452"}


def test_normalize_pads_ean8() -> None:
    assert normalize_gtin("96385074") == "00000096385074"


@pytest.mark.parametrize(
    ("upce", "upca"),
    [
        pytest.param("04252614", "042100005264", id="last-digit-0-2"),
        pytest.param("01234505", "012000003455", id="last-digit-0"),
        pytest.param("01234531", "012300000451", id="last-digit-3"),
        pytest.param("01234543", "012340000053", id="last-digit-4"),
        pytest.param("01234572", "012345000072", id="last-digit-5-9"),
        pytest.param("14252611", "142100005261", id="number-system-1"),
        pytest.param("425261", "042100005264", id="six-digits"),
        pytest.param("0425261", "042100005264", id="seven-digits"),
        pytest.param("1425261", "142100005261", id="seven-digits-system-1"),
    ],
)
def test_expand_upce(upce: str, upca: str) -> None:
    assert expand_upce(upce) == upca
    assert is_valid_gtin(upca)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        pytest.param("04252613", "UPC-E 04252613: check digit is 3, expected 4", id="check"),
        pytest.param(
            "24252614", "UPC-E 24252614: number system is 2, expected 0 or 1", id="system"
        ),
        pytest.param("2425261", "number system is 2, expected 0 or 1", id="system-7"),
        pytest.param("42526", "length 5 is not a UPC-E length (6, 7, 8)", id="short"),
        pytest.param("042526144", "length 9 is not a UPC-E length (6, 7, 8)", id="long"),
        pytest.param("0425261X", "not digits", id="letter"),
    ],
)
def test_expand_upce_refuses(code: str, message: str) -> None:
    with pytest.raises(BarcodeError, match=re.escape(message)):
        expand_upce(code)


@pytest.mark.parametrize(
    ("value", "check"),
    [
        pytest.param("2875", 9, id="gs1-4-digit-example"),
        pytest.param("14685", 6, id="gs1-5-digit-example"),
        pytest.param("0000", 0, id="4-zeros"),
        pytest.param("00000", 0, id="5-zeros"),
    ],
)
def test_price_check_digit_gs1_examples(value: str, check: int) -> None:
    assert price_check_digit(value) == check


@pytest.mark.parametrize("value", ["287", "146850", "28a5"])
def test_price_check_digit_refuses(value: str) -> None:
    with pytest.raises(BarcodeError, match="price/weight field"):
        price_check_digit(value)


def make_code(prefix: str, item_ref: str, value: str, *, value_check: bool = False) -> str:
    """An in-store EAN-13, built the way a label scale prints it."""
    check = str(price_check_digit(value)) if value_check else ""
    body = prefix + item_ref + check + value
    return body + str(gtin_check_digit(body))


PRICE_4_CHECKED = VariableMeasureLayout(
    prefixes=frozenset({"26"}),
    item_ref_digits=5,
    kind=MeasureKind.PRICE,
    value_digits=4,
    implied_decimals=2,
    value_check_digit=True,
)
WEIGHT_5_CHECKED = VariableMeasureLayout(
    prefixes=frozenset({"29"}),
    item_ref_digits=4,
    kind=MeasureKind.WEIGHT,
    value_digits=5,
    implied_decimals=3,
    value_check_digit=True,
)


@pytest.mark.parametrize(
    ("code", "layouts", "expected"),
    [
        pytest.param(
            "2800123012502",
            DEFAULT_LAYOUTS,
            VariableMeasure("2800123012502", "00123", MeasureKind.WEIGHT, Decimal("1.250")),
            id="cn-weight-1.250kg",
        ),
        pytest.param(
            "2700042000058",
            DEFAULT_LAYOUTS,
            VariableMeasure("2700042000058", "00042", MeasureKind.WEIGHT, Decimal("0.005")),
            id="cn-weight-5g",
        ),
        pytest.param(
            "2100456019996",
            DEFAULT_LAYOUTS,
            VariableMeasure("2100456019996", "00456", MeasureKind.PRICE, Decimal("19.99")),
            id="cn-price-19.99",
        ),
        pytest.param(
            # 26 12345 [9] 2875 8: the GS1 four-digit example, price check digit 9.
            "2612345928758",
            [PRICE_4_CHECKED],
            VariableMeasure("2612345928758", "12345", MeasureKind.PRICE, Decimal("28.75")),
            id="price-4-digit-checked",
        ),
        pytest.param(
            # 29 1234 [6] 14685 5: the GS1 five-digit example, price check digit 6.
            "2912346146855",
            [WEIGHT_5_CHECKED],
            VariableMeasure("2912346146855", "1234", MeasureKind.WEIGHT, Decimal("14.685")),
            id="weight-5-digit-checked",
        ),
    ],
)
def test_decode_variable_measure(
    code: str, layouts: list[VariableMeasureLayout], expected: VariableMeasure
) -> None:
    assert decode_variable_measure(code, layouts) == expected


def test_price_and_weight_properties() -> None:
    weighed = decode_variable_measure("2800123012502", DEFAULT_LAYOUTS)
    priced = decode_variable_measure("2100456019996", DEFAULT_LAYOUTS)
    assert weighed is not None
    assert priced is not None
    assert (weighed.weight_kg, weighed.price) == (Decimal("1.25"), None)
    assert (priced.price, priced.weight_kg) == (Decimal("19.99"), None)
    assert isinstance(priced.price, Decimal)
    assert str(weighed.value) == "1.250"  # exact to the gram, no float on the way


@pytest.mark.parametrize(
    ("code", "layouts"),
    [
        pytest.param("2012345012345", DEFAULT_LAYOUTS, id="prefix-20-not-in-defaults"),
        pytest.param("4006381333931", DEFAULT_LAYOUTS, id="ordinary-ean13"),
        pytest.param("280012301250", DEFAULT_LAYOUTS, id="12-digits"),
        pytest.param("28001230125020", DEFAULT_LAYOUTS, id="14-digits"),
        pytest.param("28001230125O2", DEFAULT_LAYOUTS, id="letter-o"),
        pytest.param("2800123012502", [], id="no-layouts"),
    ],
)
def test_codes_no_layout_covers_are_not_variable_measure(
    code: str, layouts: list[VariableMeasureLayout]
) -> None:
    assert decode_variable_measure(code, layouts) is None


@pytest.mark.parametrize(
    ("code", "layouts", "message"),
    [
        pytest.param(
            "2800123012503",
            DEFAULT_LAYOUTS,
            "EAN-13 2800123012503: check digit is 3, expected 2",
            id="ean-check",
        ),
        pytest.param(
            # Price check digit 8 where 2875 needs 9; the EAN check digit is right.
            "2612345828751",
            [PRICE_4_CHECKED],
            "EAN-13 2612345828751: price check digit is 8, expected 9",
            id="price-check-4",
        ),
        pytest.param(
            # Weight check digit 5 where 14685 needs 6; the EAN check digit is right.
            "2912345146856",
            [WEIGHT_5_CHECKED],
            "EAN-13 2912345146856: weight check digit is 5, expected 6",
            id="weight-check-5",
        ),
    ],
)
def test_covered_code_with_bad_check_digit_raises(
    code: str, layouts: list[VariableMeasureLayout], message: str
) -> None:
    with pytest.raises(BarcodeError, match=f"^{re.escape(message)}$"):
        decode_variable_measure(code, layouts)


def test_first_layout_covering_the_prefix_decides() -> None:
    as_price = VariableMeasureLayout(frozenset({"28"}), 5, MeasureKind.PRICE, 5, 2)
    decoded = decode_variable_measure("2800123012502", [as_price, CN_WEIGHT_LAYOUT])
    assert decoded is not None
    assert decoded.price == Decimal("12.50")


def test_presets() -> None:
    assert CN_WEIGHT_LAYOUT.prefixes == {"27", "28"}
    assert CN_PRICE_LAYOUT.prefixes == {"21", "22", "23"}
    assert DEFAULT_LAYOUTS == (CN_PRICE_LAYOUT, CN_WEIGHT_LAYOUT)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {"item_ref_digits": 4, "value_digits": 5, "value_check_digit": False},
            "= 12, expected 13",
            id="too-short",
        ),
        pytest.param(
            {"item_ref_digits": 5, "value_digits": 5, "value_check_digit": True},
            "= 14, expected 13",
            id="too-long",
        ),
        pytest.param(
            {"item_ref_digits": 7, "value_digits": 3, "value_check_digit": False},
            "value_digits must be 4 or 5, got 3",
            id="value-digits",
        ),
        pytest.param(
            {"prefixes": frozenset({"20", "30"})},
            "prefixes must be '20'..'29', got ['30']",
            id="prefix-30",
        ),
        pytest.param({"prefixes": frozenset()}, "at least one prefix", id="no-prefix"),
        pytest.param({"implied_decimals": 6}, "implied_decimals must be 0..5", id="decimals"),
    ],
)
def test_layout_refuses_what_cannot_fit(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        replace(CN_PRICE_LAYOUT, **kwargs)


digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


@given(body=st.text(alphabet="0123456789", min_size=12, max_size=12), data=st.data())
def test_any_single_digit_error_is_caught(body: str, data: st.DataObject) -> None:
    code = body + str(gtin_check_digit(body))
    assert is_valid_gtin(code)
    position = data.draw(st.integers(0, 12), label="position")
    replacement = data.draw(digits.filter(lambda d: d != code[position]), label="digit")
    corrupted = code[:position] + replacement + code[position + 1 :]
    assert not is_valid_gtin(corrupted)


@given(
    body=st.sampled_from([7, 11, 12, 13]).flatmap(
        lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)
    )
)
def test_normalize_is_idempotent_and_14_digits(body: str) -> None:
    code = body + str(gtin_check_digit(body))
    key = normalize_gtin(code)
    assert len(key) == 14
    assert key.endswith(code)
    assert normalize_gtin(key) == key


@given(
    system=st.sampled_from("01"),
    data_digits=st.text(alphabet="0123456789", min_size=6, max_size=6),
)
def test_upce_forms_agree_and_expand_to_valid_upca(system: str, data_digits: str) -> None:
    upca = expand_upce(system + data_digits)
    assert is_valid_gtin(upca)
    assert upca[0] == system
    assert expand_upce(system + data_digits + upca[-1]) == upca
    if system == "0":
        assert expand_upce(data_digits) == upca


@given(value=st.text(alphabet="0123456789", min_size=4, max_size=5), data=st.data())
def test_price_check_catches_any_single_digit_error(value: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(value) - 1), label="position")
    replacement = data.draw(digits.filter(lambda d: d != value[position]), label="digit")
    corrupted = value[:position] + replacement + value[position + 1 :]
    assert price_check_digit(corrupted) != price_check_digit(value)


@given(
    item_ref=st.text(alphabet="0123456789", min_size=5, max_size=5),
    grams=st.integers(0, 99_999),
)
def test_weight_round_trips_exactly(item_ref: str, grams: int) -> None:
    code = make_code("28", item_ref, f"{grams:05d}")
    decoded = decode_variable_measure(code, DEFAULT_LAYOUTS)
    assert decoded is not None
    assert decoded.item_ref == item_ref
    assert decoded.weight_kg == Decimal(grams) / 1000


@given(
    item_ref=st.text(alphabet="0123456789", min_size=5, max_size=5),
    fen=st.integers(0, 9_999),
    wrong=st.integers(1, 9),
)
def test_checked_price_round_trips_and_a_wrong_price_check_raises(
    item_ref: str, fen: int, wrong: int
) -> None:
    value = f"{fen:04d}"
    code = make_code("26", item_ref, value, value_check=True)
    decoded = decode_variable_measure(code, [PRICE_4_CHECKED])
    assert decoded is not None
    assert decoded.price == Decimal(fen) / 100
    # A misprinted price check digit, with an EAN check digit that is right for it.
    bad_check = (int(code[7]) + wrong) % 10
    body = code[:7] + str(bad_check) + code[8:12]
    with pytest.raises(BarcodeError, match="price check digit"):
        decode_variable_measure(body + str(gtin_check_digit(body)), [PRICE_4_CHECKED])

"""The one scan field: every kind of code in DESIGN §3, in its order, and malformed input."""

import logging
import re
from decimal import Decimal
from typing import Any, get_args

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pos_core.barcodes import (
    DEFAULT_LAYOUTS,
    MeasureKind,
    VariableMeasure,
    VariableMeasureLayout,
    gtin_check_digit,
)
from pos_core.scan import (
    GtinScan,
    InvalidScan,
    MemberCard,
    OmniTillCode,
    PaymentCode,
    ProductCode,
    QrKind,
    Scan,
    ScanConfig,
    UnknownScan,
    VariableMeasureScan,
    Wallet,
    classify,
    omnitill_payload,
)

WECHAT = "134567890123456789"
ALIPAY = "281234567890123456"


def weighed(code: str, item_ref: str, kg: str) -> VariableMeasureScan:
    return VariableMeasureScan(VariableMeasure(code, item_ref, MeasureKind.WEIGHT, Decimal(kg)))


def priced(code: str, item_ref: str, yuan: str) -> VariableMeasureScan:
    return VariableMeasureScan(VariableMeasure(code, item_ref, MeasureKind.PRICE, Decimal(yuan)))


CASES = [
    # 1. payment codes, first: never a product, whatever else they look like
    pytest.param(WECHAT, PaymentCode(Wallet.WECHAT, WECHAT), id="wechat"),
    *(
        pytest.param(code, PaymentCode(Wallet.WECHAT, code), id=f"wechat-{code[:2]}")
        for code in ("100000000000000000", "150123456789012342")
    ),
    pytest.param(ALIPAY, PaymentCode(Wallet.ALIPAY, ALIPAY), id="alipay-18-like-a-28-code"),
    pytest.param(
        "2500000000000000", PaymentCode(Wallet.ALIPAY, "2500000000000000"), id="alipay-16"
    ),
    pytest.param(
        "300000000000000000000000",
        PaymentCode(Wallet.ALIPAY, "300000000000000000000000"),
        id="alipay-24",
    ),
    pytest.param(
        "\r\n" + WECHAT + "\r\n", PaymentCode(Wallet.WECHAT, WECHAT), id="wechat-with-crlf"
    ),
    # 2. OmniTill QR payloads
    pytest.param(
        "OT1:R:S001-02-000123",
        OmniTillCode(QrKind.RECEIPT, "S001-02-000123", 1),
        id="qr-receipt",
    ),
    pytest.param("OT1:C:CPN8F3K2", OmniTillCode(QrKind.COUPON, "CPN8F3K2", 1), id="qr-coupon"),
    pytest.param(
        "OT1:P:PU-20240501-0042",
        OmniTillCode(QrKind.PICKUP_ORDER, "PU-20240501-0042", 1),
        id="qr-pickup-order",
    ),
    pytest.param(
        "OT1:M:M0123456789", OmniTillCode(QrKind.MEMBER, "M0123456789", 1), id="qr-member"
    ),
    pytest.param(
        "OT1:C:双十一:满100减20",
        OmniTillCode(QrKind.COUPON, "双十一:满100减20", 1),
        id="qr-unicode-body-with-colon",
    ),
    pytest.param(
        "ot1:c:cpn8f3k2", OmniTillCode(QrKind.COUPON, "CPN8F3K2", 1), id="qr-under-caps-lock"
    ),
    pytest.param("Ot1:r:S001", OmniTillCode(QrKind.RECEIPT, "S001", 1), id="qr-mixed-case-head"),
    pytest.param(
        "OT2:R:S001-02-000123",
        InvalidScan(
            "OT2:R:S001-02-000123",
            "QR code from a newer OmniTill (version 2); update this till",
        ),
        id="qr-future-version",
    ),
    pytest.param(
        "OT1:X:123",
        InvalidScan("OT1:X:123", "OmniTill QR code of unknown kind 'X'"),
        id="qr-unknown-kind",
    ),
    pytest.param(
        "OT1:R:", InvalidScan("OT1:R:", "OmniTill QR code: the body is empty"), id="qr-empty"
    ),
    pytest.param(
        "OT1:R",
        InvalidScan("OT1:R", "OmniTill QR code is not of the form OT<version>:<kind>:<body>"),
        id="qr-no-body",
    ),
    pytest.param(
        "OT0:R:x",
        InvalidScan("OT0:R:x", "OmniTill QR code with an invalid version '0'"),
        id="qr-version-0",
    ),
    # 3. member cards
    pytest.param("M0123456789", MemberCard("M0123456789"), id="member-card"),
    # 4. variable measure (default layouts: 21-23 price in fen, 27-28 weight in grams)
    pytest.param("2800123012502", weighed("2800123012502", "00123", "1.250"), id="weighed-28"),
    pytest.param("2100456019996", priced("2100456019996", "00456", "19.99"), id="priced-21"),
    pytest.param(
        "2800123012503",
        InvalidScan("2800123012503", "EAN-13 2800123012503: check digit is 3, expected 2"),
        id="weighed-bad-check",
    ),
    pytest.param(
        "2012345012349",
        GtinScan("2012345012349", ("02012345012349",)),
        id="uncovered-20-is-a-gtin",
    ),
    # 5. GTINs
    pytest.param("96385074", GtinScan("96385074", ("00000096385074",)), id="ean8"),
    pytest.param("036000291452", GtinScan("036000291452", ("00036000291452",)), id="upc-a"),
    pytest.param("4006381333931", GtinScan("4006381333931", ("04006381333931",)), id="ean13"),
    pytest.param("10012345678902", GtinScan("10012345678902", ("10012345678902",)), id="gtin14"),
    pytest.param("04252614", GtinScan("04252614", ("00042100005264",)), id="upc-e"),
    pytest.param(
        "12345052",
        GtinScan("12345052", ("00000012345052", "00123450000052")),
        id="ean8-and-upc-e",
    ),
    pytest.param(
        "\t4006381333931\r\n",
        GtinScan("4006381333931", ("04006381333931",)),
        id="ean13-with-terminators",
    ),
    pytest.param(
        "\x024006381333931\x03",
        GtinScan("4006381333931", ("04006381333931",)),
        id="ean13-with-stx-etx",
    ),
    pytest.param(
        "4006381333932",
        InvalidScan("4006381333932", "EAN-13 4006381333932: check digit is 2, expected 1"),
        id="ean13-bad-check",
    ),
    pytest.param(
        "036000291451",
        InvalidScan("036000291451", "UPC-A 036000291451: check digit is 1, expected 2"),
        id="upc-a-bad-check",
    ),
    pytest.param(
        "10012345678903",
        InvalidScan("10012345678903", "GTIN-14 10012345678903: check digit is 3, expected 2"),
        id="gtin14-bad-check",
    ),
    pytest.param(
        "04252615",
        InvalidScan(
            "04252615",
            "EAN-8 04252615: check digit is 5, expected 0; "
            "UPC-E 04252615: check digit is 5, expected 4",
        ),
        id="8-digits-bad-both-ways",
    ),
    pytest.param(
        "96385075",
        InvalidScan("96385075", "EAN-8 96385075: check digit is 5, expected 4"),
        id="ean8-bad-check",
    ),
    # 6. product codes
    pytest.param("12345", ProductCode("12345"), id="product-digits"),
    pytest.param("1234567", ProductCode("1234567"), id="product-7-digits"),
    pytest.param("SKU-001", ProductCode("SKU-001"), id="product-letters"),
    pytest.param("OTTO", ProductCode("OTTO"), id="product-starting-ot"),
    pytest.param("OT1", ProductCode("OT1"), id="product-ot1-without-colon"),
    # numbers no rule may take
    *(
        pytest.param(
            "9" * n,
            InvalidScan(
                "9" * n,
                f"a {n}-digit number is neither a GTIN (8, 12, 13 or 14 digits) "
                "nor a WeChat Pay or Alipay payment code",
            ),
            id=f"{n}-digit-number",
        )
        for n in (9, 10, 11, 15, 18, 19)
    ),
    pytest.param(
        "160000000000000000",
        InvalidScan(
            "160000000000000000",
            "a 18-digit number is neither a GTIN (8, 12, 13 or 14 digits) "
            "nor a WeChat Pay or Alipay payment code",
        ),
        id="18-digits-not-wechat",
    ),
    # characters no code uses
    pytest.param(
        "４００６３８１３３３９３１",
        InvalidScan(
            "４００６３８１３３３９３１",
            "the scan contains the full-width character '４' (U+FF14); "
            "switch the keyboard to English input and scan again",
        ),
        id="full-width-digits",
    ),
    pytest.param(
        "苹果",
        InvalidScan(
            "苹果", "the scan contains the character '苹' (U+82F9), which no code here uses"
        ),
        id="chinese",
    ),
    pytest.param(
        "(01)0400638133393\x1d10ABC",
        InvalidScan("(01)0400638133393\x1d10ABC", "the scan contains the control character U+001D"),
        id="gs1-group-separator",
    ),
    pytest.param("", InvalidScan("", "empty scan"), id="empty"),
    pytest.param(" \t\r\n", InvalidScan("", "empty scan"), id="only-whitespace"),
    # unknown
    pytest.param("hello world", UnknownScan("hello world"), id="unknown-with-space"),
    pytest.param("#123", UnknownScan("#123"), id="unknown-punctuation"),
    pytest.param("A" * 33, UnknownScan("A" * 33), id="unknown-too-long-for-product-code"),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_classify(raw: str, expected: Scan) -> None:
    assert classify(raw) == expected


def test_one_product_in_every_form_has_one_first_key() -> None:
    results = [classify(code) for code in ("036000291452", "0036000291452", "00036000291452")]
    keys = {result.keys[0] for result in results if isinstance(result, GtinScan)}
    assert len(results) == 3
    assert keys == {"00036000291452"}
    assert all(isinstance(result, GtinScan) for result in results)


@pytest.mark.parametrize("code", [WECHAT, ALIPAY])
def test_payment_code_never_appears_in_repr_str_or_log(
    code: str, caplog: pytest.LogCaptureFixture
) -> None:
    scan = classify(code)
    assert isinstance(scan, PaymentCode)
    assert scan.code == code  # the tender step still gets it
    logging.getLogger("pos_core.test").warning("scanned %s %r %s", scan, scan, [scan])
    shown = [repr(scan), str(scan), f"{scan}", f"{scan!r}", repr([scan]), caplog.text]
    for text in shown:
        assert code not in text
        assert code[2:-2] not in text
    assert "<hidden>" in repr(scan)
    assert scan.wallet.value in repr(scan)


def test_a_long_number_from_an_unknown_wallet_stays_out_of_repr() -> None:
    unionpay_like = "6212345678901234567"
    scan = classify(unionpay_like)
    assert isinstance(scan, InvalidScan)
    assert unionpay_like not in repr(scan)
    assert unionpay_like not in scan.message


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            "4006381333932",
            "Cannot use this scan: EAN-13 4006381333932: check digit is 2, expected 1.",
            id="invalid",
        ),
        pytest.param("", "Cannot use this scan: empty scan.", id="empty"),
        pytest.param(
            "hello",
            "Unknown code 'hello': not a product, member card, coupon or receipt.",
            id="unknown",
        ),
        pytest.param(
            "X" * 100,
            f"Unknown code '{'X' * 39}…': not a product, member card, coupon or receipt.",
            id="unknown-long",
        ),
    ],
)
def test_messages_are_plain_english(raw: str, message: str) -> None:
    scan = classify(raw, ScanConfig(product_code_pattern=r"^\d+$"))
    assert isinstance(scan, InvalidScan | UnknownScan)
    assert scan.message == message


@pytest.mark.parametrize("kind", list(QrKind))
def test_omnitill_payload_round_trips(kind: QrKind) -> None:
    payload = omnitill_payload(kind, "S001-02-000123")
    assert payload.startswith("OT1:")
    assert classify(payload) == OmniTillCode(kind, "S001-02-000123", 1)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param("", "the body is empty", id="empty"),
        pytest.param("x" * 201, "the body is 201 characters, more than 200", id="too-long"),
        pytest.param("a\nb", "non-printable character U+000A", id="newline"),
        pytest.param("abc ", "ends with a space", id="trailing-space"),
    ],
)
def test_omnitill_payload_refuses_bodies_a_scan_would_not_give_back(
    body: str, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        omnitill_payload(QrKind.COUPON, body)


def test_qr_body_of_200_characters_is_accepted_and_201_refused() -> None:
    assert classify("OT1:C:" + "x" * 200) == OmniTillCode(QrKind.COUPON, "x" * 200, 1)
    assert classify("OT1:C:" + "x" * 201) == InvalidScan(
        "OT1:C:" + "x" * 201, "OmniTill QR code: the body is 201 characters, more than 200"
    )


def test_member_pattern_comes_before_gtin() -> None:
    config = ScanConfig(member_card_pattern=r"^\d{13}$")
    assert classify("4006381333931", config) == MemberCard("4006381333931")
    assert classify(WECHAT, config) == PaymentCode(Wallet.WECHAT, WECHAT)


def test_store_layouts_replace_the_defaults() -> None:
    price_20 = VariableMeasureLayout(frozenset({"20"}), 5, MeasureKind.PRICE, 5, 2)
    config = ScanConfig(variable_measure_layouts=(price_20,))
    assert classify("2012345012349", config) == priced("2012345012349", "12345", "12.34")
    assert classify("2800123012502", config) == GtinScan("2800123012502", ("02800123012502",))


def test_layouts_sharing_a_prefix_are_refused() -> None:
    clash = VariableMeasureLayout(frozenset({"23", "24"}), 5, MeasureKind.WEIGHT, 5, 3)
    with pytest.raises(ValueError, match=re.escape("prefixes ['23'] are in two")):
        ScanConfig(variable_measure_layouts=(*DEFAULT_LAYOUTS, clash))


def test_upce_reading_can_be_switched_off() -> None:
    config = ScanConfig(upce=False)
    assert classify("12345052", config) == GtinScan("12345052", ("00000012345052",))
    assert classify("04252614", config) == InvalidScan(
        "04252614", "EAN-8 04252614: check digit is 4, expected 0"
    )


def test_store_product_pattern_decides_for_short_codes() -> None:
    config = ScanConfig(product_code_pattern=r"^P\d{4}$")
    assert classify("P1234", config) == ProductCode("P1234")
    assert classify("12345", config) == UnknownScan("12345")
    assert classify("4006381333932", config) == InvalidScan(
        "4006381333932", "EAN-13 4006381333932: check digit is 2, expected 1"
    )


@pytest.mark.parametrize("field", ["member_card_pattern", "product_code_pattern"])
def test_bad_pattern_is_refused_when_the_config_is_made(field: str) -> None:
    settings: dict[str, Any] = {field: "("}
    with pytest.raises(ValueError, match=f"{field} '\\(' is not a valid regular expression"):
        ScanConfig(**settings)


SCAN_TYPES = get_args(Scan)


@given(st.text())
@example("OT99999999999:R:x")
@example("OT" + "9" * 5000 + ":R:x")
@example("ot1:r:ß")
@example("\x00")
def test_classify_never_raises(raw: str) -> None:
    assert isinstance(classify(raw), SCAN_TYPES)


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=30))
def test_classify_never_raises_on_ascii(raw: str) -> None:
    assert isinstance(classify(raw), SCAN_TYPES)


# Letters, marks, numbers, punctuation, symbols and the ASCII space are what isprintable() allows.
printable_body = st.text(
    alphabet=st.characters(categories=["L", "M", "N", "P", "S"]) | st.just(" "),
    min_size=1,
    max_size=200,
).filter(lambda body: not body.endswith(" "))


@given(kind=st.sampled_from(QrKind), body=printable_body)
def test_any_printable_body_survives_the_round_trip(kind: QrKind, body: str) -> None:
    assert classify(omnitill_payload(kind, body)) == OmniTillCode(kind, body, 1)


@given(
    first=st.sampled_from("013456789"),
    rest=st.text(alphabet="0123456789", min_size=11, max_size=11),
    position=st.integers(0, 12),
    shift=st.integers(1, 9),
)
def test_a_misread_digit_is_never_another_product(
    first: str, rest: str, position: int, shift: int
) -> None:
    # Not starting 2: an ordinary EAN-13, not an in-store code.
    body = first + rest
    code = body + str(gtin_check_digit(body))
    assert classify(code) == GtinScan(code, ("0" + code,))
    misread = code[:position] + str((int(code[position]) + shift) % 10) + code[position + 1 :]
    scan = classify(misread)
    assert isinstance(scan, InvalidScan)
    assert "check digit is" in scan.reason

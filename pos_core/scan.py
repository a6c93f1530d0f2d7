"""Classify one scanned string: the till's single scan field takes every code (DESIGN §3).

The order is the contract:

1. customer payment codes (WeChat Pay, Alipay): only the tender step uses them; they are
   never looked up as products and never appear in a repr, str or log line;
2. OmniTill QR payloads, ``OT<version>:<kind letter>:<body>``;
3. member cards, by the store's pattern;
4. in-store variable-measure EAN-13 (prefixes 20–29), by the store's layouts;
5. GTIN-8/12/13/14 (and UPC-E), validated and normalised to 14-digit keys;
6. internal product codes, by the store's pattern; otherwise an unknown code.

A malformed code (a wrong check digit, a QR code from a newer OmniTill) is an
``InvalidScan`` that says what is wrong: it never falls through to a later rule, where it
could ring up the wrong product.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeAlias

from pos_core.barcodes import (
    DEFAULT_LAYOUTS,
    BarcodeError,
    VariableMeasure,
    VariableMeasureLayout,
    decode_variable_measure,
    expand_upce,
    normalize_gtin,
)

__all__ = [
    "DEFAULT_MEMBER_CARD_PATTERN",
    "DEFAULT_PRODUCT_CODE_PATTERN",
    "DEFAULT_SCAN_CONFIG",
    "QR_BODY_MAX_CHARS",
    "QR_VERSION",
    "GtinScan",
    "InvalidScan",
    "MemberCard",
    "OmniTillCode",
    "PaymentCode",
    "ProductCode",
    "QrKind",
    "Scan",
    "ScanConfig",
    "UnknownScan",
    "VariableMeasureScan",
    "Wallet",
    "classify",
    "omnitill_payload",
]

QR_VERSION = 1
QR_BODY_MAX_CHARS = 200
DEFAULT_MEMBER_CARD_PATTERN = r"^M\d{10}$"
DEFAULT_PRODUCT_CODE_PATTERN = r"^\d{1,7}$|^[A-Za-z][A-Za-z0-9_-]{0,31}$"


class Wallet(StrEnum):
    WECHAT = "wechat"
    ALIPAY = "alipay"


class QrKind(StrEnum):
    RECEIPT = "receipt"
    COUPON = "coupon"
    PICKUP_ORDER = "pickup_order"
    MEMBER = "member"


_LETTER_BY_KIND = {
    QrKind.RECEIPT: "R",
    QrKind.COUPON: "C",
    QrKind.PICKUP_ORDER: "P",
    QrKind.MEMBER: "M",
}
_KIND_BY_LETTER = {letter: kind for kind, letter in _LETTER_BY_KIND.items()}


@dataclass(frozen=True, slots=True, repr=False)
class PaymentCode:
    """A customer's wallet payment code; the code itself never shows in repr or str."""

    wallet: Wallet
    code: str = field(repr=False)

    def __repr__(self) -> str:
        return f"PaymentCode(wallet={self.wallet.value!r}, code=<hidden>)"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class OmniTillCode:
    """A QR code OmniTill printed or issued: a receipt, coupon, pickup order or member."""

    kind: QrKind
    body: str
    version: int


@dataclass(frozen=True, slots=True)
class MemberCard:
    card_no: str


@dataclass(frozen=True, slots=True)
class VariableMeasureScan:
    measure: VariableMeasure


@dataclass(frozen=True, slots=True)
class GtinScan:
    """A valid GTIN; ``keys`` are the 14-digit keys to look up, best first.

    An 8-digit code can be both an EAN-8 and a UPC-E; each valid reading gives a key.
    """

    code: str
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProductCode:
    code: str


@dataclass(frozen=True, slots=True)
class InvalidScan:
    """A scan that is recognisably malformed; ``reason`` says what is wrong.

    ``raw`` stays out of the repr: a long number may be a payment code of a wallet this
    till does not know, and must not reach a log line.
    """

    raw: str = field(repr=False)
    reason: str

    @property
    def message(self) -> str:
        return f"Cannot use this scan: {self.reason}."


@dataclass(frozen=True, slots=True)
class UnknownScan:
    raw: str

    @property
    def message(self) -> str:
        shown = self.raw if len(self.raw) <= 40 else self.raw[:39] + "…"
        return f"Unknown code {shown!r}: not a product, member card, coupon or receipt."


Scan: TypeAlias = (
    PaymentCode
    | OmniTillCode
    | MemberCard
    | VariableMeasureScan
    | GtinScan
    | ProductCode
    | InvalidScan
    | UnknownScan
)


def _compile(name: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{name} {pattern!r} is not a valid regular expression: {exc}") from exc


@dataclass(frozen=True)
class ScanConfig:
    """A store's scan settings; patterns must match the whole scan."""

    member_card_pattern: str = DEFAULT_MEMBER_CARD_PATTERN
    variable_measure_layouts: tuple[VariableMeasureLayout, ...] = DEFAULT_LAYOUTS
    product_code_pattern: str = DEFAULT_PRODUCT_CODE_PATTERN
    upce: bool = True
    _member_card_re: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _product_code_re: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        member = _compile("member_card_pattern", self.member_card_pattern)
        product = _compile("product_code_pattern", self.product_code_pattern)
        object.__setattr__(self, "_member_card_re", member)
        object.__setattr__(self, "_product_code_re", product)
        layouts = tuple(self.variable_measure_layouts)
        object.__setattr__(self, "variable_measure_layouts", layouts)
        seen: set[str] = set()
        for layout in layouts:
            shared = seen & layout.prefixes
            if shared:
                raise ValueError(f"prefixes {sorted(shared)} are in two variable-measure layouts")
            seen |= layout.prefixes


DEFAULT_SCAN_CONFIG = ScanConfig()

_WECHAT_PREFIXES = frozenset({"10", "11", "12", "13", "14", "15"})
_ALIPAY_PREFIXES = frozenset({"25", "26", "27", "28", "29", "30"})
# Scanner terminators and framing (CR, LF, TAB, STX/ETX…), and whitespace an input
# method may add, including full-width and zero-width spaces and a byte-order mark.
_STRIP = "".join(
    chr(c)
    for c in (
        *range(0x21),
        *range(0x7F, 0xA1),
        0x1680,
        *range(0x2000, 0x200C),
        0x2028,
        0x2029,
        0x202F,
        0x205F,
        0x3000,
        0xFEFF,
    )
)
_ASCII_SWAPCASE = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)


def _body_problem(body: str) -> str | None:
    if not body:
        return "the body is empty"
    if len(body) > QR_BODY_MAX_CHARS:
        return f"the body is {len(body)} characters, more than {QR_BODY_MAX_CHARS}"
    if not body.isprintable():
        bad = next(ch for ch in body if not ch.isprintable())
        return f"the body contains the non-printable character U+{ord(bad):04X}"
    return None


def omnitill_payload(kind: QrKind, body: str) -> str:
    """The text of an OmniTill QR code, ``OT1:<kind letter>:<body>``."""
    problem = _body_problem(body)
    if problem is None and body[-1] == " ":
        problem = "the body ends with a space, which a scanner would strip"
    if problem is not None:
        raise ValueError(f"cannot make an OmniTill QR code: {problem}")
    return f"OT{QR_VERSION}:{_LETTER_BY_KIND[kind]}:{body}"


def _parse_omnitill(text: str) -> OmniTillCode | InvalidScan | None:
    """Read an ``OT<version>:…`` payload; None when ``text`` does not start like one."""
    if len(text) < 4 or text[0] not in "Oo" or text[1] not in "Tt":
        return None
    head, sep, rest = text[2:].partition(":")
    if not sep or not head.isascii() or not head.isdigit():
        return None
    if len(head) > 6 or int(head) == 0:
        return InvalidScan(text, f"OmniTill QR code with an invalid version {head!r}")
    version = int(head)
    if version > QR_VERSION:
        return InvalidScan(
            text, f"QR code from a newer OmniTill (version {version}); update this till"
        )
    letter, sep, body = rest.partition(":")
    if not sep:
        return InvalidScan(text, "OmniTill QR code is not of the form OT<version>:<kind>:<body>")
    kind = _KIND_BY_LETTER.get(letter.upper())
    if kind is None:
        return InvalidScan(text, f"OmniTill QR code of unknown kind {letter!r}")
    problem = _body_problem(body)
    if problem is not None:
        return InvalidScan(text, f"OmniTill QR code: {problem}")
    if text[:2] == "ot" and letter.islower():
        # OmniTill prints "OT" and an upper-case letter, so an all-lower-case head means a
        # wedge scanner typed under Caps Lock and inverted every letter; undo it.
        body = body.translate(_ASCII_SWAPCASE)
    return OmniTillCode(kind=kind, body=body, version=version)


def _character_problem(text: str) -> str | None:
    """Why ``text`` cannot be a code of ours, when it holds more than printable ASCII."""
    if text.isascii() and text.isprintable():
        return None
    bad = next(ch for ch in text if not " " <= ch <= "~")
    point = f"U+{ord(bad):04X}"
    if "\uff01" <= bad <= "\uff5e":
        return (
            f"the scan contains the full-width character {bad!r} ({point}); "
            "switch the keyboard to English input and scan again"
        )
    if bad.isprintable():
        return f"the scan contains the character {bad!r} ({point}), which no code here uses"
    return f"the scan contains the control character {point}"


def _classify_digits(digits: str, config: ScanConfig) -> Scan:
    length = len(digits)
    prefix = digits[:2]
    if length == 18 and prefix in _WECHAT_PREFIXES:
        return PaymentCode(Wallet.WECHAT, digits)
    if 16 <= length <= 24 and prefix in _ALIPAY_PREFIXES:
        return PaymentCode(Wallet.ALIPAY, digits)
    if config._member_card_re.fullmatch(digits):
        return MemberCard(digits)
    try:
        if length == 13 and digits[0] == "2":
            measure = decode_variable_measure(digits, config.variable_measure_layouts)
            if measure is not None:
                return VariableMeasureScan(measure)
        if length in (12, 13, 14):
            return GtinScan(digits, (normalize_gtin(digits),))
    except BarcodeError as exc:
        return InvalidScan(digits, str(exc))
    if length == 8:
        return _classify_eight(digits, config)
    if config._product_code_re.fullmatch(digits):
        return ProductCode(digits)
    if 9 <= length <= 11 or length >= 15:
        return InvalidScan(
            digits,
            f"a {length}-digit number is neither a GTIN (8, 12, 13 or 14 digits) "
            "nor a WeChat Pay or Alipay payment code",
        )
    return UnknownScan(digits)


def _classify_eight(digits: str, config: ScanConfig) -> GtinScan | InvalidScan:
    keys: list[str] = []
    problems: list[str] = []
    try:
        keys.append(normalize_gtin(digits))
    except BarcodeError as exc:
        problems.append(str(exc))
    if config.upce and digits[0] in "01":
        try:
            upce_key = "00" + expand_upce(digits)
        except BarcodeError as exc:
            problems.append(str(exc))
        else:
            if upce_key not in keys:
                keys.append(upce_key)
    if keys:
        return GtinScan(digits, tuple(keys))
    return InvalidScan(digits, "; ".join(problems))


def classify(raw: str, config: ScanConfig = DEFAULT_SCAN_CONFIG) -> Scan:
    """What a scanned string is, by the order in DESIGN §3; never raises for any text."""
    text = raw.strip(_STRIP)
    if not text:
        return InvalidScan(text, "empty scan")
    if text.isascii() and text.isdigit():
        return _classify_digits(text, config)
    qr = _parse_omnitill(text)
    if qr is not None:
        return qr
    problem = _character_problem(text)
    if problem is not None:
        return InvalidScan(text, problem)
    if config._member_card_re.fullmatch(text):
        return MemberCard(text)
    if config._product_code_re.fullmatch(text):
        return ProductCode(text)
    return UnknownScan(text)

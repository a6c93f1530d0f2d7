"""Field types the protocol's messages share: exact amounts and quantities as JSON strings.

Amounts travel as strings ("12.30"), never JSON numbers: a JSON number is a float to most
parsers, and a float has already lost the cent. Floats are refused on the way in.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from pos_core.money import MoneyError, to_decimal


def _exact(places: int) -> BeforeValidator:
    def check(value: Any) -> Decimal:
        try:
            number = to_decimal(value)
        except MoneyError as exc:
            raise ValueError(str(exc)) from None
        try:
            quantized = number.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:  # more digits than a Decimal context holds
            raise ValueError(f"{number} is too large an amount") from None
        if number != quantized:
            raise ValueError(f"{number} has more than {places} decimals")
        return quantized

    return BeforeValidator(check)


_as_str = PlainSerializer(str, return_type=str, when_used="json")

Amount = Annotated[Decimal, _exact(2), _as_str]
"""Money in yuan, exactly two decimals, a JSON string."""

Quantity = Annotated[Decimal, _exact(3), _as_str]
"""A count or a weight in kg, up to three decimals, a JSON string."""

Rate = Annotated[Decimal, _exact(4), _as_str]
"""A tax rate or multiplier such as 0.13, a JSON string."""


class Message(BaseModel):
    """A message read by the side that did not write it: unknown fields are ignored, so the
    server can add a field without breaking an older till."""

    model_config = ConfigDict(extra="ignore", frozen=True, validate_default=True)


class Payload(BaseModel):
    """An event payload: exact. A payload with an unknown field is not this version."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

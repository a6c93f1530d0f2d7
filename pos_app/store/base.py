"""The declarative base and the column types every till table uses.

SQLite has no decimal type, and SQLAlchemy's `Numeric` on SQLite goes through float. So
money is stored as integer minor units (fen) and quantities as integer thousandths, and
read back as exact `Decimal`. Times are stored as UTC text in one fixed, sortable format
and read back as aware datetimes. UUIDs are stored as 32-character hex.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Dialect, Integer, MetaData, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class MoneyColumn(TypeDecorator[Decimal]):
    """A Decimal amount of yuan stored as integer fen."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        fen = value.scaleb(2)
        if fen != fen.to_integral_value():
            raise ValueError(f"{value} has more than 2 decimals")
        return int(fen)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value).scaleb(-2)


class QuantityColumn(TypeDecorator[Decimal]):
    """A Decimal quantity (pieces or kg) stored as integer thousandths."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        milli = value.scaleb(3)
        if milli != milli.to_integral_value():
            raise ValueError(f"{value} has more than 3 decimals")
        return int(milli)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value).scaleb(-3)


class RateColumn(TypeDecorator[Decimal]):
    """A rate or multiplier (0.13, 1.5) stored exactly as text."""

    impl = String(16)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


UTC_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def utc_text(value: datetime) -> str:
    """The stored form of an aware datetime: UTC, fixed width, so text order is time order."""
    if value.tzinfo is None:
        raise ValueError(f"{value} has no time zone; the till stores aware times only")
    return value.astimezone(UTC).strftime(UTC_FORMAT)


class UtcDateTime(TypeDecorator[datetime]):
    impl = String(26)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else utc_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # fromisoformat reads the stored form in C; strptime took ~50 µs a value.
        return datetime.fromisoformat(value).replace(tzinfo=UTC)


class DateColumn(TypeDecorator[date]):
    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value: date | None, dialect: Dialect) -> str | None:
        return None if value is None else value.isoformat()

    def process_result_value(self, value: str | None, dialect: Dialect) -> date | None:
        return None if value is None else date.fromisoformat(value)


class JsonColumn(TypeDecorator[Any]):
    """JSON text; for nested parts of a document that are always read whole."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)

"""The `PaymentTerminal` interface every card and wallet payment goes through.

The till stores a payment attempt before it calls `charge`, and passes the attempt's id as
the gateway's order id; so `query` and `reverse` can always find the order again, after a
time-out or after the till itself was killed. A terminal never raises for a payment that
did not go through: it answers with an `Outcome`. `UNKNOWN` means the terminal cannot say
(no answer in time, unreachable); the till then asks again with `query` until it knows.

The customer's payment code (付款码) travels only inside `ChargeRequest`, whose repr hides
it; terminals must not store or log it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from pos_core.money import Money
from pos_core.protocol.events import TenderKind


class Outcome(StrEnum):
    APPROVED = "approved"  # the customer is charged
    DECLINED = "declined"  # not charged
    UNKNOWN = "unknown"  # the terminal cannot say yet: ask again
    REVERSED = "reversed"  # was charged, now given back
    NOT_FOUND = "not_found"  # the terminal never saw this order: not charged


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    attempt_id: uuid.UUID  # the gateway order id
    kind: TenderKind
    amount: Money
    payment_code: str | None = field(default=None, repr=False)  # scanned from the customer
    confirmed_reference: str | None = None  # typed by the cashier from a standalone terminal

    def __repr__(self) -> str:
        code = "<hidden>" if self.payment_code else None
        return (
            f"ChargeRequest(attempt_id={self.attempt_id}, kind={self.kind.value}, "
            f"amount={self.amount}, payment_code={code}, "
            f"confirmed_reference={self.confirmed_reference!r})"
        )

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class TerminalResult:
    outcome: Outcome
    reference: str | None = None  # the terminal's or gateway's reference: never a payment code
    message: str = ""  # in words, for the cashier


@runtime_checkable
class PaymentTerminal(Protocol):
    """A card terminal or a wallet gateway."""

    @property
    def name(self) -> str:
        """Short name stored with each attempt (which terminal took it)."""
        ...

    def charge(self, request: ChargeRequest) -> TerminalResult: ...

    def query(self, attempt_id: uuid.UUID) -> TerminalResult:
        """What became of an order: the truth, or UNKNOWN if the terminal cannot say."""
        ...

    def reverse(self, attempt_id: uuid.UUID) -> TerminalResult:
        """Give back an order's money (or make sure it is never taken): REVERSED or
        NOT_FOUND when done; UNKNOWN when it could not be done now. Safe to repeat."""
        ...

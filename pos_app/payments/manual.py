"""A standalone terminal the till cannot talk to: the cashier confirms what it did.

The cashier keys the amount into the bank's own terminal, the customer pays, and the
terminal prints a slip; the cashier then confirms the approval at the till and types the
slip's reference. This works offline. The till cannot ask the terminal anything, so
`query` answers UNKNOWN (the cashier reads the slip and confirms), and `reverse` answers
REVERSED with what the cashier must do on the terminal itself.
"""

from __future__ import annotations

import re
import uuid
from typing import Final

from pos_app.payments.terminal import ChargeRequest, Outcome, TerminalResult

_REFERENCE: Final = re.compile(r"^[A-Za-z0-9-]{4,40}$")


class ManualTerminal:
    """The cashier's confirmation of a standalone card terminal's approval."""

    def __init__(self, name: str = "manual") -> None:
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    def charge(self, request: ChargeRequest) -> TerminalResult:
        reference = (request.confirmed_reference or "").strip()
        if not reference:
            return TerminalResult(
                Outcome.DECLINED,
                message="Not confirmed: take the payment on the card terminal, then confirm "
                "it here with the reference printed on its slip.",
            )
        if not _REFERENCE.match(reference):
            return TerminalResult(
                Outcome.DECLINED,
                message=f"{reference!r} does not look like a terminal reference "
                "(4-40 letters, digits or dashes): check the slip and type it again.",
            )
        return TerminalResult(Outcome.APPROVED, reference, "Approved on the card terminal.")

    def query(self, attempt_id: uuid.UUID) -> TerminalResult:
        return TerminalResult(
            Outcome.UNKNOWN,
            message="The till cannot ask a standalone terminal: check its slips for this "
            "amount and confirm whether it was approved.",
        )

    def reverse(self, attempt_id: uuid.UUID) -> TerminalResult:
        return TerminalResult(
            Outcome.REVERSED,
            message="Void this payment on the card terminal itself and keep its void slip.",
        )

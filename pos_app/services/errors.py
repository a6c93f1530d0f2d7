"""What a service refuses, and why, in words a cashier understands.

Every refusal is a `ServiceError`; its message is ready to show. The UI branches on the
class (ask for a supervisor's PIN on `NeedsApproval`, beep on `UnknownCode`…).

    ServiceError
    ├── NotEnrolled              the till has no identity or store settings yet
    ├── LoginFailed              wrong cashier number or PIN
    ├── LockedOut                too many wrong PINs: wait until `until`
    ├── NotLoggedIn              nobody is logged in at the till
    ├── NotPermitted             the role may not do this at all (no approval can help)
    ├── NeedsApproval            a supervisor or manager must approve (`action`, `required`)
    ├── ApprovalRefused          the approver's PIN or role does not allow it
    ├── NoOpenShift              open a shift first
    ├── ShiftError               the shift cannot be opened or closed now
    ├── ScanRefused              a scan that adds nothing
    │   ├── UnknownCode          no product, card, coupon or receipt has this code
    │   ├── InvalidCode          a malformed code (bad check digit, unreadable QR…)
    │   ├── PaymentCodeOutsideTender   a customer's payment code scanned while ringing
    │   ├── NotSellable          the product is inactive or has no price
    │   ├── NeedsWeight          a weighed product without a weight
    │   └── QuantityNotAllowed   `3 *` on a weighed item
    ├── BasketRefused            the basket cannot take this change (empty, being paid,
    │                            no such line, a parked basket that is gone…)
    ├── PaymentRefused           a tender that cannot be taken (amount, no terminal…)
    │   ├── PaymentDeclined      the bank or wallet said no; the basket is intact
    │   └── PaymentUnknown       no answer yet: ask again with `attempt_id`
    ├── NotFullyTendered         something is still to pay
    ├── SaleNotFound             no such receipt (in this shift, where it must be)
    └── VoidRefused              this sale cannot be voided (already voided, other shift)
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pos_core.money import Money
from pos_core.permissions import Action, Role


class ServiceError(Exception):
    """A refused action; `str(error)` is the message for the cashier."""


class NotEnrolled(ServiceError):
    pass


class LoginFailed(ServiceError):
    def __init__(self, message: str = "Wrong cashier number or PIN.") -> None:
        super().__init__(message)


class LockedOut(ServiceError):
    def __init__(self, until: datetime, local_text: str) -> None:
        super().__init__(
            f"Too many wrong PINs: this cashier is locked out until {local_text}. "
            "Ask a supervisor if it is urgent."
        )
        self.until = until


class NotLoggedIn(ServiceError):
    def __init__(self) -> None:
        super().__init__("Log in first.")


class NotPermitted(ServiceError):
    pass


class NeedsApproval(ServiceError):
    """The cashier's role may not do `action` alone: someone of `required` role approves."""

    def __init__(self, action: Action, required: Role, why: str = "") -> None:
        reason = f" ({why})" if why else ""
        super().__init__(
            f"This needs a {required.value}'s approval{reason}: ask them to enter their "
            "number and PIN."
        )
        self.action = action
        self.required = required


class ApprovalRefused(ServiceError):
    pass


class NoOpenShift(ServiceError):
    def __init__(self) -> None:
        super().__init__("No shift is open on this till: open a shift with a counted float.")


class ShiftError(ServiceError):
    pass


class ScanRefused(ServiceError):
    pass


class UnknownCode(ScanRefused):
    pass


class InvalidCode(ScanRefused):
    pass


class PaymentCodeOutsideTender(ScanRefused):
    def __init__(self) -> None:
        super().__init__(
            "That is a customer's payment code: it was not kept. Press Tender and scan it "
            "there to take the payment."
        )


class NotSellable(ScanRefused):
    pass


class NeedsWeight(ScanRefused):
    pass


class QuantityNotAllowed(ScanRefused):
    pass


class BasketRefused(ServiceError):
    pass


class PaymentRefused(ServiceError):
    pass


class PaymentDeclined(PaymentRefused):
    pass


class PaymentUnknown(PaymentRefused):
    """The terminal gave no answer: the attempt is kept and must be asked about again."""

    def __init__(self, attempt_id: uuid.UUID, amount: Money, message: str) -> None:
        super().__init__(
            f"The {amount} payment's outcome is not known yet ({message}). Do not take "
            "another payment: press Retry to ask the terminal again."
        )
        self.attempt_id = attempt_id
        self.amount = amount


class NotFullyTendered(ServiceError):
    def __init__(self, remaining: Money) -> None:
        super().__init__(f"{remaining} is still to pay.")
        self.remaining = remaining


class SaleNotFound(ServiceError):
    pass


class VoidRefused(ServiceError):
    pass

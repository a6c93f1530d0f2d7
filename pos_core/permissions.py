"""Who may do what at the till: one table of action → the least role that may act alone.

Roles are ranked: cashier < supervisor < manager < admin. A role at or above an action's
level acts alone; below it, someone of that level approves with their own PIN, and the
audit log records both people. Both the till and the server read this table.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Final


class Role(StrEnum):
    CASHIER = "cashier"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]


class _Rank(IntEnum):
    CASHIER = 1
    SUPERVISOR = 2
    MANAGER = 3
    ADMIN = 4


_RANK: Final = {
    Role.CASHIER: _Rank.CASHIER,
    Role.SUPERVISOR: _Rank.SUPERVISOR,
    Role.MANAGER: _Rank.MANAGER,
    Role.ADMIN: _Rank.ADMIN,
}


class Action(StrEnum):
    SELL = "sell"
    VOID_LINE = "void_line"  # within the grace period after the scan
    VOID_LINE_LATE = "void_line_late"  # after the grace period
    VOID_BASKET = "void_basket"
    SUSPEND_BASKET = "suspend_basket"
    PRICE_OVERRIDE = "price_override"  # above the store's threshold
    DISCOUNT_LARGE = "discount_large"  # a line or basket discount above the threshold
    VOID_AFTER_TENDER = "void_after_tender"
    RETURN_WITH_RECEIPT = "return_with_receipt"
    RETURN_WITHOUT_RECEIPT = "return_without_receipt"
    CASH_REFUND_FOR_CARD = "cash_refund_for_card"
    NO_SALE = "no_sale"
    REPRINT = "reprint"
    TRAINING_MODE = "training_mode"
    OPEN_SHIFT = "open_shift"
    CLOSE_SHIFT = "close_shift"
    X_REPORT = "x_report"
    SEE_EXPECTED_CASH = "see_expected_cash"  # breaks a blind close
    PAY_IN = "pay_in"
    PAY_OUT = "pay_out"
    SAFE_DROP = "safe_drop"
    ENROL_MEMBER = "enrol_member"
    REDEEM_POINTS = "redeem_points"
    STOCK_LOOKUP = "stock_lookup"
    STOCK_RECEIVE = "stock_receive"
    STOCK_COUNT = "stock_count"
    PICKUP_HANDOVER = "pickup_handover"
    CLOCK_OVERRIDE = "clock_override"  # open a shift with the clock beyond the allowed offset
    REENROL_TILL = "reenrol_till"
    EXPORT_OUTBOX = "export_outbox"
    VIEW_CONFLICTS = "view_conflicts"
    HARDWARE_CHECK = "hardware_check"


PERMISSIONS: Final[dict[Action, Role]] = {
    Action.SELL: Role.CASHIER,
    Action.VOID_LINE: Role.CASHIER,
    Action.VOID_LINE_LATE: Role.SUPERVISOR,
    Action.VOID_BASKET: Role.CASHIER,
    Action.SUSPEND_BASKET: Role.CASHIER,
    Action.PRICE_OVERRIDE: Role.SUPERVISOR,
    Action.DISCOUNT_LARGE: Role.SUPERVISOR,
    Action.VOID_AFTER_TENDER: Role.SUPERVISOR,
    Action.RETURN_WITH_RECEIPT: Role.CASHIER,
    Action.RETURN_WITHOUT_RECEIPT: Role.MANAGER,
    Action.CASH_REFUND_FOR_CARD: Role.SUPERVISOR,
    Action.NO_SALE: Role.SUPERVISOR,
    Action.REPRINT: Role.CASHIER,
    Action.TRAINING_MODE: Role.SUPERVISOR,
    Action.OPEN_SHIFT: Role.CASHIER,
    Action.CLOSE_SHIFT: Role.CASHIER,
    Action.X_REPORT: Role.CASHIER,
    Action.SEE_EXPECTED_CASH: Role.MANAGER,
    Action.PAY_IN: Role.CASHIER,
    Action.PAY_OUT: Role.SUPERVISOR,
    Action.SAFE_DROP: Role.CASHIER,
    Action.ENROL_MEMBER: Role.CASHIER,
    Action.REDEEM_POINTS: Role.CASHIER,
    Action.STOCK_LOOKUP: Role.CASHIER,
    Action.STOCK_RECEIVE: Role.SUPERVISOR,
    Action.STOCK_COUNT: Role.CASHIER,
    Action.PICKUP_HANDOVER: Role.CASHIER,
    Action.CLOCK_OVERRIDE: Role.MANAGER,
    Action.REENROL_TILL: Role.MANAGER,
    Action.EXPORT_OUTBOX: Role.MANAGER,
    Action.VIEW_CONFLICTS: Role.SUPERVISOR,
    Action.HARDWARE_CHECK: Role.SUPERVISOR,
}


def required_role(action: Action) -> Role:
    """The least role that may do `action` alone."""
    return PERMISSIONS[action]


def may_act_alone(role: Role, action: Action) -> bool:
    return role.rank >= PERMISSIONS[action].rank


def may_approve(approver: Role, action: Action) -> bool:
    """Whether someone of `approver`'s role may approve `action` for a lesser role."""
    return approver.rank >= max(PERMISSIONS[action].rank, Role.SUPERVISOR.rank)

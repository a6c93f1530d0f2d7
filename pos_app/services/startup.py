"""Starting the till: open it over its store, then settle whatever a crash left behind."""

from __future__ import annotations

from collections.abc import Mapping

from hardware.devices import CashDrawer, ReceiptPrinter
from pos_app.payments.terminal import PaymentTerminal
from pos_app.services.clock import Clock
from pos_app.services.devices import DeviceRunner
from pos_app.services.recovery import RecoveryReport, recover
from pos_app.services.till import Checkpoint, Till, open_till
from pos_app.store.db import Store
from pos_core.protocol.events import TenderKind


def start_till(
    store: Store,
    printer: ReceiptPrinter,
    drawer: CashDrawer,
    terminals: Mapping[TenderKind, PaymentTerminal] | None = None,
    *,
    clock: Clock | None = None,
    devices: DeviceRunner | None = None,
    checkpoint: Checkpoint | None = None,
) -> tuple[Till, RecoveryReport]:
    """The till ready to log in to: every payment attempt resolved where the terminal can
    say, every paid basket completed or reversed, and the print queue flushed."""
    till = open_till(
        store, printer, drawer, terminals, clock=clock, devices=devices, checkpoint=checkpoint
    )
    return till, recover(till)

"""A till in a process of its own, for the tests that kill it (not a test module).

    python till_process.py <dir> <barcode> <card amount or "all">

Opens the till database and gateway in <dir>, logs cashier 001 in, scans <barcode> and
pays by card. The moment the gateway has approved — before the till has recorded it — it
prints `APPROVED <attempt id>` and waits to be killed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hardware.devices import RecordingDrawer, RecordingPrinter
from pos_app.payments.simulated import SimulatedGateway
from pos_app.services import auth, payments, selling
from pos_app.services.till import open_till
from pos_app.store.db import open_store
from pos_core.money import Money
from pos_core.protocol.events import TenderKind


def main() -> None:
    folder, barcode, amount = Path(sys.argv[1]), sys.argv[2], sys.argv[3]

    def checkpoint(point: str, subject: str) -> None:
        if point == "payment.approved":
            print(f"APPROVED {subject}", flush=True)
            sys.stdin.read()  # killed here

    gateway = SimulatedGateway(folder / "gateway.db")
    till = open_till(
        open_store(folder / "till.db"),
        RecordingPrinter(),
        RecordingDrawer(),
        {TenderKind.CARD: gateway},
        checkpoint=checkpoint,
    )
    auth.log_in(till, "001", "1111")
    selling.scan(till, barcode)
    payments.pay_by_terminal(till, TenderKind.CARD, None if amount == "all" else Money.of(amount))
    print("NOT KILLED", flush=True)


if __name__ == "__main__":
    main()

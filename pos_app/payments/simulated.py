"""A simulated payment gateway that keeps its own books, like a real one.

Its orders live in a small SQLite file of their own (not the till's), written durably, so
they survive the till's process being killed: after a restart, `query` tells the truth
about every order it ever saw. Tests (and the demo) script what the next charges do:

    gateway = SimulatedGateway(tmp_path / "gateway.db")
    gateway.script(Behaviour.APPROVE_THEN_LOSE_ANSWER, Behaviour.DECLINE)

- APPROVE: the customer is charged and the till hears so;
- DECLINE: not charged;
- TIME_OUT: the order never reached the gateway; the till hears nothing (UNKNOWN) and
  `query` finds no such order;
- APPROVE_THEN_LOSE_ANSWER: the customer is charged but the answer is lost (UNKNOWN);
  `query` says approved.

`set_reachable(False)` makes every call answer UNKNOWN, as an unplugged network would.
A repeated charge of one order id never charges twice; reversing an order the gateway never
saw closes that id, so a late duplicate cannot charge it afterwards. The payment code a
wallet charge carries is checked for presence and then dropped: never stored.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pos_app.payments.terminal import ChargeRequest, Outcome, TerminalResult
from pos_core.money import Money
from pos_core.protocol.events import TenderKind


class Behaviour(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"
    TIME_OUT = "time_out"
    APPROVE_THEN_LOSE_ANSWER = "approve_then_lose_answer"


@dataclass(frozen=True, slots=True)
class GatewayOrder:
    order_id: uuid.UUID
    kind: TenderKind
    amount: Money
    state: str  # approved | declined | reversed | closed
    reference: str | None


_SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    state TEXT NOT NULL,
    reference TEXT
);
CREATE TABLE IF NOT EXISTS script (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    behaviour TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_WALLETS = frozenset({TenderKind.WECHAT, TenderKind.ALIPAY})
_NO_ANSWER = "No answer from the payment gateway in time: the outcome is not known yet."
_UNREACHABLE = "The payment gateway cannot be reached: the outcome is not known yet."


class SimulatedGateway:
    """A scriptable card and wallet gateway with durable books."""

    def __init__(self, path: Path | str, name: str = "simulated") -> None:
        self.path = Path(path)
        self._name = name
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(_SCHEMA)
        finally:
            conn.close()

    @property
    def name(self) -> str:
        return self._name

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        # A connection per call: safe across threads and across fork().
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    # --- scripting (tests, demo) -----------------------------------------------------------
    def script(self, *behaviours: Behaviour) -> None:
        """Queue what the next charges do, in order; after the queue, charges approve."""
        with self._db() as db:
            db.executemany(
                "INSERT INTO script (behaviour) VALUES (?)", [(b.value,) for b in behaviours]
            )

    def set_reachable(self, reachable: bool) -> None:
        with self._db() as db:
            db.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES ('reachable', ?)",
                ("yes" if reachable else "no",),
            )

    def orders(self) -> list[GatewayOrder]:
        """Every order the gateway holds, oldest first."""
        with self._db() as db:
            rows = db.execute(
                "SELECT order_id, kind, amount_fen, state, reference FROM orders ORDER BY rowid"
            ).fetchall()
        return [
            GatewayOrder(uuid.UUID(o), TenderKind(k), Money.from_minor(a), s, r)
            for o, k, a, s, r in rows
        ]

    def charged(self) -> Money:
        """What customers are charged now: approved orders, reversals deducted."""
        return sum((o.amount for o in self.orders() if o.state == "approved"), Money.zero())

    # --- the gateway -----------------------------------------------------------------------
    @staticmethod
    def _reachable(db: sqlite3.Connection) -> bool:
        row = db.execute("SELECT value FROM settings WHERE key = 'reachable'").fetchone()
        return row is None or row[0] == "yes"

    @staticmethod
    def _reference(db: sqlite3.Connection) -> str:
        row = db.execute("SELECT value FROM settings WHERE key = 'next_reference'").fetchone()
        number = 1 if row is None else int(row[0])
        db.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('next_reference', ?)",
            (str(number + 1),),
        )
        return f"SIM{number:010d}"

    @staticmethod
    def _result(state: str, reference: str | None) -> TerminalResult:
        if state == "approved":
            return TerminalResult(Outcome.APPROVED, reference, "Approved.")
        if state == "reversed":
            return TerminalResult(Outcome.REVERSED, reference, "Reversed: the money went back.")
        if state == "closed":
            return TerminalResult(Outcome.NOT_FOUND, None, "The order was closed unpaid.")
        return TerminalResult(Outcome.DECLINED, None, "Declined by the bank.")

    def charge(self, request: ChargeRequest) -> TerminalResult:
        order = str(request.attempt_id)
        with self._db() as db:
            if not self._reachable(db):
                return TerminalResult(Outcome.UNKNOWN, message=_UNREACHABLE)
            known = db.execute(
                "SELECT state, reference FROM orders WHERE order_id = ?", (order,)
            ).fetchone()
            if known is not None:
                state, reference = known
                if state == "closed":
                    return TerminalResult(Outcome.DECLINED, None, "The order was closed.")
                return self._result(state, reference)
            if request.kind in _WALLETS and not request.payment_code:
                return TerminalResult(
                    Outcome.DECLINED, message="Scan the customer's payment code to pay by wallet."
                )
            step = db.execute(
                "SELECT position, behaviour FROM script ORDER BY position LIMIT 1"
            ).fetchone()
            behaviour = Behaviour.APPROVE
            if step is not None:
                db.execute("DELETE FROM script WHERE position = ?", (step[0],))
                behaviour = Behaviour(step[1])
            if behaviour is Behaviour.TIME_OUT:
                return TerminalResult(Outcome.UNKNOWN, message=_NO_ANSWER)
            approved = behaviour in (Behaviour.APPROVE, Behaviour.APPROVE_THEN_LOSE_ANSWER)
            reference = self._reference(db) if approved else None
            db.execute(
                "INSERT INTO orders (order_id, kind, amount_fen, state, reference) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    order,
                    request.kind.value,
                    request.amount.minor,
                    "approved" if approved else "declined",
                    reference,
                ),
            )
        if behaviour is Behaviour.APPROVE_THEN_LOSE_ANSWER:
            return TerminalResult(Outcome.UNKNOWN, message=_NO_ANSWER)
        if approved:
            return TerminalResult(Outcome.APPROVED, reference, "Approved.")
        return TerminalResult(Outcome.DECLINED, None, "Declined by the bank.")

    def query(self, attempt_id: uuid.UUID) -> TerminalResult:
        with self._db() as db:
            if not self._reachable(db):
                return TerminalResult(Outcome.UNKNOWN, message=_UNREACHABLE)
            row = db.execute(
                "SELECT state, reference FROM orders WHERE order_id = ?", (str(attempt_id),)
            ).fetchone()
        if row is None:
            return TerminalResult(Outcome.NOT_FOUND, None, "The gateway never received it.")
        return self._result(row[0], row[1])

    def reverse(self, attempt_id: uuid.UUID) -> TerminalResult:
        order = str(attempt_id)
        with self._db() as db:
            if not self._reachable(db):
                return TerminalResult(Outcome.UNKNOWN, message=_UNREACHABLE)
            row = db.execute(
                "SELECT state, reference FROM orders WHERE order_id = ?", (order,)
            ).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO orders (order_id, kind, amount_fen, state, reference) "
                    "VALUES (?, 'card', 0, 'closed', NULL)",
                    (order,),
                )
                return TerminalResult(Outcome.NOT_FOUND, None, "Nothing was taken.")
            state, reference = row
            if state == "approved":
                db.execute("UPDATE orders SET state = 'reversed' WHERE order_id = ?", (order,))
                return TerminalResult(Outcome.REVERSED, reference, "Reversed: the money went back.")
            if state == "reversed":
                return TerminalResult(Outcome.REVERSED, reference, "Already reversed.")
            return TerminalResult(Outcome.NOT_FOUND, None, "Nothing was taken.")

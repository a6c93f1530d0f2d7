"""The till as the services see it: its database, clock, devices and who is at it.

`Till` is the composition the UI builds once (`pos_app/app.py`) and hands to every service
call. It holds no session: each call opens its own transaction, so calls may come from a
worker thread. What lives only in memory is the till's state — the cashier logged in, the
open shift, the basket being rung up, training mode — guarded by `lock`, which every service
that reads or changes it holds for the whole call.

`StoreContext` is the store as the till reads it from its replica: identity, settings, scan
configuration, tax rates, time zone. It is re-read each call (two primary-key reads) and
rebuilt only when the settings changed, so a pulled settings change applies to the next scan.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from hardware.devices import CashDrawer, ReceiptPrinter
from pos_app.payments.terminal import PaymentTerminal
from pos_app.services.clock import Clock, SystemClock
from pos_app.services.devices import DeviceRunner, InlineDevices
from pos_app.services.errors import (
    BasketRefused,
    NoOpenShift,
    NotEnrolled,
    NotLoggedIn,
    PaymentRefused,
)
from pos_app.store.db import Store
from pos_app.store.documents import Shift
from pos_app.store.replica import StoreSettings
from pos_app.store.sync import TillIdentity
from pos_core.basket import Basket, new_basket
from pos_core.ids import new_id
from pos_core.money import CashRoundingMode
from pos_core.permissions import Role
from pos_core.protocol.events import TenderKind
from pos_core.protocol.rows import StoreSettingsRow
from pos_core.receipts import StoreLines
from pos_core.scan import ScanConfig
from pos_core.store_settings import scan_config
from pos_core.tax import TaxMode, TaxRate

Checkpoint = Callable[[str, str], None]
"""Called at named points of a flow (point, subject id) — the crash tests kill there."""


@dataclass(frozen=True, slots=True)
class StoreContext:
    store_id: uuid.UUID
    store_code: str
    store_name: str
    till_number: int
    device_id: uuid.UUID
    settings: StoreSettingsRow
    scan_config: ScanConfig
    tax_rates: Mapping[str, TaxRate]
    zone: ZoneInfo

    @property
    def tax_mode(self) -> TaxMode:
        return TaxMode.INCLUSIVE if self.settings.prices_include_tax else TaxMode.EXCLUSIVE

    @property
    def rounding_mode(self) -> CashRoundingMode:
        return self.settings.cash_rounding

    @property
    def rounding_step(self) -> Decimal:
        return self.settings.cash_rounding_step

    @property
    def store_lines(self) -> StoreLines:
        return StoreLines(
            header=tuple(self.settings.receipt_header) or (self.store_name,),
            footer=tuple(self.settings.receipt_footer),
            invoice_url=self.settings.invoice_url,
        )

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def local_text(self, moment: datetime) -> str:
        return self.local(moment).strftime("%Y-%m-%d %H:%M:%S")

    def local_date(self, moment: datetime) -> date:
        return self.local(moment).date()


def _build_context(
    device_id: uuid.UUID,
    store_id: uuid.UUID,
    store_code: str,
    store_name: str,
    till_number: int,
    data: dict[str, object],
) -> StoreContext:
    settings = StoreSettingsRow.model_validate(data)
    return StoreContext(
        store_id=store_id,
        store_code=store_code,
        store_name=settings.name or store_name,
        till_number=till_number,
        device_id=device_id,
        settings=settings,
        scan_config=scan_config(settings),
        tax_rates={r.code: TaxRate(r.code, r.rate) for r in settings.tax_rates},
        zone=ZoneInfo(settings.time_zone),
    )


@dataclass(frozen=True, slots=True)
class CashierOnDuty:
    id: uuid.UUID
    number: str
    name: str
    role: Role

    @property
    def label(self) -> str:
        return f"{self.name} ({self.number})"


@dataclass
class TillState:
    cashier: CashierOnDuty | None = None
    shift_id: uuid.UUID | None = None
    basket: Basket | None = None
    training: bool = False
    unresolved_attempt: uuid.UUID | None = None  # a payment of the basket with no answer yet


@dataclass
class Till:
    """Everything a service call needs; built once by the app, shared by its workers."""

    store: Store
    printer: ReceiptPrinter
    drawer: CashDrawer
    terminals: Mapping[TenderKind, PaymentTerminal] = field(default_factory=dict)
    clock: Clock = field(default_factory=SystemClock)
    devices: DeviceRunner = field(default_factory=InlineDevices)
    checkpoint: Checkpoint | None = None
    state: TillState = field(default_factory=TillState)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    print_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _context: tuple[tuple[object, ...], StoreContext] | None = field(default=None, repr=False)

    def now(self) -> datetime:
        """The time now, in UTC (documents and events carry UTC; the store's zone is for
        business days and for what people read)."""
        moment = self.clock.now()
        if moment.tzinfo is None:
            raise ValueError("the till's clock gave a time without a time zone")
        return moment.astimezone(UTC)

    def mark(self, point: str, subject: object = "") -> None:
        if self.checkpoint is not None:
            self.checkpoint(point, str(subject))

    def context(self, session: Session) -> StoreContext:
        """The store as the replica has it now (rebuilt only when the settings changed)."""
        row = session.execute(
            select(
                TillIdentity.device_id,
                TillIdentity.store_id,
                TillIdentity.store_code,
                TillIdentity.store_name,
                TillIdentity.till_number,
                type_coerce(StoreSettings.data, Text),  # the stored text, compared as is
            )
            .outerjoin(StoreSettings, StoreSettings.store_id == TillIdentity.store_id)
            .where(TillIdentity.id == 1)
        ).first()
        if row is None:
            raise NotEnrolled("This till is not enrolled with a store yet: a manager enrols it.")
        if row[5] is None:
            raise NotEnrolled(
                "This till has not received its store's settings yet: connect it to the "
                "server once."
            )
        key = tuple(row)
        cached = self._context
        if cached is not None and cached[0] == key:
            return cached[1]
        context = _build_context(*row[:5], json.loads(row[5]))
        self._context = (key, context)
        return context

    def business_date(self, session: Session, context: StoreContext, moment: datetime) -> date:
        """The open shift's business day (a shift may cross midnight), else today's date in
        the store's time zone."""
        if self.state.shift_id is not None:
            day = session.execute(
                select(Shift.business_date).where(Shift.id == self.state.shift_id)
            ).scalar()
            if day is not None:
                return day
        return context.local_date(moment)

    def terminal(self, kind: TenderKind) -> PaymentTerminal:
        terminal = self.terminals.get(kind)
        if terminal is None:
            raise PaymentRefused(f"No terminal is set up for {kind.value} on this till.")
        return terminal

    # --- guards every selling call uses -----------------------------------------------------
    def cashier(self) -> CashierOnDuty:
        if self.state.cashier is None:
            raise NotLoggedIn()
        return self.state.cashier

    def shift_id(self) -> uuid.UUID:
        self.cashier()
        if self.state.shift_id is None:
            raise NoOpenShift()
        return self.state.shift_id

    def basket(self) -> Basket:
        """The basket being rung up (a fresh one if none)."""
        if self.state.basket is None:
            self.state.basket = new_basket(new_id(), self.now())
        return self.state.basket

    def editable_basket(self, change: str) -> Basket:
        """The basket, if its goods may still change: not once a tender is taken, nor while
        a payment's outcome is unknown (its amount was the total then)."""
        basket = self.basket()
        if basket.being_paid or self.state.unresolved_attempt is not None:
            raise BasketRefused(
                f"The basket is being paid: cannot {change} now. Finish the payment or void "
                "the basket."
            )
        return basket


def open_till(
    store: Store,
    printer: ReceiptPrinter,
    drawer: CashDrawer,
    terminals: Mapping[TenderKind, PaymentTerminal] | None = None,
    *,
    clock: Clock | None = None,
    devices: DeviceRunner | None = None,
    checkpoint: Checkpoint | None = None,
) -> Till:
    """The till over an opened store: checks it is enrolled and picks up its open shift.
    Nobody is logged in until someone logs in; call `payments.recover` next."""
    till = Till(
        store=store,
        printer=printer,
        drawer=drawer,
        terminals=dict(terminals or {}),
        clock=clock or SystemClock(),
        devices=devices or InlineDevices(),
        checkpoint=checkpoint,
    )
    with store.read() as session:
        till.context(session)
        till.state.shift_id = session.execute(
            select(Shift.id).where(Shift.status == "open").order_by(Shift.opened_at.desc())
        ).scalar()
    return till

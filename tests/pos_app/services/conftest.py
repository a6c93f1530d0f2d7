"""A small shop for the service tests: a real till database, seeded as if pulled.

The products are the golden baskets' (tests/pos_core/test_basket_golden.py), so their
prices are the ones the golden figures were worked out from, plus a few awkward ones. Rows
enter the replica through `apply_changes`, the path a pull takes; the till's identity is
written as enrolment would. PINs are hashed cheaply (scrypt n=16) to keep the tests fast;
the cost is read from each hash, so log-in checks them the same way.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hardware.devices import RecordingDrawer, RecordingPrinter
from pos_app.payments.simulated import SimulatedGateway
from pos_app.payments.terminal import PaymentTerminal
from pos_app.services import auth, shifts
from pos_app.services.auth import Approval
from pos_app.services.clock import SettableClock
from pos_app.services.till import Till, open_till
from pos_app.store.apply import apply_changes
from pos_app.store.db import Store, open_store
from pos_app.store.sync import TillIdentity
from pos_core.demo_data import priced_barcode, weighed_barcode
from pos_core.permissions import Role
from pos_core.pins import hash_pin
from pos_core.protocol.events import DenominationCount, TenderKind
from pos_core.protocol.messages import ChangeOp, Entity
from pos_core.protocol.rows import StoreSettingsRow, TaxRateRow


def _load_golden() -> ModuleType:
    if "golden_baskets" in sys.modules:
        return sys.modules["golden_baskets"]
    path = Path(__file__).resolve().parents[2] / "pos_core" / "test_basket_golden.py"
    spec = importlib.util.spec_from_file_location("golden_baskets", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["golden_baskets"] = module
    spec.loader.exec_module(module)
    return module


golden = _load_golden()

SHANGHAI = timezone(timedelta(hours=8))
OPENING = datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI)
STORE_ID = uuid.UUID("0195a000-0000-7000-8000-000000000001")
OTHER_STORE = uuid.UUID("0195a000-0000-7000-8000-000000000002")


@dataclass(frozen=True)
class Staff:
    number: str
    name: str
    role: Role
    pin: str

    @property
    def id(self) -> uuid.UUID:
        return uuid.uuid5(uuid.NAMESPACE_OID, f"cashier:{self.number}")

    @property
    def approval(self) -> Approval:
        return Approval(self.number, self.pin)


CASHIER = Staff("001", "李娜", Role.CASHIER, "1111")
CASHIER_2 = Staff("002", "张伟", Role.CASHIER, "1212")
SUPERVISOR = Staff("801", "王强", Role.SUPERVISOR, "2222")
MANAGER = Staff("901", "刘洋", Role.MANAGER, "9999")
STAFF = (CASHIER, CASHIER_2, SUPERVISOR, MANAGER)


def product_id(key: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_OID, golden.PRODUCTS[key].code)


def code(key: str) -> str:
    """What the scanner reads for a packaged product: its EAN-13."""
    gtin = golden.PRODUCTS[key].gtin
    assert gtin is not None
    return str(gtin)


def label(key: str, kg: str) -> str:
    """A scale's weight label (2x) for a weighed product."""
    return weighed_barcode(golden.PRODUCTS[key].item_ref, Decimal(kg))


def price_label(key: str, price: str) -> str:
    return priced_barcode(golden.PRODUCTS[key].item_ref, Decimal(price))


def float_count(amount: int = 500) -> list[DenominationCount]:
    return [DenominationCount(denomination=Decimal(100), count=amount // 100)]


def upsert(entity: Entity, key: str, data: dict[str, Any]) -> tuple[Entity, str, ChangeOp, Any]:
    return entity, key, ChangeOp.UPSERT, data


def price_row(key: str, price: str, start: datetime, store: uuid.UUID | None = None) -> Any:
    row_id = uuid.uuid5(uuid.NAMESPACE_OID, f"price:{key}:{price}:{start.isoformat()}:{store}")
    return upsert(
        Entity.PRICE,
        str(row_id),
        {
            "id": str(row_id),
            "product_id": str(product_id(key)),
            "store_id": None if store is None else str(store),
            "price": price,
            "effective_from": start.isoformat(),
        },
    )


def settings_row(**changes: Any) -> StoreSettingsRow:
    base = StoreSettingsRow(
        store_id=STORE_ID,
        code="S001",
        name="上海南京西路店",
        tax_rates=[
            TaxRateRow(code="VAT13", rate=Decimal("0.13")),
            TaxRateRow(code="VAT9", rate=Decimal("0.09")),
            TaxRateRow(code="VAT0", rate=Decimal("0")),
        ],
        receipt_header=["OmniTill 优选超市", "上海南京西路店"],
        receipt_footer=["谢谢惠顾，欢迎再次光临！"],
    )
    return base.model_copy(update=changes)


def catalog_changes() -> list[Any]:
    epoch = datetime(2026, 1, 1, tzinfo=SHANGHAI)
    changes = []
    for key, product in golden.PRODUCTS.items():
        pid = str(product_id(key))
        changes.append(
            upsert(
                Entity.PRODUCT,
                pid,
                {
                    "id": pid,
                    "code": product.code,
                    "name": product.name,
                    "unit": "kg" if product.item_ref else "pcs",
                    "item_ref": product.item_ref,
                    "tax_code": product.tax,
                },
            )
        )
        if product.gtin:
            key14 = product.gtin.zfill(14)
            changes.append(upsert(Entity.BARCODE, key14, {"gtin": key14, "product_id": pid}))
        changes.append(price_row(key, product.price, epoch))
    for key, name, active in (("GONE", "停售商品", False), ("UNPRICED", "未定价商品", True)):
        pid = str(uuid.uuid5(uuid.NAMESPACE_OID, key))
        changes.append(
            upsert(
                Entity.PRODUCT,
                pid,
                {
                    "id": pid,
                    "code": key,
                    "name": name,
                    "tax_code": "VAT13",
                    "active": active,
                },
            )
        )
    gone_price = str(uuid.uuid5(uuid.NAMESPACE_OID, "GONE:price"))
    changes.append(
        upsert(
            Entity.PRICE,
            gone_price,
            {
                "id": gone_price,
                "product_id": str(uuid.uuid5(uuid.NAMESPACE_OID, "GONE")),
                "price": "1.00",
                "effective_from": epoch.isoformat(),
            },
        )
    )
    for staff in STAFF:
        changes.append(
            upsert(
                Entity.CASHIER,
                str(staff.id),
                {
                    "id": str(staff.id),
                    "number": staff.number,
                    "name": staff.name,
                    "role": staff.role.value,
                    "pin_hash": hash_pin(staff.pin, log2_n=4),
                },
            )
        )
    return changes


@dataclass
class Shop:
    """One store's till database with its devices and a scriptable gateway."""

    path: Path
    store: Store
    clock: SettableClock
    gateway: SimulatedGateway
    printer: RecordingPrinter = field(default_factory=RecordingPrinter)
    drawer: RecordingDrawer = field(default_factory=RecordingDrawer)

    @property
    def terminals(self) -> dict[TenderKind, PaymentTerminal]:
        return {
            TenderKind.CARD: self.gateway,
            TenderKind.WECHAT: self.gateway,
            TenderKind.ALIPAY: self.gateway,
        }

    def till(self, **extra: Any) -> Till:
        return open_till(
            self.store,
            self.printer,
            self.drawer,
            extra.pop("terminals", self.terminals),
            clock=self.clock,
            **extra,
        )

    def pull(self, *changes: Any) -> None:
        """Rows arriving as a pull page would bring them."""
        with self.store.write() as session:
            apply_changes(session, list(changes))

    def settings(self, **changes: Any) -> None:
        row = settings_row(**changes)
        self.pull(upsert(Entity.STORE_SETTINGS, str(STORE_ID), row.model_dump(mode="json")))

    def reopen(self) -> None:
        """Close and open the database again, as a restarted till would."""
        self.store.close()
        self.store = open_store(self.path)


_TEMPLATE: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def _template_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    _TEMPLATE_DIR.append(tmp_path_factory.mktemp("template"))


_TEMPLATE_DIR: list[Path] = []


def _template() -> Path:
    """A migrated, seeded till database, built once per test session and copied for each
    test (copying a file is much faster than migrating and seeding again)."""
    if not _TEMPLATE:
        path = _TEMPLATE_DIR[-1] / "till.db"
        store = open_store(path)
        with store.write() as session:
            session.add(
                TillIdentity(
                    device_id=uuid.UUID("0195a000-0000-7000-8000-00000000d001"),
                    token="enrolled",
                    server_url="https://omnitill.example.cn",
                    store_id=STORE_ID,
                    store_code="S001",
                    store_name="上海南京西路店",
                    till_number=2,
                    enrolled_at=datetime(2026, 11, 1, tzinfo=UTC),
                )
            )
            apply_changes(session, catalog_changes())
        store.close()
        _TEMPLATE.append(path)
    return _TEMPLATE[0]


def make_shop(tmp_path: Path, **settings: Any) -> Shop:
    path = tmp_path / "till.db"
    template = _template()
    for suffix in ("", "-wal"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{path}{suffix}")
    store = open_store(path)
    shop = Shop(path, store, SettableClock(OPENING), SimulatedGateway(tmp_path / "gateway.db"))
    shop.settings(**settings)
    return shop


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    made = make_shop(tmp_path)
    yield made
    made.store.close()


def ready(shop: Shop, staff: Staff = CASHIER, **extra: Any) -> Till:
    """A till with `staff` logged in and a shift open on a 500.00 float."""
    till = shop.till(**extra)
    auth.log_in(till, staff.number, staff.pin)
    if till.state.shift_id is None:
        shifts.open_shift(till, float_count())
    return till


@pytest.fixture
def till(shop: Shop) -> Till:
    return ready(shop)


@pytest.fixture(scope="session")
def kit() -> ModuleType:
    """This module: the shop's helpers and people, for the tests to use by name."""
    return sys.modules[__name__]

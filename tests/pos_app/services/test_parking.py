from datetime import datetime, timedelta

import pytest

from pos_app.services import auth, parking, payments, reports, selling, shifts
from pos_app.services.errors import BasketRefused
from pos_app.store.documents import Sale
from pos_core.money import Money


def names(till):
    return [line.name for line in selling.current(till).lines]


def test_several_baskets_park_and_come_back(till, kit):
    selling.scan(till, kit.code("WINE"))
    first = parking.suspend(till, "穿红衣服的顾客")
    assert names(till) == []
    selling.scan(till, kit.code("MILK"), quantity=2)
    second = parking.suspend(till)
    selling.scan(till, kit.code("COLA"))
    parked = parking.parked(till)
    assert [(p.label, p.line_count, str(p.total)) for p in parked] == [
        ("穿红衣服的顾客", 1, "168.00"),
        ("", 1, "7.00"),
    ]
    with pytest.raises(BasketRefused, match="Suspend or finish"):
        parking.resume(till, first.basket_id)
    payments.tender_cash(till, Money.of("3.00"))
    view = parking.resume(till, first.basket_id)
    assert [line.name for line in view.lines] == ["长城 干红葡萄酒 750ml"]
    payments.tender_cash(till, Money.of("200.00"))
    with pytest.raises(BasketRefused, match="no longer parked"):
        parking.resume(till, first.basket_id)
    parking.resume(till, second.basket_id)
    done = payments.tender_cash(till, Money.of("10.00")).completed
    assert str(done.change) == "3.00"
    assert parking.parked(till) == []


def test_what_cannot_be_parked(till, kit):
    with pytest.raises(BasketRefused, match="empty"):
        parking.suspend(till)
    selling.scan(till, kit.code("WINE"))
    payments.tender_cash(till, Money.of("50.00"))
    with pytest.raises(BasketRefused, match="being paid"):
        parking.suspend(till)


def test_a_parked_basket_survives_a_restart_and_a_new_shift_at_new_prices(shop, kit):
    till = kit.ready(shop)
    selling.scan(till, kit.code("COLA"), quantity=2)
    parked = parking.suspend(till, "明天来取")
    reports.close_shift(till, kit.float_count())
    shop.reopen()
    tomorrow = datetime(2026, 11, 23, 9, 0, tzinfo=kit.SHANGHAI)
    shop.pull(kit.price_row("COLA", "3.20", tomorrow - timedelta(hours=1)))
    shop.clock.set(tomorrow)
    till = shop.till()
    auth.log_in(till, "002", "1212")
    shifts.open_shift(till, kit.float_count())
    assert [p.label for p in parking.parked(till)] == ["明天来取"]
    parking.resume(till, parked.basket_id)
    result = payments.tender_cash(till, Money.of("10.00"))
    assert result.repriced == ("可口可乐 330ml",)
    assert str(result.completed.total_due) == "6.40"
    with shop.store.read() as session:
        sale = session.get(Sale, result.completed.sale_id)
        assert (sale.shift_id, str(sale.business_date)) == (till.state.shift_id, "2026-11-23")
        assert sale.cashier_id == kit.CASHIER_2.id

import threading

import pytest
from sqlalchemy import select

from hardware.devices import RecordingPrinter
from hardware.errors import DeviceOffline, DeviceTimeout, PaperOut
from pos_app.services import payments, print_queue, selling
from pos_app.services.devices import BackgroundDevices
from pos_app.services.errors import ServiceError
from pos_app.services.startup import start_till
from pos_app.store.documents import Sale
from pos_app.store.queues import PrintJob
from pos_core.money import Money


def sell_bread(till, kit):
    selling.scan(till, kit.code("BREAD"))
    return payments.tender_cash(till, Money.of("10.00")).completed


def job_of(shop, sale_id):
    with shop.store.read() as session:
        return session.execute(select(PrintJob).where(PrintJob.document_id == sale_id)).scalar_one()


def test_a_printer_that_is_off_never_fails_the_sale_and_prints_once_when_back(shop, till, kit):
    shop.printer.fail_with = DeviceOffline("printer at 127.0.0.1:9100 refused the connection")
    sale = sell_bread(till, kit)
    assert (sale.printed, sale.receipt_no) == (False, "S001-02-000001")
    assert "refused the connection" in sale.device_message
    with shop.store.read() as session:
        assert session.get(Sale, sale.sale_id).status == "completed"
    job = job_of(shop, sale.sale_id)
    assert (job.status, job.may_have_printed) == ("failed", False)  # nothing reached it
    assert [j.id for j in print_queue.jobs(till)] == [job.id]
    shop.printer.fail_with = None
    (outcome,) = print_queue.print_pending(till)
    assert (outcome.printed, outcome.as_copy) == (True, False)
    assert [d.reprint for d in shop.printer.printed] == [False]
    assert print_queue.print_pending(till) == []


@pytest.mark.parametrize(
    "failure",
    [
        DeviceTimeout("no answer after the job was sent", may_have_printed=True),
        PaperOut("paper ran out during the job", may_have_printed=True),
    ],
)
def test_a_job_that_may_have_printed_is_retried_as_a_copy(shop, till, kit, failure):
    shop.printer.fail_with = failure
    sale = sell_bread(till, kit)
    job = job_of(shop, sale.sale_id)
    assert (job.status, job.may_have_printed) == ("failed", True)
    shop.printer.fail_with = None
    outcome = print_queue.print_job(till, job.id)
    assert (outcome.printed, outcome.as_copy) == (True, True)
    assert [d.reprint for d in shop.printer.printed] == [True]


def test_paper_out_before_the_job_leaves_the_original_to_print(shop, till, kit):
    # The driver knows no byte left: the customer's receipt, when paper is back, is no COPY.
    shop.printer.fail_with = PaperOut("out of paper before the job")
    sale = sell_bread(till, kit)
    job = job_of(shop, sale.sale_id)
    assert (job.status, job.may_have_printed) == ("failed", False)
    shop.printer.fail_with = None
    outcome = print_queue.print_job(till, job.id)
    assert (outcome.printed, outcome.as_copy) == (True, False)
    assert [d.reprint for d in shop.printer.printed] == [False]


def test_a_till_that_died_while_printing_prints_the_receipt_as_a_copy(shop, kit):
    def die_while_printing(point, subject):
        if point == "print.sending":
            raise KeyboardInterrupt  # the process stops here, bytes maybe sent

    till = kit.ready(shop, checkpoint=die_while_printing)
    with pytest.raises(KeyboardInterrupt):
        sell_bread(till, kit)
    shop.reopen()
    _, report = start_till(shop.store, shop.printer, shop.drawer, clock=shop.clock)
    assert [(o.printed, o.as_copy) for o in report.printed] == [(True, True)]
    assert [d.reprint for d in shop.printer.printed] == [True]


def test_cancelling_jobs(shop, till, kit):
    shop.printer.fail_with = DeviceOffline("off")
    sale = sell_bread(till, kit)
    job = job_of(shop, sale.sale_id)
    print_queue.cancel(till, job.id)
    assert print_queue.jobs(till) == []
    shop.printer.fail_with = None
    assert print_queue.print_pending(till) == []
    sale = sell_bread(till, kit)
    with pytest.raises(ServiceError, match="printed already"):
        print_queue.cancel(till, job_of(shop, sale.sale_id).id)


class SlowPrinter(RecordingPrinter):
    def __init__(self):
        super().__init__()
        self.release = threading.Event()

    def print_document(self, document):
        assert self.release.wait(10)
        super().print_document(document)


def test_a_slow_printer_never_delays_the_sale(shop, kit):
    devices = BackgroundDevices()
    shop.printer = SlowPrinter()
    try:
        till = kit.ready(shop, devices=devices)
        sale = sell_bread(till, kit)  # returns while the printer still holds the receipt
        assert (sale.printed, sale.drawer_opened) == (None, None)
        assert shop.printer.printed == []
        selling.scan(till, kit.code("COLA"))  # the next customer is served meanwhile
        shop.printer.release.set()
        devices.wait_idle()
        assert [d.id for d in shop.printer.printed] == [sale.sale_id]
        assert shop.drawer.kicks == 1
    finally:
        shop.printer.release.set()
        devices.close()

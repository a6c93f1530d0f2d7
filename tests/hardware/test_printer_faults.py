"""A printer that is off, out of paper, open, silent, or drops the line: every failure is a
HardwareError subclass, and `may_have_printed` says whether a byte of the job got out."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from hardware.devices import DeviceState, ReceiptPrinter
from hardware.emulator import PaperState, PrinterEmulator
from hardware.errors import ConnectionLost, CoverOpen, DeviceOffline, DeviceTimeout, PaperOut
from hardware.printer import EscPosPrinter
from hardware.sample_receipt import sample_receipt

NetworkPrinter = Callable[..., EscPosPrinter]  # the conftest's `network_printer` fixture


def test_the_network_printer_is_a_receipt_printer(network_printer: NetworkPrinter) -> None:
    assert isinstance(network_printer(), ReceiptPrinter)


def test_a_printer_that_is_off_refuses_and_nothing_was_printed(
    emulator: PrinterEmulator, network_printer: NetworkPrinter
) -> None:
    printer = network_printer()
    emulator.go_offline()
    with pytest.raises(DeviceOffline, match="refused the connection") as raised:
        printer.print_document(sample_receipt())
    assert raised.value.may_have_printed is False
    assert printer.status().state is DeviceState.OFFLINE
    emulator.go_online()
    assert printer.status().state is DeviceState.READY
    printer.print_document(sample_receipt())
    assert len(emulator.wait_for_jobs(1)) == 1


def test_paper_out_is_reported_before_a_byte_of_the_job_is_sent(
    emulator: PrinterEmulator, network_printer: NetworkPrinter
) -> None:
    printer = network_printer()
    emulator.paper = PaperState.OUT
    with pytest.raises(PaperOut) as raised:
        printer.print_document(sample_receipt())
    assert raised.value.may_have_printed is False
    # DLE EOT 1 (stopped), then 2 and 4 to say why: no job byte
    assert emulator.jobs == []
    assert bytes(emulator.received) == b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"
    status = printer.status()
    assert status.state is DeviceState.PAPER_OUT
    assert "out of paper" in status.detail
    emulator.paper = PaperState.NEAR_END
    assert printer.status().detail.endswith("ready, paper low")
    printer.print_document(sample_receipt())  # near the end still prints
    assert emulator.wait_for_jobs(1)[0].cut


def test_an_open_cover_is_reported(
    emulator: PrinterEmulator, network_printer: NetworkPrinter
) -> None:
    printer = network_printer()
    emulator.cover_open = True
    with pytest.raises(CoverOpen, match="cover open"):
        printer.print_document(sample_receipt())
    status = printer.status()
    assert (status.state, status.detail.endswith("cover open")) == (DeviceState.ERROR, True)


def test_a_connection_dropped_after_the_whole_job_may_have_printed(
    emulator: PrinterEmulator, network_printer: NetworkPrinter
) -> None:
    printer = network_printer()
    emulator.drop_next(after_job=True)
    with pytest.raises(ConnectionLost) as raised:
        printer.print_document(sample_receipt())
    assert raised.value.may_have_printed is True
    assert "may have printed" in str(raised.value)
    (job,) = emulator.wait_for_jobs(1)
    assert job.cut  # and it did: the whole receipt reached the printer


def test_a_connection_dropped_part_way_may_have_printed_part_of_the_receipt(
    emulator: PrinterEmulator, network_printer: NetworkPrinter
) -> None:
    printer = network_printer()
    emulator.drop_next(after_bytes=200)
    with pytest.raises(ConnectionLost) as raised:
        printer.print_document(sample_receipt())
    assert raised.value.may_have_printed is True
    (job,) = emulator.wait_for_jobs(1)
    # the status query before the job, then 200 bytes of it
    assert not job.cut
    assert 0 < len(job.lines) < 10
    assert len(emulator.received) == 3 + 200


def test_a_printer_that_never_answers_times_out_before_sending(
    emulator: PrinterEmulator, network_printer: NetworkPrinter
) -> None:
    printer = network_printer()
    emulator.mute = True
    with pytest.raises(DeviceTimeout, match="did not answer") as raised:
        printer.print_document(sample_receipt())
    assert raised.value.may_have_printed is False
    assert emulator.jobs == []
    assert printer.status().state is DeviceState.OFFLINE


def test_a_printer_that_hangs_after_taking_the_job_may_have_printed(
    emulator: PrinterEmulator, network_printer: NetworkPrinter
) -> None:
    printer = network_printer()  # waits 0.5 s for a status answer
    emulator.drop_next(after_job=True, hang=True)
    with pytest.raises(DeviceTimeout, match="took the job but did not acknowledge") as raised:
        printer.print_document(sample_receipt())
    assert raised.value.may_have_printed is True
    assert emulator.wait_for_jobs(1)[0].cut


def test_a_late_answer_is_a_time_out_not_a_wrong_state(
    emulator: PrinterEmulator, network_printer: NetworkPrinter
) -> None:
    printer = network_printer()
    emulator.answer_delay_s = 0.7
    with pytest.raises(DeviceTimeout) as raised:
        printer.print_document(sample_receipt())
    assert raised.value.may_have_printed is False  # the question before the job went unanswered
    time.sleep(0.3)  # the emulator is still answering that connection: let it finish
    emulator.answer_delay_s = 0.2
    printer.print_document(sample_receipt())  # slow but within the time-out
    assert emulator.wait_for_jobs(1)[0].cut


def test_a_printer_without_status_answers_prints_when_told_it_cannot_answer(
    emulator: PrinterEmulator, network_printer: NetworkPrinter
) -> None:
    emulator.mute = True
    printer = network_printer(answers_status=False)
    printer.print_document(sample_receipt())
    assert emulator.wait_for_jobs(1)[0].cut
    assert emulator.status_queries == 0
    status = printer.status()
    assert status.state is DeviceState.READY
    assert "reports no paper state" in status.detail
    emulator.go_offline()
    with pytest.raises(DeviceOffline) as raised:
        printer.print_document(sample_receipt())
    assert raised.value.may_have_printed is False

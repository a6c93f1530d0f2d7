"""An ESC/POS network printer on a loopback port: records, decodes, previews, misbehaves.

    with PrinterEmulator(paper_mm=80) as printer:       # port 0: a free port
        ... print to ("127.0.0.1", printer.port) ...
        job = printer.wait_for_jobs(1)[0]
        job.lines, job.qr_payloads, job.overflowing()

Like a real printer it serves one connection at a time, answers DLE EOT status queries at
once (online, paper near end or out, cover open, drawer open), and takes a cut as the end
of a job. Everything received is kept; each job is decoded (`escpos_parse`) and, with an
`out_dir`, written as job-NNNN.bin / .txt / .png.

Faults for tests and for staff who want to see the till cope: `go_offline()` closes the
port (connections are refused) until `go_online()`; `drop_next(after_bytes=N)` or
`drop_next(after_job=True)` drops the line N bytes into the next job (the next connection
that sends ESC @: a drawer kick or a status check before it is left alone), or right
after the whole job, without answering another byte; `hang=True` keeps the line open but
silent instead; `mute` never answers status queries; `answer_delay_s` answers late.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import TracebackType

from hardware.escpos_parse import (
    Cut,
    DrawerKick,
    EscPosDecoder,
    Event,
    Printed,
    PrintedBarcode,
    PrintedLine,
    PrintedQr,
    StatusQuery,
    UnknownCommand,
)
from hardware.profile import PAPER_DOTS

log = logging.getLogger(__name__)

POLL_S = 0.05  # how often the threads look at the stop flag
INIT = b"\x1b@"  # ESC @ starts every job; a drawer kick or a status check has none


class PaperState(StrEnum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"


@dataclass
class ReceivedJob:
    """One job as the printer received it: from the first byte after a cut to the next cut
    (or to a connection that ended without one: `cut` is then False)."""

    number: int
    raw: bytes
    items: list[Printed]
    cut: bool
    paper_dots: int
    unknown: list[bytes] = field(default_factory=list)
    printable: bool = True  # paper in and cover closed when it arrived

    @property
    def lines(self) -> list[str]:
        """Every printed text line, without trailing spaces."""
        return [item.text.rstrip() for item in self.items if isinstance(item, PrintedLine)]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def qr_payloads(self) -> list[str]:
        return [item.payload for item in self.items if isinstance(item, PrintedQr)]

    @property
    def barcodes(self) -> list[str]:
        return [item.text for item in self.items if isinstance(item, PrintedBarcode)]

    def overflowing(self) -> list[Printed]:
        """Whatever did not fit the paper: wrapped lines, codes or images too wide."""
        bad: list[Printed] = []
        for item in self.items:
            wrapped = isinstance(item, PrintedLine) and item.overflowed
            if wrapped or getattr(item, "dots", 0) > self.paper_dots:
                bad.append(item)
        return bad

    def describe(self) -> str:
        """The job as text: its lines, and its codes in brackets (the .txt file)."""
        out = []
        for item in self.items:
            if isinstance(item, PrintedLine):
                out.append(item.text.rstrip())
            elif isinstance(item, PrintedQr):
                out.append(f"[QR {item.payload}]")
            elif isinstance(item, PrintedBarcode):
                out.append(f"[{item.symbology} {item.text}]")
            elif hasattr(item, "height") and hasattr(item, "width"):
                out.append(f"[image {item.width}x{item.height}]")
        out.append("[cut]" if self.cut else "[no cut: connection ended]")
        return "\n".join(out)


class PrinterEmulator:
    """A loopback ESC/POS printer. Thread-safe; start() / stop() or use it as a context."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        paper_mm: int = 80,
        chinese_at_start: bool = False,
        out_dir: Path | None = None,
        drawer_opens_on_kick: bool = True,
        on_job: Callable[[ReceivedJob], None] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.paper_dots = PAPER_DOTS[paper_mm]
        self.paper_mm = paper_mm
        self.chinese_at_start = chinese_at_start
        self.out_dir = out_dir
        self.drawer_opens_on_kick = drawer_opens_on_kick
        self.on_job = on_job  # called on the emulator's thread after each job is kept
        self.paper = PaperState.OK
        self.cover_open = False
        self.drawer_open = False
        self.mute = False
        self.answer_delay_s = 0.0
        self.received = bytearray()
        self.kicks: list[DrawerKick] = []
        self.status_queries = 0
        self.connections = 0
        self._jobs: list[ReceivedJob] = []
        self._drop_after_bytes: int | None = None
        self._drop_after_job = False
        self._hang = False
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._online = threading.Event()
        self._offline_done = threading.Event()

    # ------------------------------------------------------------------ control
    def start(self) -> PrinterEmulator:
        self._bind()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="printer-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._unbind()

    def __enter__(self) -> PrinterEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def go_offline(self) -> None:
        """Refuse connections (a printer switched off or unplugged) until go_online()."""
        self._offline_done.clear()
        self._online.clear()
        if self._thread is None:
            self._unbind()
        # The serving thread closes the port itself: closing it under a pending accept()
        # would let one more connection in.
        elif not self._offline_done.wait(timeout=5):
            raise RuntimeError("the emulator's thread did not go offline")

    def go_online(self) -> None:
        self._bind()

    def drop_next(
        self, *, after_bytes: int | None = None, after_job: bool = False, hang: bool = False
    ) -> None:
        """Drop the next connection after `after_bytes` bytes, or right after a whole job,
        without answering anything more: the sender cannot know what printed. With `hang`
        the connection stays open but the printer says nothing more (a hung printer)."""
        with self._changed:
            self._drop_after_bytes = after_bytes
            self._drop_after_job = after_job
            self._hang = hang

    @property
    def jobs(self) -> list[ReceivedJob]:
        with self._changed:
            return list(self._jobs)

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> list[ReceivedJob]:
        """The first `count` jobs, waiting for them; raises TimeoutError if they never come."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._jobs) >= count, timeout):
                raise TimeoutError(f"the emulator received {len(self._jobs)} jobs, not {count}")
            return list(self._jobs[:count])

    def status_byte(self, n: int) -> int:
        """The answer to DLE EOT n in the printer's present state."""
        value = 0x12  # bits 1 and 4 are always set
        stopped = self.cover_open or self.paper is PaperState.OUT
        if n == 1:
            value |= 0x04 if self.drawer_open else 0  # drawer connector pin 3 high: open
            value |= 0x08 if stopped else 0
        elif n == 2:
            value |= 0x04 if self.cover_open else 0
            value |= 0x20 if self.paper is PaperState.OUT else 0
        elif n == 4:
            value |= 0x0C if self.paper is not PaperState.OK else 0
            value |= 0x60 if self.paper is PaperState.OUT else 0
        return value

    # ------------------------------------------------------------------ serving
    def _bind(self) -> None:
        if self._listener is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(4)
        listener.settimeout(POLL_S)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._online.set()

    def _unbind(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            if not self._online.is_set() and self._listener is not None:
                self._unbind()
                self._offline_done.set()
            listener = self._listener
            if listener is None or not self._online.is_set():
                self._offline_done.set()
                self._stopping.wait(POLL_S)
                continue
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                self._connection(conn)

    def _connection(self, conn: socket.socket) -> None:
        conn.settimeout(POLL_S)
        with self._changed:
            self.connections += 1
        decoder = EscPosDecoder(self.paper_dots, self.chinese_at_start)
        job = _JobBuilder()
        fault: _Fault | None = None
        while not self._stopping.is_set() and self._online.is_set():
            try:
                data = conn.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                break
            if not data:
                break
            if fault is None and INIT in data:
                fault = self._arm(data.index(INIT))
            if fault is not None and fault.budget is not None:
                data = data[: fault.budget + fault.skip]
                fault.budget -= len(data) - fault.skip
                fault.skip = 0
            with self._changed:
                self.received += data
            dropped = self._handle(conn, decoder.feed(data), job, data, fault)
            if fault is not None and (dropped or fault.budget == 0):
                log.info("emulator: dropping the connection as asked")
                if fault.hang:
                    self._ignore_until_closed(conn)
                if dropped:
                    return
                break
        self._handle(conn, decoder.flush(), job, b"", None)
        self._finish(job, cut=False)

    def _arm(self, skip: int) -> _Fault | None:
        """The pending fault, for the job that starts `skip` bytes into this read."""
        with self._changed:
            after_bytes, self._drop_after_bytes = self._drop_after_bytes, None
            after_job, self._drop_after_job = self._drop_after_job, False
            hang, self._hang = self._hang, False
        if after_bytes is None and not after_job:
            return None
        return _Fault(budget=after_bytes, skip=skip, after_job=after_job, hang=hang)

    def _ignore_until_closed(self, conn: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                if not conn.recv(4096):
                    return
            except TimeoutError:
                continue
            except OSError:
                return

    def _handle(
        self,
        conn: socket.socket,
        events: list[Event],
        job: _JobBuilder,
        data: bytes,
        fault: _Fault | None,
    ) -> bool:
        job.raw += data
        for event in events:
            if isinstance(event, StatusQuery):
                with self._changed:
                    self.status_queries += 1
                if not self.mute:
                    if self.answer_delay_s:
                        self._stopping.wait(self.answer_delay_s)
                    try:
                        conn.sendall(bytes([self.status_byte(event.n)]))
                    except OSError:
                        return False
            elif isinstance(event, DrawerKick):
                with self._changed:
                    self.kicks.append(event)
                    if self.drawer_opens_on_kick:
                        self.drawer_open = True
                    self._changed.notify_all()
            elif isinstance(event, UnknownCommand):
                job.unknown.append(event.data)
            elif isinstance(event, Cut):
                self._finish(job, cut=True)
                if fault is not None and fault.after_job:
                    return True
            else:
                job.items.append(event)
        return False

    def _finish(self, job: _JobBuilder, *, cut: bool) -> None:
        if not job.items and not cut:
            job.reset()
            return
        with self._changed:
            received = ReceivedJob(
                number=len(self._jobs) + 1,
                raw=bytes(job.raw),
                items=list(job.items),
                cut=cut,
                paper_dots=self.paper_dots,
                unknown=list(job.unknown),
                printable=not self.cover_open and self.paper is not PaperState.OUT,
            )
            self._jobs.append(received)
            self._changed.notify_all()
        job.reset()
        if self.out_dir is not None:
            self._write(received)
        if self.on_job is not None:
            self.on_job(received)

    def _write(self, job: ReceivedJob) -> None:
        from hardware.preview import render_preview  # PIL drawing only when files are asked

        assert self.out_dir is not None
        self.out_dir.mkdir(parents=True, exist_ok=True)
        stem = self.out_dir / f"job-{job.number:04d}"
        stem.with_suffix(".bin").write_bytes(job.raw)
        stem.with_suffix(".txt").write_text(job.describe() + "\n", encoding="utf-8")
        render_preview(job).save(stem.with_suffix(".png"))
        log.info("emulator: job %d → %s.png", job.number, stem)


def decode_job(raw: bytes, *, paper_mm: int = 80, chinese_at_start: bool = False) -> ReceivedJob:
    """Decode one job's bytes without a socket, as the emulator would (a preview of bytes
    rendered here, or of a job file written by the emulator)."""
    decoder = EscPosDecoder(PAPER_DOTS[paper_mm], chinese_at_start)
    events = decoder.feed(raw) + decoder.flush()
    job = _JobBuilder()
    for event in events:
        if isinstance(event, UnknownCommand):
            job.unknown.append(event.data)
        elif not isinstance(event, Cut | DrawerKick | StatusQuery):
            job.items.append(event)
    cut = any(isinstance(event, Cut) for event in events)
    return ReceivedJob(1, raw, job.items, cut, PAPER_DOTS[paper_mm], job.unknown)


@dataclass
class _Fault:
    budget: int | None  # job bytes still to take before dropping (None: no byte limit)
    skip: int  # bytes of the arming read before the job's ESC @
    after_job: bool
    hang: bool


@dataclass
class _JobBuilder:
    raw: bytearray = field(default_factory=bytearray)
    items: list[Printed] = field(default_factory=list)
    unknown: list[bytes] = field(default_factory=list)

    def reset(self) -> None:
        self.raw = bytearray()
        self.items = []
        self.unknown = []

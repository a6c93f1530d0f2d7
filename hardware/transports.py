"""How bytes reach a printer: TCP (port 9100), a serial port, a device file, USB.

Each transport opens explicitly, times out explicitly and raises only HardwareError
subclasses: `open` raises DeviceOffline (nothing can have been sent); `write` raises
ConnectionLost, or DeviceTimeout with `may_have_printed`, whenever a byte may have left.
`read_byte` returns None on a time-out and raises DeviceOffline when the printer closed the
line; `can_read` is False where the printer cannot answer (a device file).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import select
import socket
import time
from typing import Any, Protocol

import serial

from hardware.errors import ConfigError, ConnectionLost, DeviceOffline, DeviceTimeout

CHUNK = 4096


class Transport(Protocol):
    description: str
    can_read: bool

    def open(self) -> None: ...

    def write(self, data: bytes) -> None: ...

    def read_byte(self, timeout: float) -> int | None: ...

    def close(self) -> None: ...


class TcpTransport:
    """A network printer's raw port (9100): one connection per job, as printers expect."""

    can_read = True

    def __init__(self, host: str, port: int, connect_timeout: float, timeout: float) -> None:
        self.host, self.port = host, port
        self.connect_timeout, self.timeout = connect_timeout, timeout
        self.description = f"printer at {host}:{port}"
        self._sock: socket.socket | None = None

    def open(self) -> None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
        except ConnectionRefusedError as exc:
            raise DeviceOffline(f"{self.description} refused the connection (off?)") from exc
        except TimeoutError as exc:
            raise DeviceOffline(
                f"{self.description} did not answer within {self.connect_timeout:g} s"
            ) from exc
        except OSError as exc:
            raise DeviceOffline(
                f"{self.description} cannot be reached: {exc.strerror or exc}"
            ) from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(self.timeout)
        self._sock = sock

    def write(self, data: bytes) -> None:
        sock = self._connected()
        try:
            for start in range(0, len(data), CHUNK):
                sock.sendall(data[start : start + CHUNK])
        except TimeoutError as exc:
            raise DeviceTimeout(
                f"{self.description} stopped taking data for {self.timeout:g} s",
                may_have_printed=True,
            ) from exc
        except OSError as exc:
            raise ConnectionLost(
                f"{self.description} dropped the connection while receiving: {exc.strerror or exc}"
            ) from exc

    def read_byte(self, timeout: float) -> int | None:
        sock = self._connected()
        sock.settimeout(timeout)
        try:
            data = sock.recv(1)
        except TimeoutError:
            return None
        except OSError as exc:
            raise DeviceOffline(
                f"{self.description} dropped the connection: {exc.strerror or exc}"
            ) from exc
        finally:
            sock.settimeout(self.timeout)
        if not data:
            raise DeviceOffline(f"{self.description} closed the connection")
        return data[0]

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is None:
            return
        with contextlib.suppress(OSError):  # already reset by the printer
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()

    def _connected(self) -> socket.socket:
        if self._sock is None:
            raise DeviceOffline(f"{self.description} is not connected")
        return self._sock


PARITIES = {
    "none": serial.PARITY_NONE,
    "even": serial.PARITY_EVEN,
    "odd": serial.PARITY_ODD,
    "mark": serial.PARITY_MARK,
    "space": serial.PARITY_SPACE,
}
STOPBITS = {1: serial.STOPBITS_ONE, 1.5: serial.STOPBITS_ONE_POINT_FIVE, 2: serial.STOPBITS_TWO}


def open_serial(
    port: str,
    *,
    baud: int,
    bytesize: int = 8,
    parity: str = "none",
    stopbits: float = 1,
    flow: str = "none",
    timeout: float = 0.1,
    write_timeout: float | None = None,
) -> Any:
    """A pyserial port, opened; raises DeviceOffline naming the port when it cannot."""
    try:
        return serial.Serial(
            port=port,
            baudrate=baud,
            bytesize=bytesize,
            parity=PARITIES[parity],
            stopbits=STOPBITS[stopbits],
            timeout=timeout,
            write_timeout=write_timeout,
            rtscts=flow == "rtscts",
            xonxoff=flow == "xonxoff",
            dsrdtr=flow == "dsrdtr",
        )
    except (serial.SerialException, OSError, ValueError) as exc:
        raise DeviceOffline(f"serial port {port} cannot be opened: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    """The OS's words from a pyserial error ("No such file or directory"), else its text."""
    text = str(exc.strerror) if isinstance(exc, OSError) and exc.strerror else str(exc)
    found = re.search(r"\[Errno \d+\] ([^:]+)", text)
    return found.group(1) if found else text


class SerialTransport:
    """A serial (RS-232 or USB-serial) printer; the write time-out grows with the job."""

    can_read = True

    def __init__(
        self,
        port: str,
        baud: int,
        *,
        bytesize: int = 8,
        parity: str = "none",
        stopbits: float = 1,
        flow: str = "none",
        timeout: float = 10.0,
    ) -> None:
        self.port, self.baud, self.timeout = port, baud, timeout
        self.bytesize, self.parity, self.stopbits, self.flow = bytesize, parity, stopbits, flow
        self.description = f"serial printer on {port}"
        self._serial: Any = None

    def open(self) -> None:
        self._serial = open_serial(
            self.port,
            baud=self.baud,
            bytesize=self.bytesize,
            parity=self.parity,
            stopbits=self.stopbits,
            flow=self.flow,
            timeout=self.timeout,
        )
        self._serial.reset_input_buffer()  # a stale answer must not pass for a fresh one

    def write(self, data: bytes) -> None:
        port = self._opened()
        # A job of 40 KB (image mode) takes 40 s at 9,600 baud: allow the wire time and half again.
        port.write_timeout = self.timeout + len(data) * 10 / self.baud * 1.5
        try:
            port.write(data)
            port.flush()
        except serial.SerialTimeoutException as exc:
            raise DeviceTimeout(
                f"{self.description} stopped taking data (flow control held?)",
                may_have_printed=True,
            ) from exc
        except (serial.SerialException, OSError) as exc:
            raise ConnectionLost(
                f"{self.description} failed while sending: {_reason(exc)}"
            ) from exc

    def read_byte(self, timeout: float) -> int | None:
        port = self._opened()
        port.timeout = timeout
        try:
            data: bytes = port.read(1)
        except (serial.SerialException, OSError) as exc:
            raise DeviceOffline(f"{self.description} failed: {_reason(exc)}") from exc
        return data[0] if data else None

    def close(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()  # a port that vanished has nothing left to release

    def _opened(self) -> Any:
        if self._serial is None:
            raise DeviceOffline(f"{self.description} is not open")
        return self._serial


class FileTransport:
    """A printer that is a device file (/dev/usb/lp0 from the usblp driver) or a spool file.

    The file must exist: a missing /dev/usb/lp0 is an unplugged printer, not a file to create."""

    can_read = False

    def __init__(self, path: str, timeout: float = 10.0) -> None:
        self.path, self.timeout = path, timeout
        self.description = f"printer file {path}"
        self._fd: int | None = None

    def open(self) -> None:
        try:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_NOCTTY)
        except FileNotFoundError as exc:
            raise DeviceOffline(f"{self.description} does not exist (unplugged?)") from exc
        except PermissionError as exc:
            raise DeviceOffline(
                f"{self.description}: no permission to write (is the till's user in group lp?)"
            ) from exc
        except OSError as exc:
            raise DeviceOffline(f"{self.description} cannot be opened: {exc.strerror}") from exc

    def write(self, data: bytes) -> None:
        fd = self._fd
        if fd is None:
            raise DeviceOffline(f"{self.description} is not open")
        deadline = time.monotonic() + self.timeout
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            try:
                ready = select.select([], [fd], [], max(0.0, left))[1]
                if not ready:
                    raise DeviceTimeout(
                        f"{self.description} took no data for {self.timeout:g} s",
                        may_have_printed=True,
                    )
                view = view[os.write(fd, view) :]
            except BlockingIOError:
                continue
            except OSError as exc:
                if exc.errno == errno.EINTR:
                    continue
                raise ConnectionLost(
                    f"{self.description} failed while sending: {exc.strerror}"
                ) from exc

    def read_byte(self, timeout: float) -> int | None:
        return None

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


class UsbTransport:
    """A USB printer by vendor and product id, through python-escpos (needs pyusb)."""

    can_read = True

    def __init__(
        self, vendor_id: int, product_id: int, *, in_ep: int, out_ep: int, timeout: float
    ) -> None:
        self.ids = (vendor_id, product_id)
        self.endpoints = (in_ep, out_ep)
        self.timeout = timeout
        self.description = f"USB printer {vendor_id:04x}:{product_id:04x}"
        self._usb: Any = None

    def open(self) -> None:
        from escpos.exceptions import DeviceNotFoundError
        from escpos.printer import Usb

        if not Usb.is_usable():
            raise ConfigError(
                f"{self.description}: USB printing needs pyusb and libusb-1.0 "
                "(pip install pyusb; apt-get install libusb-1.0-0), or use type = 'file' "
                "with /dev/usb/lp0"
            )
        usb = Usb(
            self.ids[0],
            self.ids[1],
            timeout=int(self.timeout * 1000),
            in_ep=self.endpoints[0],
            out_ep=self.endpoints[1],
        )
        try:
            usb.open()
        except DeviceNotFoundError as exc:
            raise DeviceOffline(f"{self.description} is not connected") from exc
        self._usb = usb

    def write(self, data: bytes) -> None:
        try:
            self._opened()._raw(data)
        except Exception as exc:  # pyusb's USBError and USBTimeoutError
            raise ConnectionLost(f"{self.description} failed while sending: {exc}") from exc

    def read_byte(self, timeout: float) -> int | None:
        try:
            data = self._opened()._read()
        except Exception as exc:  # a USB read time-out is an exception in pyusb
            if "timeout" in str(exc).lower():
                return None
            raise DeviceOffline(f"{self.description} failed: {exc}") from exc
        return int(data[0]) if len(data) else None

    def close(self) -> None:
        usb, self._usb = self._usb, None
        if usb is not None:
            usb.close()

    def _opened(self) -> Any:
        if self._usb is None:
            raise DeviceOffline(f"{self.description} is not open")
        return self._usb

"""A virtual serial scanner: a pty pair whose slave side the till opens as its port.

    with VirtualScanner(link=Path("/tmp/omnitill-scanner")) as scanner:
        config port = scanner.port         # the link, or the slave's /dev/pts/N
        scanner.scan("6901234567892")      # arrives as if scanned, with CR LF
        scanner.unplug()                   # the port vanishes: reads fail, the link is gone
        scanner.replug()                   # a new pty at the same link path

The slave is put in raw mode at once (and held open by the simulator), so what is typed
reaches the reader byte for byte whatever state the line discipline was in. A reader only
gets what is typed after it opened the port (pyserial flushes input on open): wait for the
scanner's `connected` status before typing.
"""

from __future__ import annotations

import os
import pty
import time
import tty
from pathlib import Path
from types import TracebackType

from hardware.errors import DeviceOffline


class VirtualScanner:
    """A pty-backed scanner for tests, the demo and `omnitill-sim scanner`."""

    def __init__(self, link: Path | None = None, terminator: bytes = b"\r\n") -> None:
        self.link = link
        self.terminator = terminator
        self._master: int | None = None
        self._slave: int | None = None
        self.slave_path = ""
        self.plug()

    @property
    def port(self) -> str:
        """What the till's config names: the link where there is one, else the slave."""
        return str(self.link) if self.link is not None else self.slave_path

    @property
    def plugged(self) -> bool:
        return self._master is not None

    def plug(self) -> None:
        if self._master is not None:
            return
        master, slave = pty.openpty()
        tty.setraw(slave)
        self._master, self._slave = master, slave
        self.slave_path = os.ttyname(slave)
        if self.link is not None:
            temporary = self.link.with_name(self.link.name + ".new")
            temporary.unlink(missing_ok=True)
            temporary.symlink_to(self.slave_path)
            temporary.replace(self.link)  # atomic: a reader never sees half a link

    def unplug(self) -> None:
        """Close both ends and remove the link: the device is gone, as after a pulled cable."""
        if self.link is not None:
            self.link.unlink(missing_ok=True)
        for fd in (self._slave, self._master):
            if fd is not None:
                os.close(fd)
        self._master = self._slave = None

    def replug(self) -> None:
        self.unplug()
        self.plug()

    def scan(self, code: str, *, char_delay_s: float = 0.0) -> None:
        """Send `code` and the terminator as the scanner would (UTF-8)."""
        if self._master is None:
            raise DeviceOffline("the virtual scanner is unplugged")
        data = code.encode("utf-8") + self.terminator
        if char_delay_s <= 0:
            os.write(self._master, data)
            return
        for byte in data:
            os.write(self._master, bytes([byte]))
            time.sleep(char_delay_s)

    def close(self) -> None:
        self.unplug()

    def __enter__(self) -> VirtualScanner:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

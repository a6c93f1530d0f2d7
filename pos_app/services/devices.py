"""When device work (printing, kicking the drawer) runs: inline, or on its own thread.

Device work always starts after the sale is durable, and never raises into the sale. With
`BackgroundDevices` it also never delays the cashier: a printer that takes seconds to time
out holds only the device thread. Tests and the crash loop use `InlineDevices`, so the
print and the kick have happened when the service call returns.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger("omnitill.devices")

Work = Callable[[], None]


class DeviceRunner(Protocol):
    def submit(self, work: Work) -> None: ...


class InlineDevices:
    """Runs device work at once, on the caller's thread."""

    def submit(self, work: Work) -> None:
        try:
            work()
        except Exception:
            log.exception("device work failed")


class BackgroundDevices:
    """Runs device work in order on one daemon thread."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Work | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="till-devices", daemon=True)
        self._thread.start()

    def submit(self, work: Work) -> None:
        self._queue.put(work)

    def wait_idle(self) -> None:
        """Return once every submitted piece of work has run."""
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while True:
            work = self._queue.get()
            try:
                if work is None:
                    return
                work()
            except Exception:
                log.exception("device work failed")
            finally:
                self._queue.task_done()

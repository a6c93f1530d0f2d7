"""Hardware errors. Every driver raises a subclass of `HardwareError`, never a library's own.

    HardwareError            .may_have_printed: bool (False unless said otherwise)
    ├── DeviceOffline        the device cannot be reached (unplugged, off, wrong address);
    │                        nothing was sent
    ├── DeviceTimeout        it did not answer in time; what it did is unknown
    ├── ConnectionLost       the line dropped during a job or right after it: the job may
    │                        have printed (always may_have_printed)
    ├── PrinterError
    │   ├── PaperOut         the printer reports no paper
    │   └── CoverOpen        the printer reports its cover open
    └── ConfigError          a device section of the config that cannot work (names the key)

`may_have_printed` is what the print queue needs to keep DESIGN §6's promise that a job
whose bytes may have reached the printer is never silently printed again. A driver sets it
True when at least one byte of the job may have left the till before the failure: the
connection dropped mid-job or after the whole job without the printer acknowledging it
(ConnectionLost), the printer took the job but did not acknowledge it in time
(DeviceTimeout), or it reported paper out or cover open right after taking it; the queue
then marks any retry 重印/COPY. It is False only when the driver knows no byte of the job
was sent: a refused connection, paper out or cover open reported before sending, a status
query that went unanswered before sending. So a DeviceOffline never has it set.
"""


class HardwareError(Exception):
    """A device failed; the message says which and how, in words for the store's IT."""

    def __init__(self, message: str, *, may_have_printed: bool = False) -> None:
        super().__init__(message)
        self.may_have_printed = may_have_printed


class DeviceOffline(HardwareError):
    pass


class DeviceTimeout(HardwareError):
    pass


class ConnectionLost(HardwareError):
    def __init__(self, message: str, *, may_have_printed: bool = True) -> None:
        super().__init__(message, may_have_printed=may_have_printed)


class PrinterError(HardwareError):
    pass


class PaperOut(PrinterError):
    pass


class CoverOpen(PrinterError):
    pass


class ConfigError(HardwareError):
    pass

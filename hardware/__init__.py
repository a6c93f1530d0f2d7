"""Scanners, receipt printers, the cash drawer and the customer display.

Each device sits behind a small Protocol with a recording fake and a simulator. Imports only
pos_core: no Qt, no database, no HTTP.

    devices.py          the Protocols (ReceiptPrinter, CashDrawer, Scanner, CustomerDisplay),
                        ScanEvent, DeviceStatus, and the recording fakes
    errors.py           HardwareError and its tree (may_have_printed)
    config.py           the devices TOML file → DeviceConfig (example-devices.toml)
    factory.py          drivers from the config; check.py: the hardware check's lines

    printing:  profile.py (paper, code page, Chinese mode, character widths)
               layout.py (blocks → lines that fit) → escpos_render.py (lines → bytes)
               transports.py (TCP, serial, file, USB) → printer.py (driver and drawer)
               fonts.py (CJK font search and glyphs, for image mode and previews)
    scanning:  scanner.py (serial scanners, reconnecting), wedge.py (keyboard bursts)
    display:   display.py (2×20 pole display)
    simulators: emulator.py (+ escpos_parse.py, preview.py), virtual_scanner.py,
               sample_receipt.py, sim_cli.py (`omnitill-sim`)
"""

"""Scanners, receipt printers, the cash drawer and the customer display.

Each device sits behind a small Protocol with a recording fake and a simulator. Imports only
pos_core: no Qt, no database, no HTTP.
"""

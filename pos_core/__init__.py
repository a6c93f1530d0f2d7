"""The pure domain OmniTill's till and server share.

Money, barcodes and scan routing, pricing, tax, permissions, ids and the sync protocol
messages. Imports no Qt, no SQLAlchemy and no HTTP (an import-linter contract checks it).
"""

"""Seeding a till's replica straight from the demo chain, without a server.

For benchmarks and tests that need a large catalog, and for a till demo without a server.
The rows go through `apply_changes`, the same path a pull takes, in batches of their own
transactions so a million products do not make one huge transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from pos_app.store.apply import apply_changes
from pos_app.store.db import Store
from pos_core.demo_data import DemoChain
from pos_core.protocol.messages import ChangeOp, Entity

SEED_BATCH = 50_000

Progress = Callable[[int], None]


def seed_replica(
    store: Store, chain: DemoChain, store_code: str, progress: Progress | None = None
) -> int:
    """Load the chain's catalog and one store's rows into the replica; returns the row count."""
    changes: Iterator[tuple[Entity, str, ChangeOp, dict[str, Any] | None]] = (
        (entity, key, ChangeOp.UPSERT, data) for entity, key, data in chain.iter_changes(store_code)
    )
    loaded = 0
    while batch := list(islice(changes, SEED_BATCH)):
        with store.write() as session:
            loaded += apply_changes(session, batch)
        if progress is not None:
            progress(loaded)
    return loaded

"""Publishing changes: whole rows, numbered per stream in commit order (DESIGN §4).

A transaction collects the rows it changed here and `flush` writes them just before the
commit: per stream, `UPDATE stream_counters SET last = last + n … RETURNING last` takes n
numbers under the counter's row lock, which is held until the commit — so a later number
can never become visible before an earlier one, and a pull never skips a change.

Within one transaction a row changed twice is published once, as it ended up. The
changes are cut into groups (at most `GROUP_ROWS` rows or `GROUP_BYTES`); a pull page
never splits a group, so the effects of one small transaction always arrive together.
A large transaction (a catalog import) may span groups; that is safe because what a till
drops from its pending deltas is driven by `device_last_seq`, not by page boundaries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pos_core.protocol.messages import ChangeOp, Entity
from pos_core.protocol.rows import row_key
from pos_core.protocol.types import Message
from sync_server.store.bulk import bulk_insert
from sync_server.store.sync import ChangeRecord, StreamCounter

CATALOG: Final = "catalog"
GROUP_ROWS: Final = 1000
GROUP_BYTES: Final = 512 * 1024

_Op = tuple[str, str, str, str, str | None]  # stream, entity, key, op, data


def store_stream(store_id: UUID) -> str:
    return f"store:{store_id}"


class ChangeLog:
    """The changes one transaction publishes; numbered and written by `flush`."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._ops: list[_Op] = []
        self._locked: dict[str, int] = {}
        self._ends: dict[str, int] = {}

    # --- locking ----------------------------------------------------------------------
    def lock(self, streams: Iterable[str]) -> None:
        """Take the counter rows of `streams` now, in name order (the fixed lock order)."""
        wanted = sorted(set(streams) - self._locked.keys())
        if not wanted:
            return
        rows = self._session.execute(
            select(StreamCounter.stream, StreamCounter.last)
            .where(StreamCounter.stream.in_(wanted))
            .order_by(StreamCounter.stream)
            .with_for_update()
        ).all()
        for stream, last in rows:
            self._locked[stream] = last
        missing = set(wanted) - self._locked.keys()
        if missing:
            raise LookupError(f"no change stream {sorted(missing)}")

    def position(self, stream: str) -> int:
        """The stream's last number as this transaction leaves it (after `flush`)."""
        if stream in self._ends:
            return self._ends[stream]
        if stream in self._locked:
            return self._locked[stream]
        last = self._session.execute(
            select(StreamCounter.last).where(StreamCounter.stream == stream)
        ).scalar_one()
        return int(last)

    # --- collecting -------------------------------------------------------------------
    def upsert(self, stream: str, entity: Entity, key: str, data: str) -> None:
        """Publish a whole row (`data`: the row model's compact JSON)."""
        self._ops.append((stream, entity.value, key, ChangeOp.UPSERT.value, data))

    def upsert_row(self, streams: str | Iterable[str], entity: Entity, row: Message) -> None:
        data = row.model_dump_json()
        key = row_key(entity, row)
        for stream in [streams] if isinstance(streams, str) else streams:
            self.upsert(stream, entity, key, data)

    def delete(self, streams: str | Iterable[str], entity: Entity, key: str) -> None:
        for stream in [streams] if isinstance(streams, str) else streams:
            self._ops.append((stream, entity.value, key, ChangeOp.DELETE.value, None))

    def mark(self) -> int:
        """A point to roll back to when a savepoint is rolled back."""
        return len(self._ops)

    def rollback(self, mark: int) -> None:
        del self._ops[mark:]

    def __len__(self) -> int:
        return len(self._ops)

    # --- writing ----------------------------------------------------------------------
    def flush(self) -> None:
        """Number and write the collected changes; call just before the commit."""
        if not self._ops:
            return
        latest: dict[tuple[str, str, str], int] = {}
        for index, (stream, entity, key, _, _) in enumerate(self._ops):
            latest[(stream, entity, key)] = index
        by_stream: dict[str, list[_Op]] = {}
        for index in sorted(latest.values()):
            op = self._ops[index]
            by_stream.setdefault(op[0], []).append(op)
        for stream in sorted(by_stream):
            self._write(stream, by_stream[stream])
        self._ops.clear()

    def _write(self, stream: str, ops: list[_Op]) -> None:
        end = self._session.execute(
            update(StreamCounter)
            .where(StreamCounter.stream == stream)
            .values(last=StreamCounter.last + len(ops))
            .returning(StreamCounter.last)
        ).scalar_one_or_none()
        if end is None:
            raise LookupError(f"no change stream {stream!r}")
        first = int(end) - len(ops) + 1
        records = []
        group, rows, size = first, 0, 0
        for offset, (_, entity, key, op, data) in enumerate(ops):
            number = first + offset
            if rows >= GROUP_ROWS or size >= GROUP_BYTES:
                group, rows, size = number, 0, 0
            rows += 1
            size += len(data or "")
            records.append(
                {
                    "stream": stream,
                    "number": number,
                    "grp": group,
                    "entity": entity,
                    "key": key,
                    "op": op,
                    "data": data,
                }
            )
        bulk_insert(self._session, ChangeRecord, records)
        self._ends[stream] = int(end)
        self._locked[stream] = int(end)

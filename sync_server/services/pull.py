"""Pull: the changes a till may see, from the catalog stream and its store's, by cursor.

The cursor is opaque to the till: urlsafe base64 of `{"c": catalog number, "s": store
number, "cm": catalog retained minimum, "sm": store retained minimum, "store": store id}`.
A page is read in one REPEATABLE READ READ ONLY snapshot (one deferred read transaction
on SQLite); because change numbers follow commit order (see
`changelog`), everything at or below a page's end is already visible and nothing is
skipped. The catalog stream is drained first, then the store's.

- Pages hold at most `limit` rows and `PULL_MAX_BYTES` of row data, but never split a
  group: a page may run over `limit` only to finish the one group it starts with.
- `device_last_seq`: the highest seq of this device whose effects are at or below the
  page's end of the store stream (each stored event records that position).
- A cursor below a stream's retained minimum gets `must_refetch` and the start cursor if
  the log was compacted after the cursor was handed out (the retained minimum it carries
  is older): compaction drops deletes, so a replica from before it may hold rows that no
  longer exist. A till part-way through pulling the compacted log (same minimum) carries
  on. A cursor beyond the stream's end (a server restored from an older backup) must
  refetch too. No cursor at all is the snapshot: the compacted log from the start.
- `high_seq` below the server's last_seq for the device means the till lost events the
  server has (restored from a backup): `Diverged`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pos_core.protocol.messages import PULL_DEFAULT_ROWS, PULL_MAX_BYTES, PULL_MAX_ROWS
from sync_server.services import tx
from sync_server.services.changelog import CATALOG, GROUP_ROWS, store_stream
from sync_server.services.errors import Diverged, Invalid, Unauthorised
from sync_server.store.db import Database
from sync_server.store.org import Device
from sync_server.store.sync import ChangeRecord, DeviceEvent, StreamCounter

_ROW_OVERHEAD: Final = 64  # entity, key and op around each row's data, in bytes


@dataclass(frozen=True)
class Cursor:
    catalog: int
    store: int
    store_id: UUID
    catalog_min: int = 0  # the streams' retained minimums when the cursor was handed out
    store_min: int = 0

    def encode(self) -> str:
        text = json.dumps(
            {
                "c": self.catalog,
                "s": self.store,
                "cm": self.catalog_min,
                "sm": self.store_min,
                "store": str(self.store_id),
            }
        )
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, store_id: UUID) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            data = json.loads(raw)
            cursor = cls(
                int(data["c"]),
                int(data["s"]),
                UUID(str(data["store"])),
                int(data.get("cm", 0)),
                int(data.get("sm", 0)),
            )
        except (
            binascii.Error,
            ValueError,
            TypeError,
            KeyError,
            UnicodeDecodeError,
            AttributeError,
        ):
            raise Invalid(
                "the cursor cannot be read; pull without a cursor to start again"
            ) from None
        if cursor.store_id != store_id:
            raise Invalid("this cursor belongs to another store's till; pull without a cursor")
        if cursor.catalog < 0 or cursor.store < 0:
            raise Invalid("the cursor cannot be read; pull without a cursor to start again")
        return cursor


@dataclass(frozen=True)
class Page:
    """A pull page with its rows still as stored JSON text (assembled by the API)."""

    changes: list[tuple[str, str, str, str | None]]  # entity, key, op, data
    cursor: str
    has_more: bool
    device_last_seq: int
    server_time: datetime
    must_refetch: bool = False

    def to_json(self) -> str:
        """The page as a `PullPage` JSON body, built from the stored row text as is."""
        parts = []
        for entity, key, op, data in self.changes:
            parts.append(
                f'{{"entity":"{entity}","key":{json.dumps(key)},"op":"{op}",'
                f'"data":{data if data is not None else "null"}}}'
            )
        head = {
            "cursor": self.cursor,
            "has_more": self.has_more,
            "device_last_seq": self.device_last_seq,
            "server_time": self.server_time.isoformat(),
            "must_refetch": self.must_refetch,
        }
        return '{"changes":[' + ",".join(parts) + "]," + json.dumps(head)[1:]


def pull(
    db: Database,
    device_id: UUID,
    *,
    cursor: str | None,
    limit: int = PULL_DEFAULT_ROWS,
    high_seq: int | None = None,
) -> Page:
    """One page of the changes this till may see after `cursor`."""
    limit = max(1, min(limit, PULL_MAX_ROWS))
    return tx.read(db, lambda session: _page(session, device_id, cursor, limit, high_seq))


def _page(
    session: Session, device_id: UUID, cursor_text: str | None, limit: int, high_seq: int | None
) -> Page:
    now = datetime.now(UTC)
    device = session.get(Device, device_id)
    if device is None or device.status != "active":
        raise Unauthorised("this till's token is no longer valid; re-enrol the till")
    if high_seq is not None and high_seq < device.last_seq:
        raise Diverged(
            f"the server holds events up to seq {device.last_seq} from this till, but the till "
            f"has only ever numbered up to {high_seq}: it was restored from an older copy. "
            "Keep selling and have a manager re-enrol the till."
        )
    streams = {CATALOG: (0, 0), store_stream(device.store_id): (0, 0)}
    for stream, last, retained in session.execute(
        select(StreamCounter.stream, StreamCounter.last, StreamCounter.retained_min).where(
            StreamCounter.stream.in_(list(streams))
        )
    ).all():
        streams[stream] = (last, retained)
    (cat_last, cat_min), (store_last, store_min) = streams.values()
    start = (
        Cursor.decode(cursor_text, device.store_id)
        if cursor_text
        else Cursor(0, 0, device.store_id, cat_min, store_min)
    )
    too_old = (0 < start.catalog < cat_min and start.catalog_min != cat_min) or (
        0 < start.store < store_min and start.store_min != store_min
    )
    too_new = start.catalog > cat_last or start.store > store_last
    if too_old or too_new:
        return Page(
            changes=[],
            cursor=Cursor(0, 0, device.store_id, cat_min, store_min).encode(),
            has_more=True,
            device_last_seq=0,
            server_time=now,
            must_refetch=True,
        )
    budget = _Budget(limit)
    catalog_rows, catalog_end, catalog_done = _read(
        session, CATALOG, start.catalog, cat_last, budget
    )
    store_rows: list[_Row] = []
    store_end, store_done = start.store, False
    if catalog_done:
        store_rows, store_end, store_done = _read(
            session, store_stream(device.store_id), start.store, store_last, budget
        )
    last_seq = session.execute(
        select(func.max(DeviceEvent.seq)).where(
            DeviceEvent.device_id == device.id, DeviceEvent.log_position <= store_end
        )
    ).scalar_one_or_none()
    return Page(
        changes=catalog_rows + store_rows,
        cursor=Cursor(catalog_end, store_end, device.store_id, cat_min, store_min).encode(),
        has_more=not (catalog_done and store_done),
        device_last_seq=int(last_seq or 0),
        server_time=now,
    )


class _Budget:
    """What is left of a page: rows and bytes."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.bytes = PULL_MAX_BYTES
        self.taken = 0

    def fits(self, rows: int, size: int) -> bool:
        # The first group of a page always goes in, whatever its size.
        return self.taken == 0 or (rows <= self.rows and size <= self.bytes)

    def take(self, rows: int, size: int) -> None:
        self.rows -= rows
        self.bytes -= size
        self.taken += rows


_Row = tuple[str, str, str, str | None]


def _read(
    session: Session, stream: str, after: int, last: int, budget: _Budget
) -> tuple[list[_Row], int, bool]:
    """Whole groups of `stream` after `after`, within the budget: (rows, end, drained)."""
    result: list[_Row] = []
    end = after
    while end < last:
        fetch = budget.rows + 1 if budget.taken else max(budget.rows, GROUP_ROWS) + 1
        if fetch <= 1:
            return result, end, False
        rows = session.execute(
            select(
                ChangeRecord.number,
                ChangeRecord.grp,
                ChangeRecord.entity,
                ChangeRecord.key,
                ChangeRecord.op,
                ChangeRecord.data,
            )
            .where(
                ChangeRecord.stream == stream,
                ChangeRecord.number > end,
                ChangeRecord.number <= last,
            )
            .order_by(ChangeRecord.number)
            .limit(fetch)
        ).all()
        if not rows:
            break
        groups = _groups([tuple(r) for r in rows])
        stream_ends_here = len(rows) < fetch
        complete = groups if stream_ends_here else groups[:-1]
        if not complete:
            if budget.taken:
                return result, end, False
            raise RuntimeError(f"a group of {stream} is larger than {fetch - 1} rows")
        for numbers_end, members in complete:
            size = sum(len(data or "") + _ROW_OVERHEAD for _, _, _, data in members)
            if not budget.fits(len(members), size):
                return result, end, False
            budget.take(len(members), size)
            result.extend(members)
            end = numbers_end
        if stream_ends_here:
            break
    return result, last, True


def _groups(rows: list[tuple[Any, ...]]) -> list[tuple[int, list[_Row]]]:
    """Consecutive rows of one group together, each with its last number."""
    groups: list[tuple[int, list[_Row]]] = []
    current: int | None = None
    for number, grp, entity, key, op, data in rows:
        if grp != current:
            groups.append((number, []))
            current = grp
        groups[-1][1].append((entity, key, op, data))
        groups[-1] = (number, groups[-1][1])
    return groups

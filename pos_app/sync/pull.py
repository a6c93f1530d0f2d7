"""Pulling: pages of changes into the replica, until the server has no more.

Each page is applied in ONE local transaction (DESIGN §4): its upserts and deletes, the
dropping of this till's pending deltas whose events the page covers (`seq ≤
device_last_seq`: their effect is now in the replica, so counting both would count twice),
and the new cursor, saved by compare-and-set so two appliers can never interleave.

`must_refetch` (the cursor is older than the server keeps) rebuilds the replica from a
snapshot in shadow tables, page by page, while selling goes on from the old one; one last
transaction swaps them in. Pending deltas survive it. A rebuild interrupted by a crash
resumes from its last page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, MetaData, Table, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from pos_app.store.apply import apply_changes, replica_table
from pos_app.store.db import Store
from pos_app.store.sync import OutboxEvent, PendingDelta, SyncState
from pos_app.sync.client import SyncClient
from pos_app.sync.errors import SyncError
from pos_core.protocol.messages import Entity, PullPage

DEFAULT_PAGE_ROWS = 1000

Progress = Callable[[int], None]
"""Told the number of rows applied so far in this pull (for the UI's progress)."""


class CursorMoved(SyncError):
    """Someone else saved a cursor since this page was asked for; the page is not applied."""


@dataclass
class PullReport:
    pages: int = 0
    rows: int = 0
    refetched: bool = False
    device_last_seq: int = 0


# --- the state row ------------------------------------------------------------------------


def sync_state(session: Session) -> SyncState:
    state = session.get(SyncState, 1)
    if state is None:
        state = SyncState(id=1, acked_seq=0)
        session.add(state)
        session.flush()
    return state


@dataclass(frozen=True)
class _Position:
    cursor: str | None
    refetch_cursor: str | None
    high_seq: int


def _position(store: Store) -> _Position:
    with store.read() as session:
        state = session.get(SyncState, 1)
        return _Position(
            cursor=None if state is None else state.cursor,
            refetch_cursor=None if state is None else state.refetch_cursor,
            high_seq=high_seq(session),
        )


def high_seq(session: Session) -> int:
    """The highest seq this till has given an event (0 for none)."""
    return session.scalar(select(func.coalesce(func.max(OutboxEvent.seq), 0))) or 0


def _drop_covered_deltas(session: Session, device_last_seq: int) -> None:
    covered = select(OutboxEvent.id).where(
        OutboxEvent.seq.is_not(None), OutboxEvent.seq <= device_last_seq
    )
    session.execute(delete(PendingDelta).where(PendingDelta.event_id.in_(covered)))


def _save_cursor(session: Session, expected: str | None, cursor: str) -> None:
    saved = session.execute(
        update(SyncState)
        .where(SyncState.id == 1, SyncState.cursor.is_not_distinct_from(expected))
        .values(cursor=cursor)
    )
    if saved.rowcount != 1:  # type: ignore[attr-defined]
        raise CursorMoved("the pull cursor moved under this page; it will be asked for again")


def apply_page(store: Store, page: PullPage, expected_cursor: str | None) -> int:
    """Apply one page, drop the deltas it covers and save its cursor, all or nothing."""
    with store.write() as session:
        sync_state(session)
        applied = apply_changes(session, page.changes)
        _drop_covered_deltas(session, page.device_last_seq)
        _save_cursor(session, expected_cursor, page.cursor)
    return applied


# --- rebuilding from a snapshot ------------------------------------------------------------

_SHADOW_PREFIX = "shadow_"


def _shadows() -> dict[Entity, Table]:
    """Tables of the replica's columns and keys, without its indexes (fast to fill)."""
    metadata = MetaData()
    shadows: dict[Entity, Table] = {}
    for entity in Entity:
        real = replica_table(entity)
        shadows[entity] = Table(
            _SHADOW_PREFIX + real.name,
            metadata,
            *(Column(c.name, c.type, primary_key=c.primary_key) for c in real.columns),
        )
    return shadows


def begin_rebuild(session: Session) -> None:
    """Start rebuilding the replica from a snapshot (inside the caller's transaction)."""
    connection = session.connection()
    for table in _shadows().values():
        session.execute(text(f'DROP TABLE IF EXISTS "{table.name}"'))
        table.create(connection)
    sync_state(session).refetch_cursor = ""  # begun; no snapshot page applied yet


def _start_rebuild(store: Store) -> None:
    with store.write() as session:
        begin_rebuild(session)


def _swap_in(session: Session, shadows: dict[Entity, Table]) -> None:
    # Copying keeps the replica's own tables, indexes and names (what the migrations
    # know); one transaction, so readers see the old replica or the new, never a mix.
    for entity, shadow in shadows.items():
        real = replica_table(entity)
        names = [c.name for c in real.columns]
        session.execute(delete(real))
        session.execute(insert(real).from_select(names, select(*(shadow.c[n] for n in names))))
    for shadow in shadows.values():
        session.execute(text(f'DROP TABLE "{shadow.name}"'))


def rebuild(
    store: Store,
    client: SyncClient,
    *,
    limit: int = DEFAULT_PAGE_ROWS,
    progress: Progress | None = None,
) -> PullReport:
    """Rebuild the replica from a snapshot while the old one keeps serving the till."""
    report = PullReport(refetched=True)
    if _position(store).refetch_cursor is None:
        _start_rebuild(store)
    shadows = _shadows()
    while True:
        position = _position(store)
        cursor = position.refetch_cursor or None
        page = client.pull(cursor, limit, position.high_seq)
        if page.must_refetch:
            raise SyncError("the server asked for a new snapshot in the middle of one")
        with store.write() as session:
            report.rows += apply_changes(session, page.changes, into=shadows)
            state = sync_state(session)
            if state.refetch_cursor != (cursor or ""):
                raise CursorMoved("another rebuild moved the snapshot cursor")
            state.refetch_cursor = page.cursor
            if not page.has_more:
                _swap_in(session, shadows)
                _drop_covered_deltas(session, page.device_last_seq)
                state.cursor = page.cursor
                state.refetch_cursor = None
        report.pages += 1
        report.device_last_seq = page.device_last_seq
        if progress is not None:
            progress(report.rows)
        if not page.has_more:
            return report


# --- the loop -----------------------------------------------------------------------------


def pull_until_done(
    store: Store,
    client: SyncClient,
    *,
    limit: int = DEFAULT_PAGE_ROWS,
    progress: Progress | None = None,
) -> PullReport:
    """Pull and apply pages until `has_more` is false (rebuilding first if the server says)."""
    report = PullReport()
    while True:
        position = _position(store)
        if position.refetch_cursor is not None:
            rebuilt = rebuild(store, client, limit=limit, progress=progress)
            report.pages += rebuilt.pages
            report.rows += rebuilt.rows
            report.refetched = True
            report.device_last_seq = rebuilt.device_last_seq
            continue
        page = client.pull(position.cursor, limit, position.high_seq)
        if page.must_refetch:
            _start_rebuild(store)
            continue
        report.rows += apply_page(store, page, position.cursor)
        report.pages += 1
        report.device_last_seq = page.device_last_seq
        if progress is not None:
            progress(report.rows)
        if not page.has_more:
            return report

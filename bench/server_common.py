"""What the server benchmarks share: a scratch PostgreSQL database, a real server process,
machine and database facts, percentiles.

A benchmark is a script, not a test: it prints figures, with the CPU and the database's
durability settings beside them, so figures from two machines are never compared blind.
"""

from __future__ import annotations

import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = os.environ.get("OMNITILL_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()} ×{os.cpu_count()}"
    except OSError:
        pass
    return f"{platform.processor() or platform.machine()} ×{os.cpu_count()}"


def percentile(samples: Sequence[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def summary_ms(name: str, seconds: Sequence[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"   {name:<28} n={len(ms):>5}  median {statistics.median(ms):8.1f} ms  "
        f"p99 {percentile(ms, 99):8.1f} ms  max {max(ms):8.1f} ms"
    )


@contextmanager
def scratch_database(admin_url: str, keep: bool = False) -> Iterator[str]:
    """A new, empty PostgreSQL database (a SQLAlchemy URL), dropped afterwards."""
    name = f"omnitill_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rpartition("/")[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        if not keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def header(title: str, db_url: str) -> None:
    plain = db_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()
            for name in ("synchronous_commit", "fsync", "wal_level", "shared_buffers")
        }
    print(f"== {title}")
    print(f"   cpu          {cpu_model()}")
    print(f"   python       {sys.version.split()[0]} ({platform.platform()})")
    print(f"   database     PostgreSQL {version[0] if version else '?'} on 127.0.0.1")
    print("   durability   " + ", ".join(f"{k}={v[0] if v else '?'}" for k, v in settings.items()))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(db_url: str, workers: int) -> Iterator[str]:
    """`omnitill-server serve` on a loopback port until the block ends; yields its URL."""
    port = free_port()
    log = open(ROOT / "bench" / "out" / f"server-{port}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "sync_server.cli", "--db", db_url, "serve", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning"],
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start; see {log.name}")
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(30)
        log.close()

"""What every benchmark prints and shares: machine facts, percentiles, a cached till store.

A benchmark is a script, not a test: it prints figures. Each prints the CPU, the
filesystem its data lives on and the durability settings it ran with, so figures from
two machines are never compared blind.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()} ×{os.cpu_count()}"
    except OSError:
        pass
    return f"{platform.processor() or platform.machine()} ×{os.cpu_count()}"


def filesystem_of(path: Path) -> str:
    """The filesystem type and device a path lives on (df -T)."""
    try:
        out = (
            subprocess.run(["df", "-T", str(path)], capture_output=True, text=True, check=True)
            .stdout.splitlines()[-1]
            .split()
        )
        return f"{out[1]} on {out[0]} (mounted at {out[-1]})"
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "unknown"


def percentile(samples: Sequence[float], p: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(name: str, seconds: Sequence[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{name:<44} n={len(ms):>6}  median {statistics.median(ms):8.3f} ms  "
        f"p99 {percentile(ms, 99):8.3f} ms  max {max(ms):8.3f} ms"
    )


def header(title: str, data_path: Path) -> None:
    print(f"== {title}")
    print(f"   cpu         {cpu_model()}")
    print(f"   python      {sys.version.split()[0]} ({platform.platform()})")
    print(f"   data        {data_path}")
    print(f"   filesystem  {filesystem_of(data_path)}")


def cached_till_store(skus: int, seed: int = 2026, store_code: str = "S001") -> Path:
    """A till database seeded with `skus` demo products; built once, then reused."""
    from pos_app.store.db import open_store
    from pos_app.store.seed import seed_replica
    from pos_core.demo_data import DemoChain, DemoSizes

    OUT.mkdir(exist_ok=True)
    path = OUT / f"till-{skus}-{seed}-{store_code}.db"
    done = path.with_suffix(".ready")
    if path.exists() and done.exists():
        return path
    for stale in (path, done, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    print(f"   building a till store with {skus:,} products (cached for next time)…")
    started = time.perf_counter()
    chain = DemoChain.generate(seed, DemoSizes(products=skus))
    store = open_store(path)
    rows = seed_replica(
        store,
        chain,
        store_code,
        progress=lambda n: print(f"\r   {n:,} rows", end="", flush=True),
    )
    store.close()
    maintenance = sqlite3.connect(path)
    maintenance.execute("ANALYZE")
    maintenance.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    maintenance.close()
    print(f"\r   {rows:,} rows in {time.perf_counter() - started:.1f} s")
    done.write_text("ok\n")
    return path

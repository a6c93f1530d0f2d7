"""Adding a scanned item to a 100-line basket, with a large catalog (issue 3's target).

    .venv/bin/python bench/till_scan.py               # 1,000,000 SKUs (built once, cached)
    .venv/bin/python bench/till_scan.py --skus 100000

Each measurement is one `selling.scan` — the scan router, the catalog look-up, the price in
force, the new line and the basket's totals recomputed (tax per rate, allocated) — on a
basket that holds 100 lines before it; the basket is put back to its 100 lines after each.
Target: p99 under 5 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import percentile, summary_ms
from till_common import ready_till, sample_scans

from pos_app.services import selling


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=1_000_000)
    parser.add_argument("--scans", type=int, default=5_000)
    parser.add_argument("--lines", type=int, default=100)
    args = parser.parse_args()

    bench = ready_till(args.skus, f"scan into a {args.lines}-line basket, {args.skus:,} SKUs")
    till = bench.till
    codes = sample_scans(bench.store, args.scans + args.lines)
    for code in codes[: args.lines]:
        selling.scan(till, code)
    full = till.state.basket
    assert full is not None
    assert len(full.lines) == args.lines
    for code in codes[args.lines : args.lines + 200]:  # warm caches
        selling.scan(till, code)
        till.state.basket = full
    timings = []
    for code in codes[args.lines :]:
        started = time.perf_counter()
        added = selling.scan(till, code)
        timings.append(time.perf_counter() - started)
        assert isinstance(added, selling.LineAdded)
        assert added.totals.line_count == args.lines + 1
        till.state.basket = full
    bench.store.close()
    print(summary_ms(f"scan → line added ({args.lines} lines before)", timings))
    print(
        json.dumps(
            {
                "skus": args.skus,
                "scan_median_ms": round(percentile(timings, 50) * 1000, 3),
                "scan_p99_ms": round(percentile(timings, 99) * 1000, 3),
            }
        )
    )


if __name__ == "__main__":
    main()

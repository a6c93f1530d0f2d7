"""Completing a sale with a durable commit, with a large catalog (issue 3's target).

    .venv/bin/python bench/till_sale.py               # 1,000,000 SKUs (built once, cached)
    .venv/bin/python bench/till_sale.py --skus 100000 --lines 20

Each sale is rung (not timed), then the cash tender that settles it is timed: prices
re-read, the sale with its lines, tax, tenders, receipt number, outbox event, stock deltas,
print job and drawer kick written in one transaction and committed with
`synchronous=FULL` in WAL mode. Two figures:

- "sale durable": the call returns as soon as the commit is durable (the app's device
  thread then kicks the drawer and prints);
- "durable + drawer + receipt": the same call with the devices run inline (the drawer
  kick and the print queue's own two commits, to a recording printer), as the tests run.

Target: p99 under 25 ms.
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

from pos_app.services import payments, selling
from pos_app.services.devices import BackgroundDevices, InlineDevices
from pos_core.money import Money


def run(bench, codes, sales, lines) -> list[float]:
    till = bench.till
    timings = []
    for sale in range(sales):
        for code in codes[sale * lines : (sale + 1) * lines]:
            selling.scan(till, code)
        started = time.perf_counter()
        done = payments.tender_cash(till, Money.of(100_000)).completed
        timings.append(time.perf_counter() - started)
        assert done is not None
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=1_000_000)
    parser.add_argument("--sales", type=int, default=1_000)
    parser.add_argument("--lines", type=int, default=20)
    args = parser.parse_args()

    devices = BackgroundDevices()
    bench = ready_till(
        args.skus, f"complete a {args.lines}-line cash sale, {args.skus:,} SKUs", devices
    )
    codes = sample_scans(bench.store, (args.sales + 20) * args.lines)
    run(bench, codes, 20, args.lines)  # warm up
    devices.wait_idle()
    durable = run(bench, codes[20 * args.lines :], args.sales // 2, args.lines)
    devices.wait_idle()
    devices.close()
    bench.till.devices = InlineDevices()
    rest = codes[(20 + args.sales // 2) * args.lines :]
    inline = run(bench, rest, args.sales - args.sales // 2, args.lines)
    printed, kicks = len(bench.printer.printed), bench.drawer.kicks
    bench.store.close()
    print(summary_ms("sale durable (devices on their thread)", durable))
    print(summary_ms("durable + drawer + receipt (inline)", inline))
    print(f"   {printed} receipts printed, {kicks} drawer kicks")
    print(
        json.dumps(
            {
                "skus": args.skus,
                "lines": args.lines,
                "durable_p99_ms": round(percentile(durable, 99) * 1000, 3),
                "inline_p99_ms": round(percentile(inline, 99) * 1000, 3),
            }
        )
    )


if __name__ == "__main__":
    main()

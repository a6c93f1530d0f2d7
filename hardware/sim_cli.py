"""`omnitill-sim`: the simulators that ship with OmniTill (DESIGN §6).

    omnitill-sim printer [--port 9100] [--out DIR] [--paper 80]   a network printer
    omnitill-sim scanner [--link PATH] [CODE ...]                 a serial scanner (pty)
    omnitill-sim sample --host H --port P | --preview OUT.png     the sample receipt

`printer` listens on loopback until Ctrl-C, answers status queries, and writes each job
it receives as job-NNNN.bin/.txt/.png. `scanner` prints the port to put in the till's
devices.toml, then types each CODE (or each line of standard input) with CR LF.
`sample` prints the sample receipt to a printer, or renders its preview without one.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from hardware.emulator import PaperState, PrinterEmulator, ReceivedJob, decode_job
from hardware.errors import HardwareError
from hardware.escpos_render import render_document
from hardware.preview import render_preview
from hardware.printer import EscPosPrinter
from hardware.profile import ChineseMode, PrinterProfile
from hardware.sample_receipt import sample_receipt
from hardware.transports import TcpTransport
from hardware.virtual_scanner import VirtualScanner

TERMINATORS = {"crlf": b"\r\n", "cr": b"\r", "lf": b"\n", "tab": b"\t"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        return 0
    return code


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)  # unwinds the with-blocks: the pty and the port are released


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="omnitill-sim", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    printer = commands.add_parser("printer", help="an ESC/POS network printer on loopback")
    printer.add_argument("--host", default="127.0.0.1")
    printer.add_argument("--port", type=int, default=9100, help="0 picks a free port")
    printer.add_argument("--out", type=Path, help="write each job as .bin, .txt and .png here")
    printer.add_argument("--paper", type=int, choices=(58, 80), default=80)
    printer.add_argument(
        "--chinese-at-start",
        action="store_true",
        help="power up in Chinese mode (for the gb18030_raw and gbk profiles)",
    )
    printer.add_argument("--paper-state", choices=[p.value for p in PaperState], default="ok")
    printer.add_argument("--cover-open", action="store_true")
    printer.add_argument("--mute", action="store_true", help="never answer status queries")
    printer.add_argument(
        "--answer-delay", type=float, default=0.0, help="seconds before each status answer"
    )
    printer.set_defaults(run=_printer)

    scanner = commands.add_parser("scanner", help="a serial scanner on a pty")
    scanner.add_argument("codes", nargs="*", metavar="CODE", help="codes to type; else stdin")
    scanner.add_argument("--link", type=Path, help="also make this symlink to the port")
    scanner.add_argument("--terminator", choices=list(TERMINATORS), default="crlf")
    scanner.add_argument("--wait", type=float, default=0.0, help="seconds before typing")
    scanner.add_argument("--gap", type=float, default=0.3, help="seconds between codes")
    scanner.add_argument("--linger", type=float, default=1.0, help="seconds before closing")
    scanner.set_defaults(run=_scanner)

    sample = commands.add_parser("sample", help="print or preview the sample receipt")
    sample.add_argument("--host", default="127.0.0.1")
    sample.add_argument("--port", type=int, default=9100)
    sample.add_argument("--paper", type=int, choices=(58, 80), default=80)
    sample.add_argument(
        "--chinese", choices=[m.value for m in ChineseMode], default="gb18030_kanji"
    )
    sample.add_argument("--reprint", action="store_true")
    sample.add_argument("--training", action="store_true")
    sample.add_argument("--preview", type=Path, help="render to this PNG instead of printing")
    sample.set_defaults(run=_sample)
    return parser


def _printer(args: argparse.Namespace) -> int:
    def report(job: ReceivedJob) -> None:
        where = f" → {args.out / f'job-{job.number:04d}.png'}" if args.out else ""
        codes = f", QR {len(job.qr_payloads)}" if job.qr_payloads else ""
        ending = "cut" if job.cut else "no cut"
        print(f"job {job.number}: {len(job.lines)} lines{codes}, {ending}{where}", flush=True)

    emulator = PrinterEmulator(
        host=args.host,
        port=args.port,
        paper_mm=args.paper,
        chinese_at_start=args.chinese_at_start,
        out_dir=args.out,
        on_job=report,
    )
    emulator.paper = PaperState(args.paper_state)
    emulator.cover_open = args.cover_open
    emulator.mute = args.mute
    emulator.answer_delay_s = args.answer_delay
    with emulator:
        print(f"printer emulator listening on {args.host}:{emulator.port}", flush=True)
        threading.Event().wait()  # until Ctrl-C or SIGTERM
    return 0


def _scanner(args: argparse.Namespace) -> int:
    with VirtualScanner(link=args.link, terminator=TERMINATORS[args.terminator]) as scanner:
        print(f"scanner port: {scanner.port}", flush=True)
        if args.link is not None:
            print(f"(the pty is {scanner.slave_path})", flush=True)
        time.sleep(args.wait)
        codes = args.codes or (line.strip() for line in sys.stdin)
        for code in codes:
            if code:
                scanner.scan(code)
                print(f"typed {code}", flush=True)
                time.sleep(args.gap)
        time.sleep(args.linger)  # let the reader take the last code before the port closes
    return 0


def _sample(args: argparse.Namespace) -> int:
    profile = PrinterProfile(paper_mm=args.paper, chinese=ChineseMode(args.chinese))
    document = sample_receipt(reprint=args.reprint, training=args.training)
    if args.preview is not None:
        job = decode_job(
            render_document(document, profile),
            paper_mm=profile.paper_mm,
            chinese_at_start=profile.chinese in (ChineseMode.GB18030_RAW, ChineseMode.GBK),
        )
        render_preview(job).save(args.preview)
        print(f"sample receipt preview: {args.preview}", flush=True)
        return 0
    printer = EscPosPrinter(TcpTransport(args.host, args.port, 3.0, 10.0), profile)
    try:
        printer.print_document(document)
    except HardwareError as exc:
        print(f"not printed: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"sample receipt sent to {args.host}:{args.port}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

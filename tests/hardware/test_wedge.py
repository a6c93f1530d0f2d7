"""Done means: table-driven timed key sequences — a burst is found, a slow typist never
triggers it, a fast typist who pauses is not taken for a scan, prefix/suffix stripped."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hardware.wedge import ENTER, TAB, HeldKey, WedgeConfig, WedgeDetector, run_detector

Keys = list[tuple[str, float]]
DEFAULT = WedgeConfig()


def typed(text: str, start: float, gaps: list[float] | float) -> Keys:
    """`text` typed from `start` ms; "\\n" is Enter, "\\t" is Tab; gap(s) in ms between keys."""
    names = {"\n": ENTER, "\t": TAB}
    out, at = [], start
    for i, ch in enumerate(text):
        out.append((names.get(ch, ch), at))
        gap = gaps[i % len(gaps)] if isinstance(gaps, list) else gaps
        at += gap
    return out


@dataclass(frozen=True)
class Case:
    name: str
    keys: Keys
    codes: list[str]
    reached_widgets: str  # ⏎ Enter, ⇥ Tab
    config: WedgeConfig = DEFAULT


CASES = [
    Case("a scanner burst", typed("6901234567892\n", 0, 8), ["6901234567892"], ""),
    Case("a burst ended by Tab", typed("M0000012345\t", 0, 4), ["M0000012345"], ""),
    Case(
        "a slow typist never triggers it",
        typed("6901234567892\n", 0, [180, 120, 250, 95]),
        [],
        "6901234567892⏎",
    ),
    Case("a steady fast typist (60 ms)", typed("1234567\n", 0, 60), [], "1234567⏎"),
    Case(
        "a fast typist who pauses before Enter",
        [*typed("12345678", 0, 30), (ENTER, 30 * 7 + 300)],
        [],
        "12345678⏎",
    ),
    Case(
        "a fast typist in short runs with pauses",
        typed("12", 0, 25) + typed("345", 200, 30) + typed("67\n", 500, 35),
        [],
        "1234567⏎",
    ),
    Case("too short to be a code", typed("12\n", 0, 5), [], "12⏎"),
    Case(
        "typing, then a scan, then typing",
        typed("hi", 0, 150) + typed("4006381333931\n", 400, 6) + typed("ok", 600, 150),
        ["4006381333931"],
        "hiok",
    ),
    Case(
        "a burst cut short by another key is typing",
        [*typed("690123", 0, 5), ("Backspace", 30), *typed("4\n", 200, 150)],
        [],
        "690123<Backspace>4⏎",
    ),
    Case(
        "prefix and suffix are stripped",
        typed("]E06901234567892#\n", 0, 5),
        ["6901234567892"],
        "",
        WedgeConfig(prefix="]E0", suffix="#"),
    ),
    Case(
        "with a prefix, a fast burst without it is typing",
        typed("6901234567892\n", 0, 5),
        [],
        "6901234567892⏎",
        WedgeConfig(prefix="]E0"),
    ),
    Case(
        "a burst without the configured suffix is typing",
        typed("6901234567892\n", 0, 5),
        [],
        "6901234567892⏎",
        WedgeConfig(suffix="#"),
    ),
    Case(
        "a scanner that sends no terminator: the pause ends the code",
        typed("6901234567892", 0, 5) + typed("x", 400, 10),
        ["6901234567892"],
        "x",
        WedgeConfig(terminators=()),
    ),
    Case(
        "a 30 ms limit refuses a 35 ms burst that 40 ms accepts",
        typed("6901234567892\n", 0, 35),
        [],
        "6901234567892⏎",
        WedgeConfig(max_gap_ms=30),
    ),
    Case("…and 40 ms accepts it", typed("6901234567892\n", 0, 35), ["6901234567892"], ""),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_timed_key_sequences(case: Case) -> None:
    outcome = run_detector(case.keys, case.config)
    assert outcome.codes == case.codes
    assert outcome.typed == case.reached_widgets


def test_the_event_filter_is_told_to_hold_each_key_of_a_burst_then_given_the_code() -> None:
    detector = WedgeDetector()
    decisions = [detector.feed(key, at) for key, at in typed("4006381333931", 0, 5)]
    assert all(d.hold and not d.replay and d.code is None for d in decisions)
    assert detector.deadline() == 12 * 5 + 40
    end = detector.feed(ENTER, 65)
    assert (end.hold, end.code, end.replay) == (True, "4006381333931", ())
    assert detector.deadline() is None


def test_held_keys_come_back_in_order_when_the_burst_does_not_go_on() -> None:
    detector = WedgeDetector()
    assert detector.feed("a", 0).hold
    assert detector.feed("b", 20).hold
    assert detector.poll(50).replay == ()  # not yet: 30 ms since "b"
    released = detector.poll(61)
    assert released.replay == (HeldKey("a", 0), HeldKey("b", 20))
    assert not released.hold
    assert not detector.holding


def test_flush_gives_back_what_is_held_when_focus_moves() -> None:
    detector = WedgeDetector()
    detector.feed("6", 0)
    detector.feed("9", 5)
    assert [k.key for k in detector.flush().replay] == ["6", "9"]
    assert detector.feed(ENTER, 10).code is None  # nothing held any more: Enter passes


def test_a_held_down_key_repeating_fast_is_never_a_burst() -> None:
    detector = WedgeDetector()
    decisions = [detector.feed("0", i * 30.0, auto_repeat=i > 0) for i in range(8)]
    assert [d.hold for d in decisions] == [True] + [False] * 7
    assert decisions[1].replay == (HeldKey("0", 0),)
    assert detector.feed(ENTER, 240).code is None


def test_a_prefix_means_typing_never_waits() -> None:
    detector = WedgeDetector(WedgeConfig(prefix="]"))
    assert not detector.feed("a", 0).hold  # not the prefix: straight through
    assert detector.feed("]", 100).hold


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"max_gap_ms": 2}, "max_gap_ms = 2 is not 5 to 200"),
        ({"min_length": 0}, "min_length = 0 is below 1"),
        ({"terminators": ("Escape",)}, "are not Enter or Tab"),
    ],
)
def test_a_config_that_cannot_work_is_refused(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WedgeConfig(**settings)  # type: ignore[arg-type]

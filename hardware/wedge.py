"""Telling a keyboard-wedge scanner's burst from a person typing, by timing alone.

A wedge scanner types its code as keystrokes, a few milliseconds apart, then Enter (or
Tab). A person rarely keeps every gap under 40 ms for a whole code; a scanner always does.
The detector is pure (no Qt, no clock of its own): the till's Qt event filter feeds it
each key with the event's time and does what the decision says:

    decision = detector.feed(key, at_ms)
    for held in decision.replay:  deliver `held` to the widget now (it was typing)
    if decision.code:             a burst ended: route the code; its keys stay swallowed
    if decision.hold:             swallow this key (part of a burst, or may be)
    else:                         let this key through (after the replayed ones)

and, from a single-shot timer at `detector.deadline()`, calls `detector.poll(now_ms)`,
which replays keys held too long (a person who typed one fast pair and stopped) or,
for a scanner configured without a terminator, ends the burst. `flush()` gives the held
keys back at once (focus moved, window closed).

Times are milliseconds (float), as Qt's `QKeyEvent.timestamp()` and every scanner manual
give them; any monotonic clock will do (`time.monotonic() * 1000`). Keys are the text a
key produced (one character) or a key name: "Enter" (Return and keypad Enter), "Tab",
and anything longer — "Backspace", "Left", "F2" — which is never part of a burst.
Modifier-only presses (Shift, which a scanner uses for capitals) are not to be fed.

Rules, in order, for a key arriving `gap` ms after the previous held one:
- a gap above `max_gap_ms` ends the held run as typing (it is replayed);
- a character is held (with a configured prefix, only a run that starts with it is held,
  so typing never waits); a key repeat from a held-down key is never held;
- Enter/Tab within the gap ends a burst when the held run, less prefix and suffix, is at
  least `min_length` long and carries the configured suffix; otherwise the run was typing;
- any other key name ends the held run as typing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTER, TAB = "Enter", "Tab"
TERMINATOR_NAMES = {"enter": ENTER, "tab": TAB}


@dataclass(frozen=True, slots=True)
class WedgeConfig:
    max_gap_ms: float = 40.0  # scanners type every 2–15 ms; people rarely stay under 40
    min_length: int = 4  # the shortest code the store's scanners read, prefix/suffix excluded
    max_length: int = 512  # a run this long without a terminator is not a scan
    terminators: tuple[str, ...] = (ENTER, TAB)  # empty: the scanner sends none
    prefix: str = ""  # characters the scanner is programmed to send first
    suffix: str = ""  # … and last, before the terminator

    def __post_init__(self) -> None:
        if not 5 <= self.max_gap_ms <= 200:
            raise ValueError(f"max_gap_ms = {self.max_gap_ms} is not 5 to 200")
        if self.min_length < 1:
            raise ValueError(f"min_length = {self.min_length} is below 1")
        unknown = set(self.terminators) - {ENTER, TAB}
        if unknown:
            raise ValueError(f"terminators {sorted(unknown)} are not Enter or Tab")


@dataclass(frozen=True, slots=True)
class HeldKey:
    key: str
    at_ms: float


@dataclass(frozen=True, slots=True)
class WedgeDecision:
    hold: bool = False  # swallow the key just fed
    replay: tuple[HeldKey, ...] = ()  # deliver these first, in order: they were typing
    code: str | None = None  # a burst ended: this is the code, prefix and suffix removed


NOTHING = WedgeDecision()


@dataclass
class WedgeDetector:
    """Feed it keys with their times; it says which to hold, which to replay, which were a
    scan. One detector per window that takes scans."""

    config: WedgeConfig = field(default_factory=WedgeConfig)
    _held: list[HeldKey] = field(default_factory=list, init=False)

    @property
    def holding(self) -> bool:
        return bool(self._held)

    def deadline(self) -> float | None:
        """When to call `poll` (ms), or None when nothing is held."""
        return self._held[-1].at_ms + self.config.max_gap_ms if self._held else None

    def feed(self, key: str, at_ms: float, *, auto_repeat: bool = False) -> WedgeDecision:
        replay: tuple[HeldKey, ...] = ()
        if self._held and at_ms - self._held[-1].at_ms > self.config.max_gap_ms:
            replay = self._release()
        if key in self.config.terminators and self._held:
            code = self._code()
            if code is not None:
                self._held = []
                return WedgeDecision(hold=True, replay=replay, code=code)
            return WedgeDecision(hold=False, replay=replay + self._release())
        if len(key) != 1 or auto_repeat or not self._may_start(key):
            return WedgeDecision(hold=False, replay=replay + self._release())
        self._held.append(HeldKey(key, at_ms))
        if len(self._held) > self.config.max_length:
            return WedgeDecision(hold=False, replay=replay + self._release()[:-1])
        return WedgeDecision(hold=True, replay=replay)

    def poll(self, now_ms: float) -> WedgeDecision:
        """Call at `deadline()`: held keys whose burst did not go on are settled."""
        if not self._held or now_ms - self._held[-1].at_ms <= self.config.max_gap_ms:
            return NOTHING
        if not self.config.terminators:
            code = self._code()
            if code is not None:
                self._held = []
                return WedgeDecision(hold=False, code=code)
        return WedgeDecision(hold=False, replay=self._release())

    def flush(self) -> WedgeDecision:
        """Give every held key back as typing (focus moved, the window is closing)."""
        return WedgeDecision(hold=False, replay=self._release())

    def _may_start(self, key: str) -> bool:
        prefix = self.config.prefix
        if not prefix or len(self._held) >= len(prefix):
            return True
        return key == prefix[len(self._held)]

    def _code(self) -> str | None:
        text = "".join(h.key for h in self._held)
        prefix, suffix = self.config.prefix, self.config.suffix
        if not text.startswith(prefix) or not text.endswith(suffix):
            return None
        code = text[len(prefix) : len(text) - len(suffix)]
        return code if len(code) >= self.config.min_length else None

    def _release(self) -> tuple[HeldKey, ...]:
        held, self._held = tuple(self._held), []
        return held


@dataclass(frozen=True, slots=True)
class WedgeOutcome:
    codes: list[str]
    typed: str  # what reached the widgets, in order ("⏎" for Enter, "⇥" for Tab)


def run_detector(
    events: list[tuple[str, float]], config: WedgeConfig | None = None
) -> WedgeOutcome:
    """Play timed keys through a detector as the event filter would, polling on time, and
    return the scans found and the keys that reached the widgets. For tests and tuning."""
    detector = WedgeDetector(config or WedgeConfig())
    codes: list[str] = []
    typed: list[str] = []
    names = {ENTER: "⏎", TAB: "⇥"}

    def apply(decision: WedgeDecision, key: str | None) -> None:
        typed.extend(names.get(h.key, h.key) for h in decision.replay)
        if decision.code is not None:
            codes.append(decision.code)
        if key is not None and not decision.hold:
            typed.append(names.get(key, key if len(key) == 1 else f"<{key}>"))

    for key, at_ms in events:
        deadline = detector.deadline()
        if deadline is not None and at_ms > deadline:
            apply(detector.poll(at_ms), None)
        apply(detector.feed(key, at_ms), key)
    deadline = detector.deadline()
    if deadline is not None:
        apply(detector.poll(deadline + 1), None)
    return WedgeOutcome(codes, "".join(typed))

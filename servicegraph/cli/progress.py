"""A progress bar on stderr for long builds and validations: items done of the total, time elapsed.

Drawn only when the stream is a terminal (nothing in pipes, logs and tests), at most ten
times a second, and always at the last item. A `Progress` is the `progress(done, total)`
callback the builder (graph/build.py) and the validator take.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(
        self, label: str, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:  # fmt: skip
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self.clock = clock
        self.started = clock()
        self.shown = float("-inf")
        self.drawn = False
        self.on = self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if not self.on or (now - self.shown < 0.1 and done < total):
            return
        self.shown = now
        filled = WIDTH * done // total if total else WIDTH
        bar = "█" * filled + "·" * (WIDTH - filled)
        self.stream.write(f"\r{self.label} {bar} {done}/{total} {now - self.started:.0f} s")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """End the bar's line (when one was drawn)."""
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

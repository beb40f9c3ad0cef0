"""The CLI's progress bar (servicegraph/cli/progress.py): drawn on a terminal only, throttled, ended."""

from __future__ import annotations

import io

from servicegraph.cli.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_shows_items_done_of_the_total_and_the_time() -> None:
    now = [100.0]
    out = Terminal()
    with Progress("building", out, clock=lambda: now[0]) as bar:
        bar(1, 4)
        now[0] += 0.05
        bar(2, 4)  # within 0.1 s of the last drawing: skipped
        now[0] += 2
        bar(4, 4)
    drawings = out.getvalue().split("\r")[1:]
    assert drawings == [f"building {'█' * 7}{'·' * 23} 1/4 0 s", f"building {'█' * 30} 4/4 2 s\n"]


def test_the_last_item_is_always_drawn() -> None:
    out = Terminal()
    with Progress("validating", out, clock=lambda: 5.0) as bar:
        bar(1, 2)
        bar(2, 2)
    assert out.getvalue().endswith("2/2 0 s\n")


def test_nothing_is_written_outside_a_terminal() -> None:
    out = io.StringIO()
    with Progress("building", out) as bar:
        for done in range(1, 101):
            bar(done, 100)
    assert out.getvalue() == ""

"""A progress bar on stderr for long runs on a terminal: files done / total.

Only on a terminal (never in pipes, under CI, or for machine formats), and only once a run has
taken ``DELAY`` seconds, so short runs look as they always did. The bar is one line redrawn in
place and erased before findings are printed, so it never mixes with them.
"""
from __future__ import annotations

import os
import sys
import time
from typing import Callable, Optional, TextIO

DELAY = 2.0  # seconds before the bar appears
WIDTH = 30


def wanted(output_format: str, stream: Optional[TextIO] = None) -> bool:
    """``stream``: standard error as it is now (a default bound at import would outlive a redirection)."""
    stream = stream or sys.stderr
    return output_format in ("full", "concise") and not os.environ.get("CI") and stream.isatty()


class Progress:
    def __init__(self, total: int, enabled: bool, stream: Optional[TextIO] = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.enabled = total, enabled and total > 1
        self.stream = stream or sys.stderr
        self.clock = clock
        self.start = clock()
        self.done = 0
        self.shown = False

    def advance(self) -> None:
        self.done += 1
        if self.enabled and self.clock() - self.start >= DELAY:
            filled = WIDTH * self.done // self.total
            self.stream.write(f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total} files")
            self.stream.flush()
            self.shown = True

    def clear(self) -> None:
        """Erase the bar (before findings are printed, and at the end)."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False

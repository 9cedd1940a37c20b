"""One status line on a stream: rewritten in place on a terminal, plain lines elsewhere."""

from __future__ import annotations

import os
import shutil
import time
from typing import TextIO

from aa_tui.model.text import visible

#: seconds between plain lines when the stream is not a terminal (a log file, a pipe)
PLAIN_EVERY_S = 5.0


class StatusLine:
    """A line that a long run keeps current. On a terminal each :meth:`show` rewrites it in
    place; elsewhere a plain line is written at most every :data:`PLAIN_EVERY_S` seconds, or
    at once when the caller says the change matters (a new phase, the end)."""

    def __init__(self, stream: TextIO, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled
        self.tty = stream.isatty()
        self._width = 0
        self._last_plain = 0.0
        self._unwritten = ""  # the newest plain line not written yet (written at the end)

    def show(self, text: str, *, matters: bool = False) -> None:
        if not self.enabled:
            return
        text = visible(text)  # a name's own \r or escape sequence never reaches the terminal
        if self.tty:
            # a line wider than the terminal wraps, and "\r" rewrites only its last row: cut it
            room = self._columns() - 1
            if len(text) > room:
                text = text[: max(0, room - 1)] + "…"
            self.stream.write("\r" + text + " " * max(0, min(self._width, room) - len(text)))
            self._width = len(text)
        else:
            now = time.monotonic()
            if matters or now - self._last_plain > PLAIN_EVERY_S:
                self.stream.write(text + "\n")
                self._last_plain = now
                self._unwritten = ""
            else:
                self._unwritten = text
        self.stream.flush()

    def _columns(self) -> int:
        """The terminal's width now (it may change while the line is shown)."""
        try:
            return os.get_terminal_size(self.stream.fileno()).columns or 80
        except (AttributeError, OSError, ValueError):
            return shutil.get_terminal_size().columns

    def finish(self) -> None:
        """End the rewritten line (the next output starts on a line of its own); elsewhere,
        write the newest line if it was held back, so a log ends with where the run ended."""
        if self.enabled and self.tty and self._width:
            self.stream.write("\n")
            self._width = 0
            self.stream.flush()
        elif self.enabled and not self.tty and self._unwritten:
            self.stream.write(self._unwritten + "\n")
            self._unwritten = ""
            self.stream.flush()

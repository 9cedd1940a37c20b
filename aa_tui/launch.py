"""The process's entry point (``aa-tui``, ``python -m aa_tui``).

Ctrl-C is held back while the command's modules load, and handled once they have: a
``KeyboardInterrupt`` raised inside an import leaves half-made modules behind (a traceback, an
odd error such as a dataclass's ``__set_name__`` failing, once a crash), where a Ctrl-C a moment
later is one sentence and exit code 130.
"""

from __future__ import annotations

import signal
from types import FrameType

#: the Ctrl-Cs that came while the modules loaded
held: list[int] = []


def _hold_back(signum: int, frame: FrameType | None) -> None:
    held.append(signum)


def hold() -> None:
    """From now on, a Ctrl-C is noted in :data:`held` rather than raised."""
    signal.signal(signal.SIGINT, _hold_back)


def run() -> int:
    """The command line, told of the Ctrl-Cs held back (it lets them through once loaded)."""
    from aa_tui.cli.entry import main as command_line

    return command_line(held=held)


def main() -> int:
    """``aa-tui``: Ctrl-C held back from the start, then the command line (its exit code)."""
    hold()
    return run()

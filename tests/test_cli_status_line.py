"""The progress line on a stream that is not a terminal (a cron job's log, a pipe)."""

from __future__ import annotations

import io

from aa_tui.cli.status_line import StatusLine


def test_a_log_gets_each_phase_at_once_and_ends_with_where_the_run_ended():
    log = io.StringIO()  # not a terminal
    line = StatusLine(log)
    line.show("deleting: 0/3", matters=True)
    line.show("deleting: 1/3")  # within a few seconds: held back
    line.show("deleting: 2/3")
    assert log.getvalue() == "deleting: 0/3\n"
    line.finish()  # stopped here (an error, Ctrl-C): the log says 2/3, not 0/3
    assert log.getvalue() == "deleting: 0/3\ndeleting: 2/3\n"
    line.finish()
    assert log.getvalue().count("2/3") == 1


def test_a_quiet_line_writes_nothing():
    log = io.StringIO()
    line = StatusLine(log, enabled=False)
    line.show("deleting: 0/3", matters=True)
    line.finish()
    assert log.getvalue() == ""


def test_on_a_terminal_the_line_is_cut_to_its_width():
    """A line wider than the terminal wraps, and '\\r' rewrites only its last row: every
    update stacked a new row in an 80-column terminal (a tester saw dozens). A real
    pseudo-terminal of 60 columns: each rewrite fits in it."""
    import fcntl
    import os
    import select
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 60, 0, 0))
    stream = os.fdopen(slave, "w", encoding="utf-8")
    try:
        line = StatusLine(stream)
        assert line.tty
        long = "probing heads: 312/561 files (29/s) | 1,551 files 982.4 MiB | 1,226 requests"
        line.show(long)
        line.show("saving")
        line.finish()
        chunks = []
        while select.select([master], [], [], 0.5)[0]:  # all the terminal was sent
            chunks.append(os.read(master, 4096))
        written = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    finally:
        stream.close()
        os.close(master)
    rewrites = [part for part in written.rstrip("\n").split("\r") if part]
    assert rewrites[0].startswith("probing heads: 312/561") and rewrites[0].endswith("…")
    assert all(len(part) <= 59 for part in rewrites), [len(p) for p in rewrites]
    assert rewrites[1].startswith("saving")

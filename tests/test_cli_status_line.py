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

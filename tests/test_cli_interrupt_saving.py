"""Ctrl-C as ``aa-tui scan`` saves: nothing is left to stop, so it says the scan ends once
saved (not that it stays resumable), and the scan is complete. A real ``aa-tui`` subprocess
against the demo site; its saving held for a moment so that Ctrl-C lands in it."""

from __future__ import annotations

import signal

from helpers.cli import Scan, wait_for

from aa_tui.store.store import Store

#: aa-tui with its saving held back 2 s, told on stderr (the same command otherwise)
SLOW_SAVE = r"""
import sys, time
import aa_tui.scan.engine as engine

real = engine.save_files

def held(*args, **kwargs):
    sys.stderr.write("\nSAVING-HELD\n")
    sys.stderr.flush()
    time.sleep(2)
    return real(*args, **kwargs)

engine.save_files = held
sys.argv[0] = "aa-tui"
from aa_tui.launch import main  # what the aa-tui command runs: it sets its own Ctrl-C handling
sys.exit(main())
"""


def test_ctrl_c_while_saving_lets_the_scan_end_saved(demo_server, tmp_path):
    data = tmp_path / "data"
    running = Scan(demo_server, data, "--verify", "metadata", code=SLOW_SAVE)
    wait_for(running, lambda: any("SAVING-HELD" in line for line in running.lines), "saving")
    running.proc.send_signal(signal.SIGINT)
    assert running.wait() == 0, running.stderr
    assert "the scan is saving its results; it ends once saved." in running.stderr
    assert "--resume" not in running.stderr
    store = Store(data)
    try:
        (info,) = store.list_scans()
        assert info.status == "complete" and store.has_results(info.id)
    finally:
        store.close()

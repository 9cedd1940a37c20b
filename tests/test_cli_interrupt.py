"""A Ctrl-C while ``aa-tui`` loads its modules is one sentence and exit code 130: raised inside
an import it left tracebacks, odd errors and once a crash (a tester's Ctrl-C in the first
tenth of a second)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers.cli import cli_env

#: ``aa-tui ARGS`` with a Ctrl-C that comes once Ctrl-C is held back, before any module loads
CTRL_C_WHILE_LOADING = (
    "import os, signal, sys\n"
    "from aa_tui import launch\n"
    "launch.hold()\n"
    "os.kill(os.getpid(), signal.SIGINT)\n"
    "sys.argv[1:] = {args!r}\n"
    "raise SystemExit(launch.run())\n"
)


@pytest.mark.parametrize(
    "args", [["scans"], ["report", "20261206-000000-abcd", "--json", "r.json"], ["demo-site"]]
)
def test_a_ctrl_c_while_the_modules_load_is_one_sentence(tmp_path, args):
    result = subprocess.run(
        [sys.executable, "-c", CTRL_C_WHILE_LOADING.format(args=args)],
        env=cli_env(tmp_path / "data"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (130, "aa-tui: interrupted.\n")
    assert not (tmp_path / "data").exists()  # nothing was begun


def test_once_loaded_a_ctrl_c_interrupts_again(tmp_path):
    """The hold ends when the modules have loaded: a later Ctrl-C stops the command."""
    code = (
        "import signal\n"
        "from aa_tui import launch\n"
        "launch.hold()\n"
        "import aa_tui.cli.entry as entry\n"
        "def stop(args):\n"
        "    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler\n"
        "    raise KeyboardInterrupt\n"
        "entry._dispatch = stop\n"
        "import sys; sys.argv[1:] = ['scans']\n"
        "raise SystemExit(launch.run())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=cli_env(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (130, "aa-tui: interrupted.\n")


def test_every_command_has_its_modules_loaded_while_ctrl_c_is_held():
    """ARCHITECTURE's rule for a new command: its module in entry._MODULES (else a Ctrl-C
    while it loads is the traceback again)."""
    import argparse

    from aa_tui.cli.entry import _MODULES
    from aa_tui.cli.parser import build_parser

    parser = build_parser([])
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert {*commands.choices, None} == set(_MODULES)

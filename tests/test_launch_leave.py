"""The process ends once its command has: exit handlers run and output flushed, its objects
not freed one by one (``launch.leave``), but the ordinary way while a non-daemon thread still
works. Real subprocesses."""

from __future__ import annotations

import subprocess
import sys

LEAVES = r"""
import atexit, sys, threading, time
from aa_tui import launch

class Noisy:
    def __del__(self):
        sys.stdout.write("freed\n")

kept = Noisy()  # freed one by one at an ordinary exit
atexit.register(lambda: sys.stdout.write("handler ran\n"))
sys.stdout.write("x" * 200_000 + "\n")  # more than a pipe's buffer: flushed before the end
if sys.argv[1] == "worker":
    def work():
        time.sleep(0.5)
        sys.stdout.write("worker done\n")
    threading.Thread(target=work).start()
sys.exit(launch.leave(int(sys.argv[2])))
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LEAVES, *args], capture_output=True, text=True, timeout=60
    )


def test_it_ends_at_once_with_its_handlers_run_and_its_output_whole():
    done = _run("alone", "3")
    assert done.returncode == 3, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "x" * 200_000 and lines[1:] == ["handler ran"]  # nothing freed


def test_a_thread_still_working_is_waited_for_as_by_an_ordinary_exit():
    done = _run("worker", "0")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == ["worker done", "handler ran", "freed"]


def test_what_a_command_leaves_to_the_end_is_kept_one_of_a_kind():
    import weakref

    from aa_tui.memory import leave_to_the_end

    class Outcome:
        pass

    first, second = Outcome(), Outcome()
    kept = weakref.ref(first)
    leave_to_the_end("test", first)
    del first
    assert kept() is not None  # left for the process's end
    leave_to_the_end("test", second)  # the next command's replaces it
    assert kept() is None


CLOSED = r"""
import sys
from aa_tui import launch

if sys.argv[1] == "closed":
    sys.stdout.close()
else:
    sys.stdout = None
sys.exit(launch.leave(int(sys.argv[2])))
"""


def test_a_closed_or_missing_stdout_is_passed_over_as_by_an_ordinary_exit():
    for how in ("closed", "none"):
        for code in (0, 4):
            done = subprocess.run(
                [sys.executable, "-c", CLOSED, how, str(code)],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == code and "Traceback" not in done.stderr, (how, done)

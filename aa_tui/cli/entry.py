"""The command line's entry point: parse, mask secrets in what is printed, dispatch to the
command's module, turn any error into one sentence and an exit code."""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from typing import TYPE_CHECKING, Any, TextIO

from aa_tui.cli.parser import build_parser
from aa_tui.model.text import visible

if TYPE_CHECKING:
    from aa_tui.service.workspace import Workspace


class _Redacting:
    """A text stream that masks every registered secret (``aa_tui.logs``) before writing, and
    shows each control or bidi character of what it writes as a visible one (a file name from
    Jira may hold an escape sequence), but for the line breaks of ``keep``.

    When the reader of a pipe goes away (``aa-tui scans | head -1``), what is left to print goes
    to the null device, as Python's documentation advises for ``BrokenPipeError``: the command
    ends quietly with its own exit code, as ``ls | head`` does.
    """

    def __init__(self, stream: TextIO, keep: str = "\n") -> None:
        self._stream = stream
        self._keep = keep
        self.reader_gone = False

    def write(self, text: str) -> int:
        from aa_tui.logs import redact

        if self.reader_gone:
            return len(text)
        try:
            return self._stream.write(visible(redact(text), keep=self._keep))
        except BrokenPipeError:
            self._discard()
            return len(text)

    def flush(self) -> None:
        if self.reader_gone:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._discard()

    def _discard(self) -> None:
        """Point the stream's descriptor at the null device: the exit's flush then succeeds."""
        self.reader_gone = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):  # not a real descriptor (a test's capture)
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main(argv: list[str] | None = None, *, held: list[int] | None = None) -> int:
    """Run ``aa-tui`` with ``argv`` (default: the process's arguments); the exit code.
    ``held``: the Ctrl-Cs held back while the modules load (see :mod:`aa_tui.launch`), let
    through once the command's modules have loaded."""
    argv = _dashed_values_joined(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if held is not None:
        _load(args.command)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if held:
            print("aa-tui: interrupted.", file=sys.stderr)
            return 130
    if args.command in (None, "demo"):  # the app owns the terminal
        return _main(args)
    from aa_tui.logs import register_secret
    from aa_tui.service.errors import ENV_TOKEN

    # Whatever a message quotes back (a pasted URL, a server's error text), the token is masked.
    register_secret(os.environ.get(ENV_TOKEN, "").strip())
    out, err = sys.stdout, sys.stderr
    redacted = _Redacting(out)
    # (stderr keeps \r: the status line rewrites itself; it makes its own text visible)
    sys.stdout, sys.stderr = redacted, _Redacting(err, keep="\n\r")
    try:
        code = _main(args)
        redacted.flush()  # a closed pipe is found here, not in the interpreter's exit
        return code
    finally:
        sys.stdout, sys.stderr = out, err


#: options whose value may start with a dash and a digit without being a number (a size:
#: ``--cap -5GB``), which argparse takes for an option ("expected one argument")
_DASHED_VALUES = ("--cap",)
_DIGITS = frozenset("0123456789.")


def _dashed_values_joined(argv: list[str]) -> list[str]:
    """``argv`` with ``--cap -5GB`` given as ``--cap=-5GB``: the option's own check then
    says what is wrong with the value."""
    out: list[str] = []
    at = 0
    while at < len(argv):
        arg = argv[at]
        if arg == "--":  # the rest is positional
            return out + argv[at:]
        value = argv[at + 1] if arg in _DASHED_VALUES and at + 1 < len(argv) else ""
        if value[:1] == "-" and value[1:2] in _DIGITS:  # (not an option, nor "--")
            out.append(f"{arg}={value}")
            at += 2
        else:
            out.append(arg)
            at += 1
    return out


#: what each command imports on its way (its module, the service's and the store's)
_MODULES = {
    "scan": "aa_tui.cli.scan",
    "scans": "aa_tui.cli.scan",
    "clean": "aa_tui.cli.clean",
    "audit": "aa_tui.cli.clean",
    "restore": "aa_tui.cli.clean",
    "report": "aa_tui.cli.report",
    "demo-site": "aa_tui.demo.cli_options",
    "demo": "aa_tui.tui.app",
    None: "aa_tui.tui.app",
}


def _load(command: str | None) -> None:
    """Import what ``command`` runs (a Ctrl-C meanwhile is held back by the caller)."""
    for name in ("aa_tui.logs", "aa_tui.service.errors", "aa_tui.service.workspace"):
        importlib.import_module(name)
    if command in _MODULES:
        importlib.import_module(_MODULES[command])


def _main(args: argparse.Namespace) -> int:
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        print("aa-tui: interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # the last guard: one sentence, never a traceback
        from aa_tui.service.errors import describe

        problem = describe(exc)
        if problem.unexpected:
            print(f"aa-tui: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        else:
            print(f"aa-tui: {problem.message}", file=sys.stderr)
        return problem.exit_code


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command == "demo-site":
        from aa_tui.demo.cli_options import serve_forever

        return serve_forever(args)
    if command in (None, "demo"):
        from aa_tui.tui.app import run_app, run_demo

        if command == "demo":
            from aa_tui.service.demo import idle_projects

            return run_demo(
                data_dir=args.data_dir,
                issues=args.issues,
                seed=args.seed,
                data_center=args.data_center,
                idle_projects=(
                    None if args.idle_projects is None else idle_projects(args.idle_projects)
                ),
            )
        return run_app(data_dir=args.data_dir)
    workspace = _open_workspace(args.data_dir)
    try:
        if command == "scan":
            from aa_tui.cli.scan import run_scan

            return run_scan(args, workspace)
        if command == "scans":
            from aa_tui.cli.scan import list_scans

            return list_scans(workspace)
        if command in ("clean", "audit", "restore"):
            from aa_tui.cli.clean import run

            return run(args, workspace)
        from aa_tui.cli.report import run_report

        return run_report(args, workspace)
    finally:
        workspace.close()


def _open_workspace(data_dir: str | None) -> Workspace:
    from aa_tui.logs import setup_logging
    from aa_tui.service.workspace import Workspace

    workspace = Workspace.open(data_dir)
    setup_logging(workspace.data_dir)
    for warning in workspace.warnings:
        print(f"aa-tui: warning: {warning}", file=sys.stderr)
    return workspace

"""Export one scan as the JSON report or a folder of CSV files."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

from aa_tui.service.workspace import ScanResults
from aa_tui.tui.messages import Exported
from aa_tui.tui.screens.base import AppModal
from aa_tui.tui.widgets.inputs import TextInput


def default_path(scan_id: str, kind: str, base: Path | None = None) -> Path:
    base = base or Path.cwd()
    return base / (f"aa-tui-{scan_id}.json" if kind == "json" else f"aa-tui-{scan_id}-csv")


def _exists(path: Path, kind: str) -> bool:
    """Whether an export would overwrite something: the JSON file, or CSV files in the folder."""
    if kind == "json":
        return path.exists()
    return path.is_dir() and any(path.glob("*.csv"))


class ExportScreen(AppModal[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Cancel", id="export.cancel"),
        Binding("ctrl+s", "export", "Export", id="export.run"),
    ]
    DEFAULT_CLASSES = "dialog"  # the frame and the buttons' row: app.tcss
    DEFAULT_CSS = """
    ExportScreen > Vertical { width: 90; max-width: 100%; border: thick $primary; }
    ExportScreen RadioSet { width: 100%; margin-bottom: 1; }
    ExportScreen #export-status { height: auto; margin: 1 0; }
    """

    def __init__(
        self, scan_id: str, results: ScanResults | None, *, base: Path | None = None
    ) -> None:
        super().__init__()
        self.scan_id = scan_id
        self.results = results
        self.base = base

    #: what is exported, and the two kinds (the first chosen at first)
    HEADING = "Export this scan as it was scanned: every table and every duplicate group"
    KINDS = (
        ("json", "JSON: one file, schema aa-tui.report/2"),
        ("csv", "CSV: a folder with one file per table"),
    )

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.heading(), markup=False)
            with RadioSet(id="format"):
                for n, (_, label) in enumerate(self.KINDS):
                    yield RadioButton(label, value=n == 0)
            yield TextInput(str(self.path_for(self.KINDS[0][0])), id="path")
            yield Static(id="export-status", markup=False)
            with Horizontal():
                yield Button("Export", id="run", variant="success")
                yield Button("Cancel", id="cancel")

    def heading(self) -> str:
        return self.HEADING

    def path_for(self, kind: str) -> Path:
        """Where an export of ``kind`` goes unless another path is typed."""
        return default_path(self.scan_id, kind, self.base)

    def exists(self, path: Path, kind: str) -> bool:
        """Whether writing ``path`` would replace something."""
        return _exists(path, kind)

    def write(self, path: Path, kind: str) -> str:
        """Write the export (in a thread): what was written, in a sentence."""
        json_path, csv_dir = (path, None) if kind == "json" else (None, path)
        done = self.workspace.export(
            self.scan_id, json_path=json_path, csv_dir=csv_dir, results=self.results
        )
        return " · ".join(done.lines())

    @property
    def kind(self) -> str:
        return self.KINDS[max(self.query_one(RadioSet).pressed_index, 0)][0]

    @on(RadioSet.Changed)
    def _kind_changed(self) -> None:
        self.query_one("#path", TextInput).value = str(self.path_for(self.kind))

    @on(Button.Pressed, "#run")
    def _pressed_run(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#cancel")
    def _pressed_cancel(self) -> None:
        self.dismiss()

    @on(TextInput.Submitted)
    def _submitted(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        raw = self.query_one("#path", TextInput).value.strip()
        if not raw:
            self.query_one("#export-status", Static).update("Type where to write the report.")
            return
        path, kind = Path(raw).expanduser(), self.kind
        if self.exists(path, kind):
            from aa_tui.tui.screens.confirm import ConfirmScreen

            what = "folder's CSV files" if path.is_dir() else "file"
            self.app.push_screen(
                ConfirmScreen(f"{path} exists: replace the {what}?", yes="Replace"),
                lambda yes: self._start(path, kind) if yes else None,
            )
            return
        self._start(path, kind)

    def _start(self, path: Path, kind: str) -> None:
        self.query_one("#export-status", Static).update("Writing…")
        self._write(path, kind)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def _write(self, path: Path, kind: str) -> None:
        self.post_message(Exported(self.write(path, kind)))

    def on_exported(self, message: Exported) -> None:
        self.app.notify(message.text, title="Export")
        self.dismiss()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:  # the base class shows the reason in a modal
            self.query_one("#export-status", Static).update("Export failed (see the message).")

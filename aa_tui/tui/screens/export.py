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
    ExportScreen > Vertical { width: 90; border: thick $primary; }
    ExportScreen RadioSet { width: 100%; margin-bottom: 1; }
    ExportScreen #export-status { height: auto; margin: 1 0; }
    """

    def __init__(self, scan_id: str, results: ScanResults, *, base: Path | None = None) -> None:
        super().__init__()
        self.scan_id = scan_id
        self.results = results
        self.base = base

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Export this scan (every table and every duplicate group)")
            with RadioSet(id="format"):
                yield RadioButton("JSON: one file, schema aa-tui.report/2", value=True)
                yield RadioButton("CSV: a folder with one file per table")
            yield TextInput(str(default_path(self.scan_id, "json", self.base)), id="path")
            yield Static(id="export-status", markup=False)
            with Horizontal():
                yield Button("Export", id="run", variant="success")
                yield Button("Cancel", id="cancel")

    @property
    def kind(self) -> str:
        return "csv" if self.query_one(RadioSet).pressed_index == 1 else "json"

    @on(RadioSet.Changed)
    def _kind_changed(self) -> None:
        self.query_one("#path", TextInput).value = str(
            default_path(self.scan_id, self.kind, self.base)
        )

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
        if _exists(path, kind):
            from aa_tui.tui.screens.confirm import ConfirmScreen

            what = "file" if kind == "json" else "folder's CSV files"
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
        json_path, csv_dir = (path, None) if kind == "json" else (None, path)
        done = self.workspace.export(
            self.scan_id, json_path=json_path, csv_dir=csv_dir, results=self.results
        )
        self.post_message(Exported(" · ".join(done.lines())))

    def on_exported(self, message: Exported) -> None:
        self.app.notify(message.text, title="Export")
        self.dismiss()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:  # the base class shows the reason in a modal
            self.query_one("#export-status", Static).update("Export failed (see the message).")

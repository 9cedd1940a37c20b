"""Every file a cleanup of this store deleted (or found gone), newest last, as ``aa-tui audit``."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from aa_tui.model.cleanup import AuditEntry, Outcome
from aa_tui.model.units import size_text
from aa_tui.tui import format as fmt
from aa_tui.tui.messages import AuditRead
from aa_tui.tui.screens.base import AppScreen
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.tables import VimDataTable

STYLE = {Outcome.DELETED: "green", Outcome.ALREADY_GONE: "cyan", Outcome.SKIPPED: "yellow"}


class AuditScreen(AppScreen):
    """The write-ahead audit of every cleanup: when, what, where its kept copy is, by whom."""

    HELP_GROUP = "Audit"
    BINDINGS = [
        Binding("a", "toggle_all", "Also files left alone", id="audit.all"),
        Binding("escape,backspace", "app.pop_screen", "Back", id="audit.back"),
    ]
    DEFAULT_CSS = """
    AuditScreen #audit-head { padding: 0 1; height: auto; }
    AuditScreen VimDataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.include_skipped = False
        self.entries: list[AuditEntry] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("Reading the audit…", id="audit-head")
        yield VimDataTable(id="audit")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VimDataTable).add_columns(
            "When", "Outcome", "Size", "File", "Issue", "Kept copy", "By", "Plan", "Why"
        )
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def _read(self) -> None:
        entries = self.workspace.cleanup().audit(include_skipped=self.include_skipped)
        self.post_message(AuditRead(entries))

    def on_audit_read(self, message: AuditRead) -> None:
        self.entries = message.entries
        table = self.query_one(VimDataTable)
        table.clear()
        for e in self.entries:
            restored = f" (restored as {e.restored_as})" if e.restored_as else ""
            table.add_row(
                fmt.date(e.at),
                Text(str(e.outcome) + restored, style=STYLE.get(e.outcome, "")),
                Text(size_text(e.size), justify="right"),
                e.file_name,
                f"{e.issue_key} ({e.attachment_id})",
                f"{e.keep_issue_key} ({e.keep_id})",
                e.actor,
                e.plan_id,
                e.reason,
            )
        freed = sum(e.size for e in self.entries if e.outcome is Outcome.DELETED)
        deleted = sum(1 for e in self.entries if e.outcome is Outcome.DELETED)
        if not self.entries:
            head = Text(
                "No deletions yet: mark copies in a scan's results (Space), then D reviews them.",
                style="italic",
            )
        else:
            head = Text.assemble(
                (f"{fmt.count(len(self.entries))} files", "bold"),
                " touched by cleanups of this store; ",
                (f"{fmt.count(deleted)} deleted by aa-tui, {size_text(freed)} freed", "bold green"),
                ". Every file removed has a kept copy with the same bytes (right column).",
            )
        head.append(
            "  a: " + ("hide" if self.include_skipped else "show") + " the files left alone.",
            style="dim",
        )
        self.query_one("#audit-head", Static).update(head)
        table.focus()

    def action_toggle_all(self) -> None:
        self.include_skipped = not self.include_skipped
        self._read()

"""Every file a cleanup of this store deleted (or found gone), newest last, as ``aa-tui audit``;
restore a file, an issue's files or a whole run from the run's archive (a confirmation first,
then progress and the outcome on the screen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static
from textual.worker import Worker

from aa_tui.model.audit_totals import AuditTotals
from aa_tui.model.cleanup import AuditEntry, CleanupProgress, Outcome
from aa_tui.model.errors import Face
from aa_tui.model.units import counted, size_text
from aa_tui.service.cleanup import RestoreScope
from aa_tui.service.errors import Cancelled, describe
from aa_tui.tui import format as fmt
from aa_tui.tui.messages import AuditRead, CleanupProgressed, RestoreEnded, RestorePlanned
from aa_tui.tui.safe import plain
from aa_tui.tui.screens.base import FOLLOW_S, AppScreen
from aa_tui.tui.screens.cleanup.review import token_for
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.reason_line import ReasonLine
from aa_tui.tui.widgets.tables import VimDataTable

if TYPE_CHECKING:
    from aa_tui.service.cleanup import RestorePlan, RestoreRun

STYLE = {Outcome.DELETED: "green", Outcome.ALREADY_GONE: "cyan", Outcome.SKIPPED: "yellow"}


class AuditScreen(AppScreen):
    """The write-ahead audit of every cleanup: when, what, where its kept copy is, by whom."""

    HELP_GROUP = "Audit"
    BINDINGS = [
        Binding("a", "toggle_all", "Also files left alone", id="audit.all"),
        Binding("r", "restore('file')", "Restore file", id="audit.restore_file"),
        Binding("i", "restore('issue')", "Restore issue", id="audit.restore_issue"),
        Binding("R", "restore('plan')", "Restore run", id="audit.restore_run"),
        Binding("escape,backspace", "back", "Back", id="audit.back"),
    ]
    DEFAULT_CSS = """
    AuditScreen #audit-head { padding: 0 1; height: auto; }
    AuditScreen #audit-restore { padding: 0 1; height: auto; display: none; }
    AuditScreen #audit-restore.shown { display: block; }
    AuditScreen VimDataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.include_skipped = False
        self.entries: list[AuditEntry] = []
        self.job: RestoreRun | None = None  # the restore running, if one is
        self._stamp: tuple[tuple[str, int, int], ...] = ()  # the journals when last read
        self._reading: Worker[None] | None = None  # the read in flight, if one is

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("Reading the audit…", id="audit-head")
        yield Static("", id="audit-restore")
        yield VimDataTable(id="audit")
        yield ReasonLine(id="audit-why")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VimDataTable).add_columns(
            "When", "Outcome", "Size", "File", "Issue", "Kept copy", "By", "Plan", "Why"
        )
        self._read()
        self.set_interval(FOLLOW_S, self._follow_store)

    def _read(self) -> None:
        self._stamp = self.workspace.cleanup().audit_stamp()  # (first: a write meanwhile shows)
        self._reading = self._read_entries()

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def _read_entries(self) -> None:
        entries = self.workspace.cleanup().audit(include_skipped=self.include_skipped)
        self.post_message(AuditRead(entries))

    def _follow_store(self) -> None:
        """Read the audit again when another aa-tui wrote to it (a cleanup or a restore from
        the command line, a weekly job), as History follows the scans."""
        # (not while a read is in flight: a long one would be overtaken by the next, and
        # the older answer could land last)
        reading = self._reading is not None and not self._reading.is_finished
        idle = self.is_current and self.job is None and not reading
        if idle and self.workspace.cleanup().audit_stamp() != self._stamp:
            self._read()

    def on_data_table_row_highlighted(self, event: VimDataTable.RowHighlighted) -> None:
        """The highlighted file's reason in full under the list (the column cuts it)."""
        row = event.cursor_row
        reason = self.entries[row].reason if 0 <= row < len(self.entries) else ""
        self.query_one("#audit-why", ReasonLine).show(row, reason)

    def on_audit_read(self, message: AuditRead) -> None:
        table = self.query_one(VimDataTable)
        row = table.cursor_row  # the cursor stays on its file when the audit is read again
        was = _key(self.entries[row]) if 0 <= row < len(self.entries) else None
        self.entries = message.entries
        table.clear()
        for e in self.entries:
            restored = f" (restored as {e.restored_as})" if e.restored_as else ""
            table.add_row(
                fmt.date(e.at),
                Text(str(e.outcome) + restored, style=STYLE.get(e.outcome, "")),
                Text(size_text(e.size), justify="right"),
                e.file_name,
                f"{e.issue_key} ({e.attachment_id})",
                f"{e.keep_issue_key} ({e.keep_id})" if e.keep_id else _only_copy(e),
                e.actor,
                e.plan_id,
                e.reason,
            )
        totals = AuditTotals.of(self.entries)
        if not self.entries:
            head = Text(
                "No deletions yet: mark copies in a scan's results (Space), then D reviews them.",
                style="italic",
            )
        else:
            head = Text.assemble(
                (f"{fmt.count(len(self.entries))} files", "bold"),
                " touched by cleanups of this store; ",
                (
                    f"{fmt.count(totals.deleted)} deleted by aa-tui, "
                    f"{size_text(totals.freed)} freed",
                    "bold green",
                ),
                f"{totals.restored_since()}. Every file removed has a copy of its bytes: on Jira "
                "(Kept copy) or in its run's archive.",
            )
        head.append(
            "  a: "
            + ("hide" if self.include_skipped else "show")
            + " the files left alone"
            + (
                "; r, i, R restore the file, its issue's files, its whole run from the archive."
                if self.entries
                else "."
            ),
            style="dim",
        )
        self.query_one("#audit-head", Static).update(head)
        keys = [_key(e) for e in self.entries]
        if self.entries:  # else on the row it was on, as History keeps it
            table.move_cursor(
                row=keys.index(was) if was in keys else max(0, min(row, len(keys) - 1))
            )
        table.focus()

    def action_toggle_all(self) -> None:
        self.include_skipped = not self.include_skipped
        self._read()

    # -- restore --------------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        line = self.query_one("#audit-restore", Static)
        line.update(plain(text, lines=True))  # it may quote a path or Jira's words
        line.add_class("shown")

    def action_restore(self, what: str) -> None:
        if self.job is not None:
            self.notify("A restore is running; wait for it to end.", severity="warning")
            return
        table = self.query_one(VimDataTable)
        if not self.entries or table.cursor_row >= len(self.entries):
            return
        e = self.entries[table.cursor_row]
        if what == "file":
            scope, words = RestoreScope(file=e.attachment_id), f"{e.file_name} on {e.issue_key}"
        elif what == "issue":
            scope, words = RestoreScope(issue=e.issue_key), f"the files of {e.issue_key}"
        else:
            scope, words = RestoreScope(), f"every file of plan {e.plan_id}"
        self._say(f"Checking the archived copies of {words}…")
        self._plan(e.plan_id, scope, words)

    @work(thread=True, exclusive=True, exit_on_error=False, group="restore")
    def _plan(self, plan_id: str, scope: RestoreScope, words: str) -> None:
        plan = self.workspace.cleanup().audit_restore_plan(plan_id, scope)
        self.post_message(RestorePlanned(plan, words))

    def on_restore_planned(self, message: RestorePlanned) -> None:
        plan = message.plan
        pending = plan.pending
        back = "is" if len(plan.done) == 1 else "are"
        done = f" {len(plan.done):,} {back} back already." if plan.done else ""
        bad = (
            f" {len(plan.problems):,} cannot be restored: {plan.problems[0].problem}."
            if plan.problems
            else ""
        )
        if not pending:
            self._say(f"Nothing to restore of {message.what}.{done}{bad}")
            return
        size = size_text(sum(i.size for i in pending))
        self._say(
            f"Restore {message.what}: {fmt.counted(len(pending), 'file')}, {size}.{done}{bad}"
        )
        question = (
            f"Upload {fmt.counted(len(pending), 'file')} ({size}) from the archive back to their issues on "
            f"{self.app.site_label(plan.site)}? Each gets a new attachment id; its bytes are "
            f"read back from Jira and checked by SHA-256.{bad}"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._start(plan)
            else:
                self._say("Restore cancelled: nothing was uploaded.")

        self.app.push_screen(ConfirmScreen(question, yes="Restore"), answered)

    def _start(self, plan: RestorePlan) -> None:
        token = token_for(self, plan.site, plan.email)
        if token is None:
            self._say("Restore not started: no API token for the site.")
            return

        def listener(event: CleanupProgress) -> None:
            self.post_message(CleanupProgressed(event))

        self.job = self.workspace.cleanup().restore(plan, token, listener=listener)
        self._say(
            f"Restoring {fmt.counted(len(plan.pending), 'file')}… Esc stops after the uploads in flight."
        )
        self._restore(self.job)

    @work(thread=True, exclusive=True, exit_on_error=False, group="restore")
    def _restore(self, job: RestoreRun) -> None:
        try:
            outcome = job.run()
        except BaseException as error:  # noqa: BLE001 - every end is a message to the screen
            self.post_message(RestoreEnded(job.outcome, error))
            return
        self.post_message(RestoreEnded(outcome, None))

    def on_cleanup_progressed(self, message: CleanupProgressed) -> None:
        p = message.progress
        if self.job is None:
            return
        line = (
            p.message
            or f"Restoring: {p.done:,} of {counted(p.total, 'file')}, {p.uploaded:,} uploaded"
        )
        self._say(line + " (Esc stops after the uploads in flight)")

    def on_restore_ended(self, message: RestoreEnded) -> None:
        self.job = None
        outcome, error = message.outcome, message.error
        uploaded = outcome.uploaded if outcome is not None else 0
        left = outcome.pending if outcome is not None else 0
        others = (
            [r for r in outcome.results if r.outcome is not Outcome.RESTORED] if outcome else []
        )
        why = f" Not restored: {others[0].file_name} ({others[0].reason})." if others else ""
        if error is None:
            self._say(
                f"Restored {fmt.counted(uploaded, 'file')}, each read back and verified.{why}"
            )
        elif isinstance(error, Cancelled):
            self._say(
                f"Restore stopped: {uploaded:,} restored, {left:,} left; restore again to go on."
            )
        else:
            problem = describe(error, Face.APP)
            self._say(
                f"The restore stopped: {problem.message} {uploaded:,} restored, {left:,} left."
            )
            self.app.show_error(error)
        self._read()

    def action_back(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self._say("Stopping after the uploads in flight…")
            return
        self.app.pop_screen()


def _key(entry: AuditEntry) -> tuple[str, str]:
    return (entry.plan_id, entry.attachment_id)


def _only_copy(entry: AuditEntry) -> str:
    """Where the bytes of a file that had no other copy are: its archive, or still on Jira."""
    if entry.archive or entry.outcome is Outcome.DELETED:
        return "only copy: archived"
    if entry.outcome is Outcome.SKIPPED:
        return "only copy: left on Jira"
    return "only copy"

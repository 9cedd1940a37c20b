"""A running cleanup: progress, throttling, each file as it resolves, then the result.

Escape stops it after the writes in flight (the plan stays resumable: ``r`` goes on with
exactly what is left); once it has ended, Escape goes back to the scan's results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, ProgressBar, Static

from aa_tui.model.cleanup import CleanupPhase, CleanupProgress, ItemResult, Outcome, Plan
from aa_tui.model.units import counted, size_text
from aa_tui.service.errors import Cancelled, Face, describe
from aa_tui.tui import format as fmt
from aa_tui.tui.messages import CleanupEnded, CleanupProgressed
from aa_tui.tui.safe import plain, visible
from aa_tui.tui.screens.base import AppScreen
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.reason_line import ReasonLine
from aa_tui.tui.widgets.tables import VimDataTable

if TYPE_CHECKING:
    from aa_tui.service.cleanup import ApplyOptions, CleanupOutcome, CleanupRun

OUTCOME_STYLE = {
    Outcome.DELETED: "green",
    Outcome.ALREADY_GONE: "cyan",
    Outcome.SKIPPED: "yellow",
    Outcome.UNCONFIRMED: "red",
}


def stats_text(p: CleanupProgress, *, resumed: bool = False) -> Text:
    """The counters of one progress snapshot (also the result's first lines); a ``resumed``
    run's counters are this run's, and say so (the plan's whole is on the bar and the result)."""
    text = Text.assemble(
        ("This run: deleted " if resumed else "Deleted ", "bold"),
        (fmt.counted(p.deleted, "file"), "bold green"),
        (f" ({size_text(p.freed)} freed)", "bold green"),
        f"  ·  gone already {fmt.count(p.already_gone)}  ·  left alone {fmt.count(p.skipped)}",
    )
    if p.phase is CleanupPhase.DELETING and p.total:
        text.append(f"  ·  {fmt.count(p.done)} of {fmt.count(p.total)} resolved")
    if p.comments:
        text.append(f"  ·  {fmt.counted(p.comments, 'comment')}")
    if p.archived:
        text.append_text(
            Text.assemble(
                "\nArchived and verified ",
                (f"{fmt.counted(p.archived, 'file')} ({size_text(p.archived_size)})", "bold"),
                ", each checked by SHA-256 before its delete",
            )
        )
    throttle = Text.assemble(
        f"\nRequests {fmt.count(p.requests)}  ·  throttled (429/503) {fmt.count(p.throttled)}"
        f"  ·  per-issue write limits {fmt.count(p.issue_throttled)}  ·  retries "
        f"{fmt.count(p.retries)}  ·  {fmt.duration(p.elapsed_s)}"
    )
    text.append_text(throttle)
    if p.backoff_s > 0.05:
        text.append(f"\nJira asked to wait: paused {p.backoff_s:.1f} s", style="yellow")
    if p.waiting_issues:
        text.append(
            f"\n{fmt.count(p.waiting_issues)} issues wait out their write limit", style="yellow"
        )
    return text


class CleanApplyScreen(AppScreen):
    """One run of a confirmed plan (first or resumed) in a thread worker."""

    HELP_GROUP = "Cleanup"
    BINDINGS = [
        Binding("escape", "stop", "Stop", id="clean_apply.stop"),
        Binding("escape", "back", "Back", id="clean_apply.back"),
        Binding("r", "resume", "Resume", id="clean_apply.resume"),
    ]
    DEFAULT_CSS = """
    CleanApplyScreen #apply-title { padding: 0 1; text-style: bold; height: 1; }
    CleanApplyScreen #apply-phase { padding: 1 1 0 1; height: auto; }
    CleanApplyScreen ProgressBar { padding: 0 1; }
    CleanApplyScreen ProgressBar Bar { width: 1fr; }
    CleanApplyScreen #apply-stats { padding: 1 1; height: auto; }
    CleanApplyScreen #apply-state { padding: 0 1 1 1; height: auto; }
    CleanApplyScreen #apply-state.bad { color: $error; }
    CleanApplyScreen #apply-state.paused { color: $warning; }
    CleanApplyScreen #apply-state.good { color: $success; }
    CleanApplyScreen .caption { padding: 0 1; height: 1; text-style: bold; }
    CleanApplyScreen VimDataTable { height: 1fr; }
    """

    def __init__(
        self,
        plan: Plan,
        token: str,
        options: ApplyOptions | None = None,
        *,
        resume: bool = False,
        site_label: str = "",
        start: bool = True,
    ) -> None:
        super().__init__()
        self.plan = plan
        self._resumed = False  # files of the plan were resolved before this run
        self.token = token
        self.options = options
        self.resume = resume
        self.site_label = site_label or plan.site
        self.autostart = start  # tests and screenshots feed progress by hand
        self.job: CleanupRun | None = None
        self.state = "starting"  # starting | running | stopping | stopped | failed | done
        self.outcome: CleanupOutcome | None = None
        self.last = CleanupProgress(phase=CleanupPhase.CONNECTING)
        self.listed: set[str] = set()  # files in the list (a snapshot repeats its last one)
        self._planned = {d.attachment_id: d for d in plan.deletions}
        self._reasons: dict[str, str] = {}  # the list's "Why", by attachment id: cut at 120

    @property
    def running(self) -> bool:
        return self.state in ("starting", "running", "stopping")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(  # one line: the figures first, what a narrow terminal cuts last
            f"Cleanup of {fmt.counted(self.plan.files, 'file')}, {size_text(self.plan.size)} on "
            f"{fmt.host(visible(self.site_label))} · plan {self.plan.id}",
            id="apply-title",
            markup=False,
        )
        yield Static("Connecting…", id="apply-phase", markup=False)
        yield ProgressBar(total=None, show_eta=False, id="apply-progress")
        yield Static(id="apply-stats")
        yield Static(
            "Esc stops after the writes in flight; the plan stays resumable.", id="apply-state"
        )
        yield Static("Files (newest last)", classes="caption")
        yield VimDataTable(id="apply-files")
        yield ReasonLine(id="apply-why")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#apply-files", VimDataTable)
        table.add_columns("Outcome", "Size", "File", "Issue", "Kept copy", "Why")
        self.query_one("#apply-stats", Static).update(stats_text(self.last, resumed=self._resumed))
        if self.autostart:
            self.start()

    def on_unmount(self) -> None:
        if self.job is not None and self.running:
            self.job.cancel()

    # -- the worker -----------------------------------------------------------------------------
    def start(self) -> None:
        self.state = "starting"
        self._set_state("Esc stops after the writes in flight; the plan stays resumable.")
        cleanup = self.workspace.cleanup()

        def listener(event: CleanupProgress) -> None:
            self.post_message(CleanupProgressed(event))

        try:  # saves the plan and marks it: the store may be busy or full
            job = cleanup.apply(
                self.plan, self.token, self.options, resume=self.resume, listener=listener
            )
        except Exception as error:  # noqa: BLE001 - every end is a message to the screen
            self.post_message(CleanupEnded(None, error))
            return
        self.job = job
        self._run(job)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="cleanup")
    def _run(self, job: CleanupRun) -> None:
        try:
            outcome = job.run()
        except BaseException as error:  # noqa: BLE001 - every end is a message to the screen
            self.post_message(CleanupEnded(job.outcome, error))
            return
        self.post_message(CleanupEnded(outcome, None))

    def on_cleanup_progressed(self, message: CleanupProgressed) -> None:
        if self.state == "starting":
            self.state = "running"
        self.show(message.progress)

    def show(self, p: CleanupProgress) -> None:
        """Display one progress snapshot (also used by tests and screenshots)."""
        self.last = p
        phase = str(p.phase).capitalize()
        line = p.message or (f"{phase}: {p.done:,} of {p.total:,}" if p.total else phase)
        self.query_one("#apply-phase", Static).update(plain(line, lines=True))
        bar = self.query_one(ProgressBar)
        if p.phase is CleanupPhase.DELETING and p.total:
            # the whole plan: a resumed run's total is what was left (found trying the app:
            # 54 of 306 files done read as 9%)
            before = max(self.plan.files - p.total, 0)
            self._resumed = self._resumed or before > 0
            bar.update(total=before + p.total, progress=before + min(p.done, p.total))
        elif p.total and p.phase is CleanupPhase.COMMENTING:
            bar.update(total=p.total, progress=min(p.done, p.total))
        elif p.phase is CleanupPhase.DONE:  # stopped part-way: the bar stays where it was
            if bar.total is None:
                bar.update(total=1, progress=1 if p.total and p.done >= p.total else 0)
        else:
            bar.update(total=None)
        self.query_one("#apply-stats", Static).update(stats_text(p, resumed=self._resumed))
        if p.last is not None and p.last.attachment_id not in self.listed:
            self.add_result(p.last)

    def add_result(self, r: ItemResult) -> None:
        self.listed.add(r.attachment_id)
        d = self._planned.get(r.attachment_id)
        kept = ""
        if d is not None:
            kept = f"★ {d.keep_issue_key} ({d.keep_id})" if d.keep_id else "archived first"
        table = self.query_one("#apply-files", VimDataTable)
        self._reasons[r.attachment_id] = r.reason
        table.add_row(
            Text(str(r.outcome), style=OUTCOME_STYLE.get(r.outcome, "")),
            size_text(r.size),
            r.file_name,
            r.issue_key,
            kept,
            r.reason,
            key=r.attachment_id,
        )
        table.move_cursor(row=table.row_count - 1)

    def on_data_table_row_highlighted(self, event: VimDataTable.RowHighlighted) -> None:
        """The highlighted file's reason in full under the list (the column cuts it)."""
        reason = self._reasons.get(str(event.row_key.value), "")
        self.query_one("#apply-why", ReasonLine).show(event.cursor_row, reason)

    def on_cleanup_ended(self, message: CleanupEnded) -> None:
        self.outcome = outcome = message.outcome
        error = message.error
        bar = self.query_one(ProgressBar)
        if bar.total is None:
            bar.update(total=1, progress=0)
        freed = size_text(outcome.freed_total) if outcome is not None else "0 B"
        skipped = outcome.counts.get(Outcome.SKIPPED, 0) if outcome is not None else 0
        pending = outcome.pending if outcome is not None else self.plan.files
        why = f"; {skipped:,} left alone (why: see the list)" if skipped else ""
        archive = outcome.archive if outcome is not None else None
        listed = outcome.archive_manifest if outcome is not None else None
        kept = f" A copy of every deleted file is in {archive} ({listed})." if archive else ""
        if error is None and outcome is not None and outcome.finished:
            self.state = "done"
            self._set_state(
                f"Done: {freed} freed by this plan{why}.{kept} Esc goes back to the results "
                "(removed copies are shown as removed); the Audit screen lists every file.",
                "good",
            )
        elif error is None or isinstance(error, Cancelled):
            self.state = "stopped"
            self._set_state(
                f"Stopped after the writes in flight: {freed} freed, "
                f"{counted(pending, 'file')} left"
                f"{why}. r resumes (exactly what is left), Esc goes back.",
                "paused",
            )
        else:
            self.state = "failed"
            problem = describe(error, Face.APP)
            reason = type(error).__name__ if problem.unexpected else problem.message
            self._set_state(
                f"The cleanup stopped: {reason} {freed} freed, {counted(pending, 'file')} left. "
                "r resumes, Esc goes back.",
                "bad",
            )
            self.app.show_error(error)
        if self.state == "done":  # e.g. after the comments, whose count has no total
            bar.update(total=bar.total or 1, progress=bar.total or 1)
        phase = self.query_one("#apply-phase", Static)
        phase.update("Finished." if self.state == "done" else "Stopped.")
        self.refresh_bindings()

    def _set_state(self, text: str, kind: str = "") -> None:
        state = self.query_one("#apply-state", Static)
        state.update(plain(text, lines=True))  # it may quote Jira's words or a path
        for name in ("bad", "paused", "good"):
            state.set_class(kind == name, name)

    # -- keys -----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self.state in ("stopped", "failed")
        if action == "stop":
            return self.running
        if action == "back":
            return not self.running
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_stop(self) -> None:
        """Stop before the next write: the writes in flight finish (resumable)."""
        if not self.running or self.state == "stopping":
            return
        self.state = "stopping"
        self._set_state("Stopping after the writes in flight… (the plan stays resumable)", "paused")
        if self.job is not None:
            self.job.cancel()

    def action_resume(self) -> None:
        if self.state not in ("stopped", "failed"):
            return
        self.resume = True
        self.start()

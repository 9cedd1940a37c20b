"""A running scan: a thread worker runs the engine; its listener posts coalescing progress."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Footer, ProgressBar, Static

from aa_tui.model.enums import Phase
from aa_tui.model.events import ScanProgress
from aa_tui.model.scans import Profile
from aa_tui.service.errors import Cancelled, Face, UsageError, describe
from aa_tui.service.scanning import ScanOutcome, ScanRequest, ScanRun, same_run_can_fix
from aa_tui.tui import format as fmt
from aa_tui.tui.keymap import key_label
from aa_tui.tui.messages import ScanFinished, ScanProgressed, ScanStopped
from aa_tui.tui.safe import plain
from aa_tui.tui.screens.base import AppScreen, ScanForm
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.scan_stats import Carried, ScanStats, overall_fraction

REFRESH_S = 0.25  # how often the screen draws the latest progress

#: ``runner(listener, cancel) -> ScanOutcome``: runs a scan in the calling (worker) thread;
#: tests give a scripted one
Runner = Callable[[Callable[[ScanProgress], None], threading.Event], ScanOutcome]


class LiveScanScreen(AppScreen):
    """Phase, progress and counters of one scan; Escape asks to cancel (it stays resumable)."""

    HELP_GROUP = "Live scan"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel scan", id="live.cancel"),
        Binding("escape", "back", "Back", id="live.back"),  # once the scan has stopped
        Binding("r", "resume", "Resume", id="live.resume"),
        Binding("enter", "results", "Results", id="live.results"),  # once it finished
    ]
    DEFAULT_CSS = """
    LiveScanScreen #title { padding: 0 1; text-style: bold; }
    LiveScanScreen #rescan { padding: 0 1; height: auto; color: $text-muted; }
    LiveScanScreen #phase { padding: 1 1 0 1; }
    LiveScanScreen ProgressBar { padding: 0 1; }
    LiveScanScreen ProgressBar Bar { width: 1fr; }
    LiveScanScreen #state { padding: 1 1; height: auto; }
    LiveScanScreen #state.bad { color: $error; }
    LiveScanScreen #state.paused { color: $warning; }
    """

    def __init__(
        self,
        profile: Profile,
        token: str,
        request: ScanRequest,
        *,
        runner: Runner | None = None,
    ) -> None:
        super().__init__()
        self.profile = profile
        self.token = token
        self.request = request
        self.runner = runner
        self.cancel_event = threading.Event()
        self.scan_run: ScanRun | None = None
        self.state = "starting"  # starting | running | cancelling | cancelled | failed | done
        self._latest: ScanProgress | None = None  # set by the scan's thread
        self._shown: ScanProgress | None = None
        self.finished_id = ""  # the scan's id once it finished
        self.can_retry = True  # False: what stopped it would stop its resume (same token) too
        self._rescan_of: tuple[str, str] = ("", "")  # the base scan's id and how it is named

    @property
    def running(self) -> bool:
        return self.state in ("starting", "running", "cancelling")

    def compose(self) -> ComposeResult:
        scope = self.request.scope.describe()
        verify = self.request.verify.label
        label = self.app.site_label(self.request.site)
        yield AppHeader()
        yield Static(plain(f"Scanning {label} · {scope} · {verify}"), id="title", markup=False)
        yield Static(id="rescan", markup=False)
        yield Static("Connecting…", id="phase", markup=False)
        yield ProgressBar(total=None, show_eta=False, id="progress")
        yield ScanStats(id="stats")
        yield Static(self._running_text(), id="state", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#rescan").display = False  # until the scan says it is a rescan
        self.set_interval(REFRESH_S, self._refresh)
        self.start()

    def _refresh(self) -> None:
        latest = self._latest
        if self.running and latest is not None and latest is not self._shown:
            self._on_progress(latest)

    def on_unmount(self) -> None:
        self.cancel_event.set()

    # -- the worker -----------------------------------------------------------------------------
    def start(self) -> None:
        self.state = "starting"
        self.cancel_event = threading.Event()
        self.query_one(ScanStats).reset(self._carried())
        self._set_state(self._running_text())
        self._run(self.cancel_event)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="scan")
    def _run(self, cancel: threading.Event) -> None:
        """The engine in this thread; the screen hears of it only through messages."""

        last_phase: list[Phase | None] = [None]

        def listener(event: ScanProgress) -> None:
            # The engine reports many times a second: keep the latest for the screen's
            # refresh timer, and post only a new phase (drawing each event took the GIL
            # from the scan: the app's scan ran 1.65x the CLI's).
            self._latest = event
            if event.phase is not last_phase[0]:
                last_phase[0] = event.phase
                self.post_message(ScanProgressed(event))

        try:
            if self.runner is not None:
                outcome = self.runner(listener, cancel)
            else:
                self.scan_run = self.workspace.scan(
                    self.request, self.token, listener=listener, cancel=cancel
                )
                outcome = self.scan_run.run()
        except BaseException as error:  # noqa: BLE001 - every end is a message to the screen
            self.post_message(ScanStopped(error, cancelled=isinstance(error, Cancelled)))
            return
        self.post_message(ScanFinished(outcome))

    @property
    def scan_id(self) -> str:
        """The scan this screen runs: known from the start when resuming, else once the
        engine has opened it (History refuses to resume or delete it meanwhile)."""
        if self.scan_run is not None and self.scan_run.scan_id:
            return self.scan_run.scan_id
        return self.request.resume_id

    def on_scan_progressed(self, message: ScanProgressed) -> None:
        self._on_progress(message.progress)

    def _on_progress(self, progress: ScanProgress) -> None:
        if self.state == "starting":
            self.state = "running"
        self._shown = progress
        self.show(progress)

    def show(self, progress: ScanProgress) -> None:
        """Display one progress snapshot (also used by tests and screenshots)."""
        self.query_one(ScanStats).update_progress(progress)
        self._show_rescan(progress)
        phase = self.query_one("#phase", Static)
        phase.update(plain(self.query_one(ScanStats).phase_line))
        bar = self.query_one(ProgressBar)
        if progress.phase is Phase.CONNECTING:
            bar.update(total=None)
        else:  # one bar for the whole scan, not one per phase
            bar.update(total=1000, progress=round(1000 * overall_fraction(progress)))

    def _show_rescan(self, progress: ScanProgress) -> None:
        """A rescan says which scan it starts from, then what it re-read and reused; a scan
        that could not start from the newest one says so, as the New scan form did."""
        line = self.query_one("#rescan", Static)
        base_id = progress.rescan_of or progress.unusable_base
        line.display = bool(base_id)
        if not base_id:
            return
        if self._rescan_of[0] != base_id:
            base = self.workspace.get_scan(base_id)
            self._rescan_of = (
                base_id,
                fmt.moment(base.started_at) if base is not None else base_id,
            )
        when = self._rescan_of[1]
        if not progress.rescan_of:
            line.update(plain(fmt.cannot_start_from(when)))
            return
        done = progress.rescan or "reads only the issues changed since"
        line.update(plain(f"Rescan of the scan of {when}: {done}."))

    def on_scan_finished(self, message: ScanFinished) -> None:
        self.state = "done"
        self.finished_id = message.outcome.info.id
        for warning in message.outcome.warnings:
            self.notify(warning, title="Scan", severity="warning", timeout=12)
        # A question about the running scan (cancel it? quit?) or the help may be open above:
        # it is moot now. The results replace this screen, so Escape on them goes back to
        # where the scan was started from, never to a finished scan that says it runs.
        while self.app.screen is not self and isinstance(self.app.screen, ModalScreen):
            self.app.pop_screen()
        results, back = key_label(self.app, "live.results"), key_label(self.app, "live.back")
        self._set_state(f"Finished: {results} opens the results, {back} goes back.")
        self.refresh_bindings()
        if self.app.screen is self:
            self.action_results()
        else:  # a screen opened meanwhile (History, say) stays; this one says it finished
            self.notify(
                f"The scan finished: {results} on its screen opens the results.", title="Scan"
            )

    def action_results(self) -> None:
        """The finished scan's results, in place of this screen."""
        if self.state != "done" or not self.finished_id:
            return
        from aa_tui.tui.screens.results import ResultsScreen

        self.app.switch_screen(ResultsScreen(self.finished_id))

    def on_scan_stopped(self, message: ScanStopped) -> None:
        self._stop_pulsing()
        if isinstance(message.error, UsageError) and self._back_to_form(message.error):
            return
        resume, back = key_label(self.app, "live.resume"), key_label(self.app, "live.back")
        if message.cancelled:
            self.state = "cancelled"
            self._set_state(
                f"Cancelled. Everything read so far is kept: {resume} resumes, {back} goes back.",
                "paused",
            )
        else:
            self.state = "failed"
            self.can_retry = same_run_can_fix(message.error)
            problem = describe(message.error, Face.APP)
            reason = type(message.error).__name__ if problem.unexpected else problem.message
            if self.can_retry:
                then = f"It stays resumable: {resume} resumes, {back} goes back."
            elif isinstance(message.error, UsageError):  # Jira refused the scope's query
                then = f"A resume would be refused the same: {back} goes back to change the scope."
            else:
                sites = key_label(self.app, "app.sites")
                then = f"A new token first (Sites, {sites}), then resume; {back} goes back."
            self._set_state(f"The scan stopped: {reason} {then}", "bad")
            self._show_failure(message.error, problem.title)
        self.refresh_bindings()

    def _show_failure(self, error: BaseException, title: str) -> None:
        from aa_tui.service.demo import gone_demo_note

        note = gone_demo_note(self.request.site) if title == "Site unreachable" else ""
        if note:
            from aa_tui.tui.screens.error import ErrorScreen

            self.app.push_screen(ErrorScreen("Site gone", note))
        else:
            self.app.show_error(error)

    def _stop_pulsing(self) -> None:
        """A stopped scan does not look busy: the bar holds still, the phase says stopped,
        and no rate or time left is claimed."""
        stats = self.query_one(ScanStats)
        stats.update_progress(
            replace(stats.progress, rate_per_s=0.0, eta_s=None, bytes_per_s=0.0, backoff_s=0.0),
            stopped=True,
        )
        bar = self.query_one(ProgressBar)
        if bar.total is None:
            bar.update(total=1, progress=0)
        phase = self.query_one("#phase", Static)
        phase.update(plain(f"Stopped. {self.query_one(ScanStats).phase_line}"))

    def _back_to_form(self, error: BaseException) -> bool:
        """Jira refused what was asked (the JQL, a project): nothing to resume, so the form
        comes back saying why, and a new scan that read nothing is not kept."""
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 and stack[-1] is self else None
        if not isinstance(below, ScanForm):
            return False
        self.state = "failed"
        if not self.request.resume and self.scan_id:
            info = self.workspace.get_scan(self.scan_id)
            if info is not None and not info.totals.get("total_files"):
                self.workspace.delete_scan(self.scan_id)
        self.app.pop_screen()
        below.show_problem(describe(error, Face.APP).message)
        return True

    def _running_text(self) -> str:
        return f"{key_label(self.app, 'live.cancel')} cancels; the scan stays resumable."

    def _set_state(self, text: str, kind: str = "") -> None:
        state = self.query_one("#state", Static)
        state.update(plain(text, lines=True))  # it may quote Jira's words
        state.set_class(kind == "bad", "bad")
        state.set_class(kind == "paused", "paused")

    # -- keys -----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self.state == "cancelled" or (self.state == "failed" and self.can_retry)
        if action == "cancel":
            return self.running
        if action == "back":
            return not self.running
        if action == "results":
            return self.state == "done"
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def request_cancel(self) -> None:
        """Stop between batches; the engine records the scan as cancelled (resumable)."""
        if self.running:
            self.state = "cancelling"
            self._set_state("Cancelling: finishing the requests in flight…", "paused")
            self.cancel_event.set()

    def action_cancel(self) -> None:
        """Escape while the scan runs (once it stopped, Escape is ``back``)."""
        if self.state == "cancelling":
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.request_cancel()

        self.app.push_screen(
            ConfirmScreen(
                "Cancel this scan? What it has read so far is kept, and you can resume it later.",
                yes="Cancel scan",
                no="Keep scanning",
            ),
            answered,
        )

    def action_resume(self) -> None:
        if not self.check_action("resume", ()):
            return
        # This very scan (once opened), not the newest unfinished one of the same scope.
        self.request = replace(self.request, resume=True, resume_id=self.scan_id)
        self.start()

    def _carried(self) -> Carried:
        """What the earlier runs of the scan being resumed read and asked (none: a new one)."""
        if not self.request.resume_id:
            return Carried()
        info = self.workspace.get_scan(self.request.resume_id)
        return Carried.from_totals(info.totals) if info is not None else Carried()

"""A running scan: a thread worker runs the engine; its listener posts coalescing progress."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, ProgressBar, Static
from textual.worker import Worker, WorkerState

from aa_tui.jira.errors import Cancelled, JiraError
from aa_tui.model.events import ScanProgress
from aa_tui.model.scans import Profile
from aa_tui.scan.engine import ScanEngine, ScanOutcome, ScanRequest
from aa_tui.store.journal import Journal
from aa_tui.store.store import Store, StoreError
from aa_tui.tui.messages import ScanProgressed
from aa_tui.tui.screens.base import AppScreen
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.widgets.scan_stats import ScanStats

#: ``runner(listener, cancel) -> ScanOutcome``: runs a scan in the calling (worker) thread.
Runner = Callable[[Callable[[ScanProgress], None], threading.Event], ScanOutcome]


class _ClaimingStore:
    """The store as one engine sees it, noting which scan the engine opened: its journal is
    locked for the engine, so from then on that scan is this screen's."""

    def __init__(self, store: Store, claimed: Callable[[str], None]) -> None:
        self._store = store
        self._claimed = claimed

    def open_journal(self, scan_id: str) -> Journal:
        journal = self._store.open_journal(scan_id)
        self._claimed(scan_id)
        return journal

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class LiveScanScreen(AppScreen):
    """Phase, progress and counters of one scan; Escape asks to cancel (it stays resumable)."""

    HELP_GROUP = "Live scan"
    BINDINGS = [
        Binding("escape", "cancel_or_back", "Cancel scan", id="live.cancel"),
        Binding("r", "resume", "Resume", id="live.resume"),
    ]
    DEFAULT_CSS = """
    LiveScanScreen #title { padding: 0 1; text-style: bold; }
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
        self.runner = runner or self._engine_runner
        self.cancel_event = threading.Event()
        self.worker: Worker | None = None
        self.state = "starting"  # starting | running | cancelling | cancelled | failed | done
        #: the scan this screen runs: known from the start when resuming, else once the
        #: engine has opened it (History refuses to resume or delete it meanwhile)
        self.scan_id = request.resume_id

    @property
    def session(self):
        return self.app.session

    @property
    def running(self) -> bool:
        return self.state in ("starting", "running", "cancelling")

    def compose(self) -> ComposeResult:
        scope = self.request.scope.describe()
        verify = "exact (bytes)" if self.request.verify == "exact" else "metadata (likely)"
        label = self.session.site_label(self.request.site)
        yield Header()
        yield Static(f"Scanning {label} · {scope} · {verify}", id="title", markup=False)
        yield Static("Connecting…", id="phase", markup=False)
        yield ProgressBar(total=None, show_eta=False, id="progress")
        yield ScanStats(id="stats")
        yield Static("Esc cancels; the scan stays resumable.", id="state", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.start()

    def on_unmount(self) -> None:
        self.cancel_event.set()

    # -- the worker -----------------------------------------------------------------------------
    def start(self) -> None:
        self.state = "starting"
        self.cancel_event = threading.Event()
        self._set_state("Esc cancels; the scan stays resumable.")
        self.worker = self._run(self.cancel_event)
        self.refresh_bindings()

    def _engine_runner(
        self, listener: Callable[[ScanProgress], None], cancel: threading.Event
    ) -> ScanOutcome:
        client = self.session.client(self.request.site, self.request.email, self.token)
        client.cancel = cancel
        try:
            store = _ClaimingStore(self.session.store, self._claim)
            engine = ScanEngine(
                client, store, self.request, listener=listener,  # type: ignore[arg-type]
                clock=self.session.config.clock,
            )  # fmt: skip
            return engine.run()
        finally:
            client.close()

    def _claim(self, scan_id: str) -> None:
        self.scan_id = scan_id

    @work(thread=True, exclusive=True, exit_on_error=False, group="scan")
    def _run(self, cancel: threading.Event) -> ScanOutcome:
        return self.runner(lambda event: self.post_message(ScanProgressed(event)), cancel)

    def on_scan_progressed(self, message: ScanProgressed) -> None:
        if self.state == "starting":
            self.state = "running"
        self.show(message.progress)

    def show(self, progress: ScanProgress) -> None:
        """Display one progress snapshot (also used by tests and screenshots)."""
        self.query_one(ScanStats).update_progress(progress)
        phase = self.query_one("#phase", Static)
        phase.update(self.query_one(ScanStats).phase_line)
        bar = self.query_one(ProgressBar)
        if progress.total and progress.phase not in ("connecting", "saving", "done"):
            bar.update(total=progress.total, progress=min(progress.done, progress.total))
        elif progress.phase == "done":
            bar.update(total=1, progress=1)
        else:
            bar.update(total=None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self.worker:
            return
        if event.state == WorkerState.SUCCESS:
            self.state = "done"
            outcome: ScanOutcome = event.worker.result
            for warning in outcome.warnings:
                self.notify(warning, title="Scan", severity="warning", timeout=12)
            from aa_tui.tui.screens.results import ResultsScreen

            self.app.switch_screen(ResultsScreen(outcome.info.id))
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            if isinstance(error, Cancelled):
                event.prevent_default()
                self.state = "cancelled"
                self._set_state(
                    "Cancelled. Everything read so far is kept: r resumes, Esc goes back.",
                    "paused",
                )
            else:
                self.state = "failed"
                known = isinstance(error, (JiraError, StoreError))
                reason = str(error) if known else type(error).__name__
                self._set_state(
                    f"The scan stopped: {reason} It stays resumable: r resumes, Esc goes back.",
                    "bad",
                )
        elif event.state == WorkerState.CANCELLED:
            self.state = "cancelled"
        self.refresh_bindings()

    def _set_state(self, text: str, kind: str = "") -> None:
        state = self.query_one("#state", Static)
        state.update(text)
        state.set_class(kind == "bad", "bad")
        state.set_class(kind == "paused", "paused")

    # -- keys -----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self.state in ("cancelled", "failed")
        return True

    def request_cancel(self) -> None:
        """Stop between batches; the engine records the scan as cancelled (resumable)."""
        if self.running:
            self.state = "cancelling"
            self._set_state("Cancelling: finishing the requests in flight…", "paused")
            self.cancel_event.set()

    def action_cancel_or_back(self) -> None:
        if not self.running:
            self.app.pop_screen()
            return
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
        if self.state not in ("cancelled", "failed"):
            return
        # This very scan (once opened), not the newest unfinished one of the same scope.
        self.request = replace(self.request, resume=True, resume_id=self.scan_id)
        self.query_one(ScanStats).reset()
        self.start()

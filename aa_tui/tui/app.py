"""The aa-tui application: screens on a stack, one error handler, and the two entry points."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from aa_tui.locations import data_dir as default_data_dir
from aa_tui.store.store import Profile, Store, StoreError
from aa_tui.tui.commands import ScreenCommands
from aa_tui.tui.errors import describe
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.screens.error import ErrorScreen
from aa_tui.tui.screens.help import HelpScreen, collect_keys
from aa_tui.tui.session import AppConfig, Session

DARK, LIGHT = "textual-dark", "textual-light"


class AATuiApp(App[int]):
    """Sites → new scan → live scan → results; history and compare from anywhere."""

    TITLE = "aa-tui"
    SUB_TITLE = "Jira attachment storage"
    COMMANDS = App.COMMANDS | {ScreenCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False, id="app.theme"),
        Binding("f2", "sites", "Sites", show=False, id="app.sites"),
        Binding("f3", "history", "History", show=False, id="app.history"),
    ]

    def __init__(
        self,
        session: Session,
        *,
        start_profile: Profile | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.start_profile = start_profile

    @property
    def config(self) -> AppConfig:
        return self.session.config

    @property
    def store(self) -> Store:
        return self.session.store

    # -- start ----------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        from aa_tui.tui.screens.sites import SitesScreen

        return SitesScreen()

    def on_mount(self) -> None:
        for warning in self.store.warnings:
            self.notify(warning, title="Store", severity="warning", timeout=15)
        if self.start_profile is not None:
            from aa_tui.tui.screens.new_scan import NewScanScreen

            self.push_screen(NewScanScreen(self.start_profile))

    # -- errors ---------------------------------------------------------------------------------
    def show_error(self, error: BaseException) -> None:
        title, message = describe(error)
        self.push_screen(ErrorScreen(title, message))

    # -- actions --------------------------------------------------------------------------------
    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(collect_keys(self.screen)))

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    def action_sites(self) -> None:
        from aa_tui.tui.screens.sites import SitesScreen

        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, SitesScreen):
            self.pop_screen()

    def action_history(self) -> None:
        from aa_tui.tui.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen())

    def scan_running(self) -> bool:
        from aa_tui.tui.screens.live_scan import LiveScanScreen

        return any(isinstance(s, LiveScanScreen) and s.running for s in self.screen_stack)

    async def action_quit(self) -> None:
        if not self.scan_running():
            self.exit(0)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                from aa_tui.tui.screens.live_scan import LiveScanScreen

                for screen in self.screen_stack:
                    if isinstance(screen, LiveScanScreen):
                        screen.request_cancel()
                self.exit(0)

        self.push_screen(
            ConfirmScreen(
                "A scan is running. Quit anyway? It is cancelled and stays resumable "
                "(New scan → Resume).",
                yes="Quit",
                no="Keep scanning",
            ),
            answered,
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Sites and credentials", "Saved sites, add or test one", self.action_sites
        )
        yield SystemCommand(
            "History", "Every past scan: open, delete, compare", self.action_history
        )
        yield SystemCommand(
            "Light or dark", "Toggle the light and dark theme", self.action_toggle_theme
        )
        yield SystemCommand("Keys", "Every key of this screen", self.action_help)


def _open_store(data_dir: Path) -> Store:
    try:
        return Store(data_dir)
    except StoreError as exc:
        raise SystemExit(f"aa-tui: {exc}") from None


def run_app(data_dir: str | Path | None = None, *, config: AppConfig | None = None) -> int:
    """``aa-tui`` with no arguments: the saved sites, then scans."""
    store = _open_store(default_data_dir(data_dir))
    try:
        result = AATuiApp(Session(store, config)).run()
    finally:
        store.close()
    return int(result or 0)


def run_demo(data_dir: str | Path | None = None, issues: int = 3000, seed: int = 7) -> int:
    """``aa-tui demo``: the app connected to an embedded demo site, nothing to configure.

    Without ``data_dir`` the scans go to a temporary directory removed on exit, so the demo
    never mixes with real history. The demo token stays in memory.
    """
    from aa_tui.tui.demo import DemoSession

    scratch = None if data_dir else Path(tempfile.mkdtemp(prefix="aa-tui-demo-"))
    try:
        store = _open_store(Path(data_dir) if data_dir else scratch)
        with DemoSession(issues=issues, seed=seed) as demo:
            session = demo.session(store)
            try:
                result = AATuiApp(session, start_profile=demo.profile).run()
            finally:
                store.close()
        return int(result or 0)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

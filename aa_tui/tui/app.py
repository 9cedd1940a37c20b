"""The aa-tui application: screens on a stack, one error handler, and the two entry points."""

from __future__ import annotations

import inspect
import logging
import shutil
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Input

from aa_tui.logs import setup_logging
from aa_tui.model.scans import Profile
from aa_tui.service.errors import Face, describe
from aa_tui.service.workspace import Workspace
from aa_tui.tui.commands import AppWords, ScreenCommands
from aa_tui.tui.config import AppConfig
from aa_tui.tui.host import HostApp
from aa_tui.tui.keymap import check_keymap
from aa_tui.tui.safe import visible
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.screens.error import ErrorScreen
from aa_tui.tui.screens.help import HelpScreen, collect_keys
from aa_tui.tui.settings import Settings, load_settings

DARK, LIGHT = "textual-dark", "textual-light"
NARROW = 100  # columns below which the footer packs its keys
log = logging.getLogger(__name__)
# Textual owns the terminal: without the log file (setup_logging) records go nowhere, never
# to stderr through logging's last-resort handler.
logging.getLogger("aa_tui.tui").addHandler(logging.NullHandler())


class AATuiApp(HostApp):
    """Sites → new scan → live scan → results; history and compare from anywhere."""

    CSS_PATH = "app.tcss"
    TITLE = "aa-tui"
    SUB_TITLE = "Jira attachment storage"
    COMMANDS = App.COMMANDS | {ScreenCommands, AppWords}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False, id="app.theme"),
        Binding("f2", "sites", "Sites", show=False, id="app.sites"),
        Binding("f3", "history", "History", show=False, id="app.history"),
        # In a form, Tab moves on here, before the app hands the keys after it to a field:
        # else a burst (a paste of keys, autotype, a slow link) typed them into the field
        # left behind, a token into a visible one (as Textual #6605 for Backspace).
        Binding("tab", "next_field", "Next field", show=False, priority=True, id="app.next_field"),
        Binding(
            "shift+tab",
            "previous_field",
            "Previous field",
            show=False,
            priority=True,
            id="app.previous_field",
        ),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_field", "previous_field"):  # elsewhere Tab is the screen's
            return isinstance(self.focused, Input)
        return super().check_action(action, parameters)

    def action_next_field(self) -> None:
        self.screen.focus_next()

    def action_previous_field(self) -> None:
        self.screen.focus_previous()

    def __init__(
        self,
        workspace: Workspace,
        *,
        config: AppConfig | None = None,
        start_profile: Profile | None = None,
        start_scan: bool = False,
        notice: str = "",
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.config = config or AppConfig()
        self.settings = settings or Settings()
        self.start_profile = start_profile
        self.start_scan = start_scan  # scan start_profile's whole site at once (the demo)
        self.notice = notice
        #: each notification's text and title -> until when it shows (see :meth:`notify`)
        self._showing: dict[tuple[str, str], float] = {}

    def site_label(self, site: str) -> str:
        """How a site is shown (tests and screenshots give demo sites one stable name)."""
        return self.config.site_names.get(site, site)

    # -- start ----------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        from aa_tui.tui.screens.sites import SitesScreen

        return SitesScreen()

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, lambda _: self.call_after_refresh(self._fit))
        for warning in self.workspace.warnings:
            self.notify(warning, title="Store", severity="warning", timeout=15)
        if self.notice:
            self.notify(self.notice, title="aa-tui", timeout=12)
        self._apply_settings()
        if self.start_profile is not None:
            from aa_tui.tui.screens.new_scan import NewScanScreen

            self.push_screen(NewScanScreen(self.start_profile, start_at_once=self.start_scan))

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Below 100 columns the footer is compact, so its last keys are not cut off."""
        from textual.widgets import Footer

        narrow = self.size.width < NARROW
        for footer in self.screen.query(Footer):
            footer.compact = narrow
            if footer.show_command_palette == narrow:
                footer.show_command_palette = not narrow
                footer.refresh(recompose=True)  # Textual's Footer reads it only as it composes

    def _apply_settings(self) -> None:
        """The settings file's keymap and theme; each problem is said, none is fatal."""
        settings = self.settings
        problems = list(settings.problems)
        if settings.keymap:
            _load_every_binding()
            check = check_keymap(settings.keymap, settings.path)
            problems += check.problems
            self.set_keymap(check.usable)
        if settings.theme:
            if settings.theme in self.available_themes:
                self.theme = settings.theme
            else:
                problems.append(
                    f"{settings.path}: no theme is called {settings.theme!r} (some are "
                    f"{', '.join(sorted(self.available_themes)[:6])})."
                )
        for problem in problems:
            self.notify(problem, title="Settings", severity="warning", timeout=15)

    # -- errors ---------------------------------------------------------------------------------
    def show_error(self, error: BaseException, hint: str = "") -> None:
        """The error in a modal (``hint``: what to do here, after its own sentence)."""
        problem = describe(error, Face.APP)  # a token quoted back by whatever failed is masked
        if problem.unexpected:  # a bug: its traceback goes to the log file (never its locals)
            log.error("unexpected error", exc_info=error)
        else:
            log.warning("%s: %s", problem.title, problem.message)
        message = f"{problem.message} {hint}" if hint else problem.message
        self.push_screen(ErrorScreen(problem.title, message))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """As Textual's, but a notification is always text: it may quote a file name, a key or
        a path (never markup; control characters made visible), whatever ``markup`` says; and
        one still on screen is not shown again (a refused key pressed three times stacked
        three copies over the list, found in a real terminal)."""
        text, heading = visible(message, lines=True), visible(title)
        now = time.monotonic()
        if self._showing.get((text, heading), 0.0) > now:
            return
        shown_for = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        self._showing = {k: t for k, t in self._showing.items() if t > now}
        self._showing[(text, heading)] = now + shown_for
        super().notify(text, title=heading, severity=severity, timeout=timeout, markup=False)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Key bindings, the palette's screen commands and the screens' buttons run their
        action through this: a failure becomes the error modal, and the app carries on."""
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except Exception as error:  # noqa: BLE001 - any failure: say it, keep the app
            self.show_error(error)
            return True

    def push_screen(
        self,
        screen: Screen[Any] | str,
        callback: Callable[[Any], Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:  # AwaitMount, or a Future with wait_for_dismiss=True (Textual's overloads)
        """As Textual's; a failing answer callback (a dialog's Yes) becomes the error modal."""
        if callback is not None:
            callback = self._guarded(callback)
        return super().push_screen(screen, callback, *args, **kwargs)

    def _guarded(self, callback: Callable[[Any], Any]) -> Callable[[Any], Awaitable[None]]:
        async def guarded(result: Any) -> None:
            try:
                outcome = callback(result)
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception as error:  # noqa: BLE001 - as run_action
                self.show_error(error)

        return guarded

    def _handle_exception(self, error: Exception) -> None:
        # A failure outside any action (a screen's mount, a message handler): Textual exits.
        log.critical("aa-tui stopped on an unexpected error", exc_info=error)
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        # Textual's crash report prints every local variable of every frame (a token typed in
        # a form, for one): print the traceback without them.
        import rich
        from rich.traceback import Traceback

        self.bell()
        self.panic(Traceback(show_locals=False, width=None, suppress=[rich]))

    # -- actions --------------------------------------------------------------------------------
    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """The palette's screenshot: saved in the Downloads folder (or ``path``), and the
        notification says where, or why not (Textual's says only that it failed)."""
        import platformdirs

        from aa_tui.tui.outside import save_screenshot

        save_screenshot(self, Path(path or platformdirs.user_downloads_dir()), filename)
        return None

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
        """History: back to the one open below (the screens above it close, and a scan opened
        from it is let go: a new History on top of each kept every scan opened, ~120 MB each
        at 1,000,000 issues), else a new one; never over a running scan or a question."""
        from textual.screen import ModalScreen

        from aa_tui.tui.screens.history import HistoryScreen
        from aa_tui.tui.screens.live_scan import LiveScanScreen

        stack = self.screen_stack
        if isinstance(self.screen, HistoryScreen):
            return
        found = [n for n, screen in enumerate(stack) if isinstance(screen, HistoryScreen)]
        above = stack[found[-1] + 1 :] if found else []
        keep = (LiveScanScreen, ModalScreen)
        if not found or any(isinstance(screen, keep) for screen in above):
            self.push_screen(HistoryScreen())
            return
        for _ in above:
            self.pop_screen()

    def action_audit(self) -> None:
        from aa_tui.tui.screens.audit import AuditScreen

        if not isinstance(self.screen, AuditScreen):
            self.push_screen(AuditScreen())

    def scan_running(self, scan_id: str = "") -> bool:
        """Whether a scan runs in this app (with ``scan_id``: that very scan)."""
        from aa_tui.tui.screens.live_scan import LiveScanScreen

        return any(
            isinstance(s, LiveScanScreen) and s.running and (not scan_id or s.scan_id == scan_id)
            for s in self.screen_stack
        )

    async def action_quit(self) -> None:
        if self._cleanup_running():
            return
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

    def _cleanup_running(self) -> bool:
        """A cleanup is deleting: ask before quitting (it stops after the writes in flight)."""
        from aa_tui.tui.screens.cleanup.apply import CleanApplyScreen

        running = [s for s in self.screen_stack if isinstance(s, CleanApplyScreen) and s.running]
        if not running:
            return False

        def answered(yes: bool | None) -> None:
            if yes:
                for screen in running:
                    screen.action_stop()
                self.exit(0)

        self.push_screen(
            ConfirmScreen(
                "A cleanup is deleting files. Quit anyway? It stops after the writes in flight "
                "and stays resumable (D on the scan's results).",
                yes="Quit",
                no="Keep cleaning",
            ),
            answered,
        )
        return True

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's own "Keys" opens its key panel; ours (below) lists this screen's keys.
        yield from (c for c in super().get_system_commands(screen) if c.title != "Keys")
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
        yield SystemCommand(
            "Cleanup audit", "Every file a cleanup deleted, and its kept copy", self.action_audit
        )


def _load_every_binding() -> None:
    """Import every screen and widget module, so that every binding id is known."""
    import importlib
    import pkgutil

    from aa_tui.tui import screens, widgets

    for package in (screens, widgets):
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            try:
                importlib.import_module(module.name)
            except Exception:  # noqa: BLE001 - a broken module must not stop the app here
                continue


def _open_workspace(data_dir: str | Path | None, **options: Any) -> Workspace:
    try:
        return Workspace.open(data_dir, **options)
    except Exception as exc:  # noqa: BLE001 - before the app owns the terminal: one sentence
        raise SystemExit(f"aa-tui: {describe(exc).message}") from None


@contextmanager
def _logging_to(folder: Path) -> Iterator[None]:
    """``aa-tui.log`` in the data dir while the app runs, as the CLI writes it."""
    logger = logging.getLogger("aa_tui")
    before = list(logger.handlers)
    setup_logging(folder)
    try:
        yield
    finally:
        for handler in [h for h in logger.handlers if h not in before]:
            logger.removeHandler(handler)
            handler.close()


def exit_code(app: AATuiApp, result: int | None) -> int:
    """The process's exit code: what the app exited with, or Textual's own (1) when an
    unexpected error ended it (found trying the app: a crash still exited 0)."""
    return app.return_code or int(result or 0)


def run_app(data_dir: str | Path | None = None, *, config: AppConfig | None = None) -> int:
    """``aa-tui`` with no arguments: the saved sites, then scans."""
    workspace = _open_workspace(data_dir)
    try:
        with _logging_to(workspace.data_dir):
            app = AATuiApp(workspace, config=config, settings=load_settings())
            result = app.run()
    finally:
        workspace.close()
    return exit_code(app, result)


def run_demo(
    data_dir: str | Path | None = None,
    issues: int = 3000,
    seed: int = 7,
    data_center: bool = False,
    idle_projects: tuple[str, ...] | None = None,
) -> int:
    """``aa-tui demo``: the app connected to an embedded demo site, scanning it at once.

    The scans go to ``data_dir``, else ``$AA_TUI_DATA_DIR``, else a temporary directory
    removed on exit (so the demo never mixes with real history); the app says which, and so
    does the last line printed. The demo token stays in memory. ``data_center``: the site
    speaks as Jira Data Center and the app signs in with a personal access token;
    ``idle_projects``: demo projects generated idle (every update 400+ days ago; ``None``:
    the demo's default).
    """
    from aa_tui.service.demo import DemoData, DemoSite

    where = DemoData.choose(data_dir)
    try:
        workspace = _open_workspace(where.path)
        try:
            with (
                _logging_to(workspace.data_dir),
                DemoSite(
                    issues=issues, seed=seed, data_center=data_center, idle_projects=idle_projects
                ) as demo,
            ):
                profile = demo.sign_in(workspace)
                app = AATuiApp(
                    workspace,
                    start_profile=profile,
                    start_scan=True,
                    notice=where.note,
                    settings=load_settings(),
                )
                result = app.run()
        finally:
            workspace.close()
        print(f"aa-tui demo: {where.farewell}")
        return exit_code(app, result)
    finally:
        if where.scratch:
            shutil.rmtree(where.path, ignore_errors=True)

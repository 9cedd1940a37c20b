"""Every past scan: open one (read-only), delete one, compare two, resume an unfinished one."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from aa_tui.model.scans import Profile, ScanInfo
from aa_tui.model.summary import RescanNote
from aa_tui.model.units import size_text
from aa_tui.service.errors import CredentialsError, StoreError
from aa_tui.tui import format as fmt
from aa_tui.tui.keymap import key_label
from aa_tui.tui.safe import plain
from aa_tui.tui.screens.base import FOLLOW_S, AppScreen
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.tables import VimDataTable

STATUS_STYLE = {"complete": "green", "cancelled": "yellow", "failed": "red", "running": "cyan"}


class HistoryScreen(AppScreen):
    HELP_GROUP = "History"
    BINDINGS = [
        Binding("enter", "open", "Open", id="history.open"),
        Binding("space", "mark", "Mark", id="history.mark"),
        Binding("c", "compare", "Compare", id="history.compare"),
        Binding("d", "delete", "Delete", id="history.delete"),
        Binding("r", "resume", "Resume", id="history.resume"),
        Binding("A", "app.audit", "Audit", tooltip="Cleanup audit", id="history.audit"),
        Binding("escape,backspace", "app.pop_screen", "Back", id="history.back"),
    ]
    DEFAULT_CSS = """
    HistoryScreen VimDataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.scans: list[ScanInfo] = []
        self.marked: list[str] = []
        self._stamp: tuple[int, int] | None = None  # the store's, when the rows were read

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(self._keys_hint(), id="history-hint", classes="hint", markup=False)
        yield VimDataTable(id="scans", enter="Open")
        # the highlighted scan's scope, site and method (at 80 columns the table cannot show
        # them), and for a rescan what it started from: below the table, which stays put
        yield Static(id="history-scan", classes="hint", markup=False)
        yield Footer()

    def _key(self, name: str) -> str:
        return key_label(self.app, f"history.{name}")

    def _keys_hint(self) -> str:
        k = self._key
        return (
            f"{k('open')} opens a scan · {k('mark')} marks two to compare ({k('compare')}) · "
            f"{k('delete')} deletes · {k('resume')} resumes an unfinished scan"
        )

    def _scan_line(self, scan: ScanInfo) -> str:
        """What the table cannot show at 80 columns: the scan's scope, site and method; for
        a complete rescan, what it started from and reused."""
        site = fmt.host(self.app.site_label(scan.site))
        line = f"{scan.scope.describe()} · {site} · {scan.verify.label}"
        note = RescanNote.from_dict((scan.totals or {}).get("rescan"))
        if note is None or scan.unfinished:
            return line
        base = next((s for s in self.scans if s.id == note.base), None)
        # (as the overview says it of a base deleted since)
        when = fmt.moment(base.started_at) if base is not None else f"{note.base} (deleted since)"
        of = f"the scan of {when}"
        return f"{line}\nRescan of {of}: {note.line()}."

    @on(VimDataTable.RowHighlighted)
    def _show_hint(self) -> None:
        """The keys, or for a scan that stopped: why, and whether a resume can go on; below
        the table, the scan's scope, site and method, and what a rescan reused."""
        scan = self.selected()
        if scan is None:
            return
        self.query_one("#history-scan", Static).update(plain(self._scan_line(scan), lines=True))
        hint = self._keys_hint()
        if scan.unfinished and scan.message and not self.app.scan_running(scan.id):
            hint = why_stopped(scan.status.value, scan.message)
            if self.workspace.can_resume(scan):
                hint += f" {self._key('resume')} resumes it."
            elif not scan.resumable:
                hint += (
                    " A resume would be refused the same: start a new scan of a corrected scope."
                )
        self.query_one("#history-hint", Static).update(plain(hint, lines=True))  # Jira's words

    def on_mount(self) -> None:
        table = self.query_one(VimDataTable)
        # what a scan found first: an 80-column terminal still shows it (site and scope last)
        table.add_columns(
            " ", "Started", "Status", "Storage", "Wasted", "Files", "Groups", "Cleaned", "Verify",
            "Took", "Scope", "Site",
        )  # fmt: skip
        self.reload()
        table.focus()
        self.set_interval(FOLLOW_S, self._follow_store)

    def on_screen_resume(self) -> None:
        self.reload()

    def _follow_store(self) -> None:
        """Read the scans again when another aa-tui wrote the store meanwhile (a CLI scan,
        a weekly job, a scan deleted: the rows stayed as first read until the screen was left
        and opened again, found in a real terminal)."""
        if self.is_current and self.workspace.scans_stamp() != self._stamp:
            self.reload()

    def reload(self) -> None:
        table = self.query_one(VimDataTable)
        row = table.cursor_row
        was = self.selected()
        table.clear()
        self._stamp = self.workspace.scans_stamp()  # (before reading: a write meanwhile shows)
        self.scans = self.workspace.list_scans()
        if was is not None:  # the cursor stays on its scan when one is added above it
            row = next((n for n, s in enumerate(self.scans) if s.id == was.id), row)
        cleaned = self.workspace.cleaned_scans()  # freed by cleanups made from each scan
        listed = {s.id for s in self.scans}
        for gone in [m for m in self.marked if m not in listed]:  # deleted by another aa-tui
            self.notify(
                fmt.deleted_meanwhile(gone) + " It is no longer marked.", severity="warning"
            )
        self.marked = [m for m in self.marked if m in listed]
        started = fmt.dates_told_apart(s.started_at for s in self.scans)
        for scan in self.scans:
            totals = scan.totals or {}
            done = bool(totals)
            table.add_row(
                Text("●", style="bold magenta") if scan.id in self.marked else " ",
                started(scan.started_at),
                Text(scan.status, style=STATUS_STYLE.get(scan.status, "")),
                Text(size_text(totals.get("total_size", 0)) if done else "-", justify="right"),
                Text(size_text(totals.get("duplicate_size", 0)) if done else "-", justify="right"),
                Text(fmt.count(totals.get("total_files", 0)) if done else "-", justify="right"),
                Text(
                    fmt.count(totals.get("duplicate_groups", 0)) if done else "-", justify="right"
                ),
                Text(
                    size_text(cleaned[scan.id].freed) if scan.id in cleaned else "-",
                    justify="right",
                ),
                scan.verify,
                fmt.duration(scan.duration_s),
                scan.scope.describe(),
                fmt.host(self.app.site_label(scan.site)),  # the last column: what fits
                key=scan.id,
            )
        if not self.scans:
            self.query_one("#history-hint", Static).update(
                "No scans yet: start one from Sites (F2)."
            )
            self.query_one("#history-scan", Static).update("")  # (the last one deleted)
        elif row >= 0:
            table.move_cursor(row=min(row, len(self.scans) - 1))
            self._show_hint()

    def selected(self) -> ScanInfo | None:
        table = self.query_one(VimDataTable)
        if not self.scans:
            return None
        return self.scans[min(max(table.cursor_row, 0), len(self.scans) - 1)]

    async def on_data_table_row_selected(self, event: VimDataTable.RowSelected) -> None:
        event.stop()
        await self.run_action("open")

    def _refuse_running(self, scan: ScanInfo, doing: str) -> bool:
        """Say so and return True when ``scan`` is the one running in this app right now."""
        if not self.app.scan_running(scan.id):
            return False
        self.notify(
            f"This scan is running right now: it cannot be {doing}. Let it finish, or cancel "
            "it on its Live scan screen first.",
            severity="warning",
        )
        return True

    def action_open(self) -> None:
        scan = self.selected()
        if scan is None:
            return
        if not self.workspace.has_results(scan.id):
            if self._deleted_meanwhile(scan.id):
                return
            if self.app.scan_running(scan.id):
                hint = ": it is running right now."
            else:
                hint = "."
                if self.workspace.can_resume(scan):
                    hint = f": {self._key('resume')} resumes it."
                elif not scan.resumable:
                    hint = f": {scan.message}"
            self.notify(
                f"This scan is {scan.status} and has no results yet{hint}", severity="warning"
            )
            return
        from aa_tui.tui.screens.results import ResultsScreen

        self.app.push_screen(ResultsScreen(scan.id, from_history=True))

    def _deleted_meanwhile(self, scan_id: str) -> bool:
        """Whether another aa-tui deleted scan ``scan_id`` since the list was read: then the
        list is read again, and a notice says so."""
        if self.workspace.get_scan(scan_id) is not None:
            return False
        marked = scan_id in self.marked  # reload says so of a marked one
        self.reload()
        if not marked:
            self.notify(fmt.deleted_meanwhile(scan_id), severity="warning")
        return True

    def action_mark(self) -> None:
        scan = self.selected()
        if scan is None:
            return
        if scan.id in self.marked:
            self.marked.remove(scan.id)
        else:
            if not self.workspace.has_results(scan.id):
                if not self._deleted_meanwhile(scan.id):
                    self.notify("Only finished scans can be compared.", severity="warning")
                return
            self.marked = (self.marked + [scan.id])[-2:]
        self.reload()
        self.query_one(VimDataTable).action_cursor_down()  # as Space in Duplicates: the next

    def action_compare(self) -> None:
        if any(self._deleted_meanwhile(m) for m in list(self.marked)):
            return  # the notice said which
        if len(self.marked) != 2:
            self.notify("Mark two finished scans with Space first.", severity="warning")
            return
        by_id = {s.id: s for s in self.scans}
        older, newer = sorted((by_id[m] for m in self.marked), key=lambda s: s.started_at)
        from aa_tui.tui.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(older.id, newer.id))

    def action_delete(self) -> None:
        scan = self.selected()
        if scan is None or self._refuse_running(scan, "deleted"):
            return

        def answered(yes: bool | None) -> None:
            if not yes or self._refuse_running(scan, "deleted"):
                return
            try:
                self.workspace.delete_scan(scan.id)
            except (StoreError, OSError) as exc:
                self.reload()
                self.app.show_error(exc)
                return
            self.reload()
            self.notify("Scan deleted.")

        resumed = self.workspace.rescans_resumed_from(scan.id)
        self.app.push_screen(
            ConfirmScreen(
                # to the second: two scans started in the same minute read alike otherwise
                f"Delete the scan of {self.app.site_label(scan.site)} "
                f"({scan.scope.describe()}, {fmt.moment(scan.started_at)}) and its saved results? "
                + (
                    "An interrupted rescan started from it: resumed, it would read every issue "
                    "again. "
                    if resumed
                    else ""
                )
                + "Jira is not touched.",
                yes="Delete",
            ),
            answered,
        )

    def action_resume(self) -> None:
        scan = self.selected()
        if scan is None or self._refuse_running(scan, "resumed twice"):
            return
        if not self.workspace.can_resume(scan):
            if scan.unfinished and not scan.resumable:
                why = f"A resume would be refused the same ({scan.message}): start a new scan."
            else:
                why = "Only a cancelled or failed scan can be resumed."
            self.notify(why, severity="warning")
            return
        profile = Profile(scan.site, scan.email)
        try:
            token = self.workspace.token_for(profile)
        except CredentialsError as exc:  # no keyring: a token typed on Sites lasts the session
            self.app.show_error(
                exc, hint="Or type the token on Sites (F2): it is kept for this session."
            )
            return
        if not token:
            from aa_tui.service.demo import gone_demo_note

            note = (
                gone_demo_note(scan.site)
                or "No API token saved for this site: add it on Sites (F2)."
            )
            self.notify(note, severity="error", timeout=12)
            return
        from aa_tui.service.scanning import ScanRequest
        from aa_tui.tui.screens.live_scan import LiveScanScreen

        request = ScanRequest(
            site=scan.site, email=scan.email, scope=scan.scope, verify=scan.verify, resume=True,
            resume_id=scan.id,  # this scan, not the newest unfinished one of its scope
        )  # fmt: skip
        self.app.push_screen(LiveScanScreen(profile, token, request))


def why_stopped(status: str, message: str) -> str:
    """``Failed: <why>``; a message that only names the status is said once ("Cancelled.",
    not "Cancelled: Cancelled.")."""
    if message.rstrip(".").casefold() == status.casefold():
        return message
    return f"{status.capitalize()}: {message}"

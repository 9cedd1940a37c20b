"""Choose what to scan (whole site, projects, JQL) and how to prove duplicates; start or resume."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Label,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
)
from textual.widgets.selection_list import Selection

from aa_tui.model.accounts import PAT_ACCOUNT, account_label
from aa_tui.model.enums import VerifyMode
from aa_tui.model.records import Scope
from aa_tui.model.scans import Profile, ScanInfo
from aa_tui.service.errors import CredentialsError, JiraError
from aa_tui.service.scanning import ScanRequest
from aa_tui.tui import format as fmt
from aa_tui.tui.keymap import key_label
from aa_tui.tui.messages import ProjectsListed, ScanCostCounted
from aa_tui.tui.safe import plain
from aa_tui.tui.screens.base import AppScreen
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.inputs import TextInput

SCOPES = ("site", "projects", "jql")
VERIFY = tuple(VerifyMode)
#: a whole-site exact scan of a site with this many issues (or an untold number) asks first
BIG_SITE_ISSUES = 5_000


class NewScanScreen(AppScreen):
    """A scan of one saved site."""

    HELP_GROUP = "New scan"
    BINDINGS = [
        Binding("ctrl+s", "start", "Start scan", id="new_scan.start"),
        Binding("ctrl+r", "resume", "Resume", id="new_scan.resume"),
        Binding("escape", "app.pop_screen", "Back", id="new_scan.back"),
    ]
    DEFAULT_CSS = """
    NewScanScreen #target { padding: 0 1; text-style: bold; }
    NewScanScreen #columns { height: 1fr; }
    NewScanScreen .box { border: round $primary; padding: 0 1; height: 1fr; }
    NewScanScreen #scope-box { width: 5fr; }
    NewScanScreen #verify-box { width: 4fr; }  /* 80 columns: its choices whole */
    NewScanScreen RadioSet { width: 100%; }
    NewScanScreen #projects { height: 1fr; min-height: 4; }
    NewScanScreen #projects-note, NewScanScreen #verify-note { color: $text-muted; height: auto; }
    NewScanScreen #full-note { color: $text-muted; height: auto; }
    NewScanScreen #resume-note { padding: 0 1; height: auto; color: $warning; }
    NewScanScreen #problem { padding: 0 1; height: auto; color: $error; }
    NewScanScreen #buttons { height: 3; padding: 0 1; }
    NewScanScreen #buttons Button { margin-right: 2; }
    """

    def __init__(self, profile: Profile, *, start_at_once: bool = False) -> None:
        super().__init__()
        self.profile = profile
        self.start_at_once = start_at_once  # the demo: scan the whole site without asking
        self.token: str | None = None
        self.resumable: ScanInfo | None = None
        #: the complete scan a new scan of the chosen scope starts from (a rescan), if any
        self.rescan_base: ScanInfo | None = None
        self.can_rescan = False  # a rescan can start from it (its basis is whole)

    def compose(self) -> ComposeResult:
        label = self.app.site_label(self.profile.site)
        yield AppHeader()
        account = self.profile.email
        who = f"{'with' if account == PAT_ACCOUNT else 'as'} {account_label(account)}"
        yield Static(plain(f"Scan {label} {who}"), id="target", markup=False)
        with Horizontal(id="columns"):
            with Vertical(id="scope-box", classes="box"):
                yield Label("What to scan")
                with RadioSet(id="scope"):
                    yield RadioButton("Whole site", value=True, id="scope-site")
                    yield RadioButton("Chosen projects", id="scope-projects")
                    yield RadioButton("Issues matching a JQL filter", id="scope-jql")
                yield Static("Loading projects…", id="projects-note")
                yield SelectionList[str](id="projects")
                yield TextInput(placeholder="JQL, e.g. project = OPS AND created < -365d", id="jql")
            with Vertical(id="verify-box", classes="box"):
                yield Label("How to prove a duplicate")
                with RadioSet(id="verify"):
                    yield RadioButton("Exact: same bytes", value=True, id="verify-exact")
                    yield RadioButton("Metadata: name, size", id="verify-metadata")
                yield Static(id="verify-note")
                # one line (no border): at 80x24 the note below it shows too
                yield Checkbox("Read everything again", id="full", compact=True)
                yield Static(id="full-note")
        yield Static(id="resume-note", markup=False)
        yield Static(id="problem", markup=False)
        with Horizontal(id="buttons"):
            yield Button("Start scan", id="start", variant="success")
            yield Button("Resume", id="resume", variant="warning")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#projects").display = False
        self.query_one("#jql").display = False
        self.query_one("#projects-note").display = False
        self._verify_changed()
        try:
            self.token = self.workspace.token_for(self.profile)
        except CredentialsError as exc:
            self._problem(str(exc))
        else:
            if not self.token:
                self._problem(
                    "No API token is saved for this site: edit it on the Sites screen (F2), or "
                    "set JIRA_API_TOKEN."
                )
        self._check_resumable()
        # the first choice has the focus: arrows and Enter pick a scope, never start a scan
        self.query_one("#scope", RadioSet).focus()
        if self.start_at_once and self.token:
            self.start_at_once = False
            self.call_after_refresh(self._launch, False)

    def _problem(self, text: str) -> None:
        self.query_one("#problem", Static).update(plain(text, lines=True))  # Jira's words

    def show_problem(self, text: str) -> None:
        """What stopped a scan of this form's scope (Jira refused the JQL, say); the field to
        fix has the focus."""
        self._problem(text)
        field = {"jql": "#jql", "projects": "#projects"}.get(self.scope_kind)
        if field:
            self.query_one(field).focus()

    # -- the form -------------------------------------------------------------------------------
    @property
    def scope_kind(self) -> str:
        pressed = self.query_one("#scope", RadioSet).pressed_index
        return SCOPES[max(pressed, 0)]

    @property
    def verify(self) -> VerifyMode:
        pressed = self.query_one("#verify", RadioSet).pressed_index
        return VERIFY[max(pressed, 0)]

    def scope(self) -> Scope | None:
        kind = self.scope_kind
        if kind == "projects":
            chosen = tuple(sorted(self.query_one("#projects", SelectionList).selected))
            if not chosen:
                self._problem("Choose at least one project (Space ticks one).")
                return None
            return Scope(projects=chosen)
        if kind == "jql":
            jql = self.query_one("#jql", TextInput).value.strip()
            if not jql:
                self._problem("Type a JQL filter, or choose the whole site.")
                return None
            return Scope(jql=jql)
        return Scope()

    @on(RadioSet.Changed, "#scope")
    def _scope_changed(self) -> None:
        kind = self.scope_kind
        self.query_one("#projects").display = kind == "projects"
        self.query_one("#projects-note").display = kind == "projects"
        self.query_one("#jql").display = kind == "jql"
        if (
            kind == "projects"
            and self.token
            and not self.query_one("#projects", SelectionList).option_count
        ):
            self.query_one("#projects-note", Static).update("Loading projects…")
            self._load_projects(self.token)
        if kind == "jql":
            self.query_one("#jql", TextInput).focus()
        self._problem("")
        self._check_resumable()

    @on(RadioSet.Changed, "#verify")
    def _verify_changed(self) -> None:
        note = (
            "Compares the bytes of files of equal size (head, tail, then the whole): proven copies."
            if self.verify is VerifyMode.EXACT
            else "Reads no file: same name and size count as likely copies (fast, not proof)."
        )
        self.query_one("#verify-note", Static).update(note)
        self._check_resumable()

    @on(SelectionList.SelectedChanged, "#projects")
    @on(TextInput.Changed, "#jql")
    def _scope_edited(self) -> None:
        self._problem("")
        self._check_resumable()

    def _check_resumable(self) -> None:
        scope = self._quiet_scope()
        found = None
        if scope is not None:
            found = self.workspace.find_resumable(
                self.profile.site, scope, self.verify, email=self.profile.email
            )
        self._check_rescan(scope)
        could = self.resumable is not None
        self.resumable = found
        note = self.query_one("#resume-note", Static)
        if found is None:
            note.update("")
        else:
            note.update(
                f"An unfinished scan of this scope ({found.status}, started "
                f"{fmt.moment(found.started_at)}) can be resumed: "
                f"{key_label(self.app, 'new_scan.resume')} keeps what it already read."
            )
        self.query_one("#resume", Button).display = found is not None
        if could != (found is not None):  # the footer's resume key comes or goes: only then
            # (redrawing the footer at every key typed in the JQL box cost ~30 ms a key:
            # 300 keys typed at once kept the app busy ~10 s, found in a real terminal)
            self.refresh_bindings()

    def _check_rescan(self, scope: Scope | None) -> None:
        """Whether a new scan of ``scope`` is a rescan (a complete earlier scan of it is kept):
        then "Read everything again" can be ticked; else it is off and says why."""
        base = None
        if scope is not None:
            base = self.workspace.rescan_base(
                self.profile.site, scope, self.verify, email=self.profile.email
            )
        self.rescan_base = base
        self.can_rescan = base is not None and self.workspace.can_start_from(base)
        full = self.query_one("#full", Checkbox)
        full.disabled = not self.can_rescan
        if not self.can_rescan:
            full.value = False
        self._full_changed()

    @on(Checkbox.Changed, "#full")
    def _full_changed(self) -> None:
        base = self.rescan_base
        if base is None:
            note = "No complete earlier scan of this scope: this scan reads everything."
        elif not self.can_rescan:
            note = fmt.cannot_start_from(fmt.moment(base.started_at))
        elif self.read_everything:
            note = "Reads every issue and file again, as a first scan does."
        else:
            note = (
                f"A rescan: starts from the scan of {fmt.moment(base.started_at)}, reads only "
                "the issues changed since."
            )
        self.query_one("#full-note", Static).update(note)

    @property
    def read_everything(self) -> bool:
        """A new scan reads everything: asked to, or nothing it can start from."""
        return not self.can_rescan or self.query_one("#full", Checkbox).value

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self.resumable is not None
        return True

    def _quiet_scope(self) -> Scope | None:
        kind = self.scope_kind
        if kind == "projects":
            chosen = tuple(sorted(self.query_one("#projects", SelectionList).selected))
            return Scope(projects=chosen) if chosen else None
        if kind == "jql":
            jql = self.query_one("#jql", TextInput).value.strip()
            return Scope(jql=jql) if jql else None
        return Scope()

    # -- projects -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="projects")
    def _load_projects(self, token: str) -> None:
        try:
            projects = self.workspace.projects(self.profile.site, self.profile.email, token)
        except JiraError as exc:  # said beside the list, not in a modal
            self.post_message(ProjectsListed(None, str(exc)))
            return
        self.post_message(ProjectsListed(projects, ""))

    def on_projects_listed(self, message: ProjectsListed) -> None:
        note = self.query_one("#projects-note", Static)
        if message.projects is None:
            note.update(plain(f"Could not list projects: {message.problem}", lines=True))
            return
        projects = sorted(message.projects, key=lambda p: p["key"])
        picker = self.query_one("#projects", SelectionList)
        picker.clear_options()
        picker.add_options(
            Selection(plain(f"{p['key']}  {p.get('name', '')}"), p["key"]) for p in projects
        )
        if projects:  # the first Space ticks the first project (none was highlighted)
            picker.highlighted = 0
        note.update(f"{len(projects)} projects you can browse; Space ticks one.")

    # -- start ----------------------------------------------------------------------------------
    def _launch(self, resume: bool) -> None:
        if not self.token:
            self.notify("No API token for this site: see the message above.", severity="error")
            return
        scope = self.scope()
        if scope is None:
            return
        from aa_tui.tui.screens.live_scan import LiveScanScreen

        self._problem("")
        request = ScanRequest(
            site=self.profile.site,
            email=self.profile.email,
            scope=scope,
            verify=self.verify,
            resume=resume,
            # the scan named above, not whichever unfinished one is newest when it starts
            resume_id=self.resumable.id if resume and self.resumable else "",
            full=self.query_one("#full", Checkbox).value,
        )
        self.app.push_screen(LiveScanScreen(self.profile, self.token, request))

    def action_start(self) -> None:
        """Start; a whole-site exact scan of a big site that reads everything (not a rescan)
        says what it reads first."""
        if (
            self.token
            and self.scope_kind == "site"
            and self.verify is VerifyMode.EXACT
            and self.read_everything
        ):
            self._problem("")
            self.query_one("#resume-note", Static).update("Asking Jira how big the site is…")
            self._count_cost(self.token)
            return
        self._launch(resume=False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="cost")
    def _count_cost(self, token: str) -> None:
        try:
            issues = self.workspace.issues_to_scan(
                self.profile.site, self.profile.email, token, Scope()
            )
        except Exception as error:  # noqa: BLE001 - said by the form, as the scan's would be
            self.post_message(ScanCostCounted(None, error))
            return
        self.post_message(ScanCostCounted(issues))

    def on_scan_cost_counted(self, message: ScanCostCounted) -> None:
        self._check_resumable()  # the note it borrowed
        if message.error is not None:
            self.app.show_error(message.error)
            return
        issues = message.issues
        if issues is not None and issues < BIG_SITE_ISSUES:
            self._launch(resume=False)
            return
        size = (
            f"Jira counts about {issues:,} issues with attachments"
            if issues is not None
            else "Jira does not say how many issues have attachments"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._launch(resume=False)

        self.app.push_screen(
            ConfirmScreen(
                f"Scan the whole site, comparing bytes? {size}. Every issue is read, and every "
                "file whose size matches another's is downloaded (its head and tail, then in "
                "full while it still matches): on a site this big that takes hours and much "
                "of the site's API rate. Chosen projects or a JQL filter read less.",
                yes="Start scan",
                no="Back",
            ),
            answered,
        )

    def action_resume(self) -> None:
        if self.resumable is None:
            self.notify("Nothing to resume for this scope.", severity="warning")
            return
        self._launch(resume=True)

    def on_screen_resume(self) -> None:
        self._check_resumable()

    # Buttons run their action as a key does (App.run_action: a failure becomes a modal).
    @on(Button.Pressed, "#start")
    async def _pressed_start(self) -> None:
        await self.run_action("start")

    @on(Button.Pressed, "#resume")
    async def _pressed_resume(self) -> None:
        await self.run_action("resume")

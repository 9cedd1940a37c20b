"""Saved sites (profiles) and the form to add, edit and test one."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Label, RadioButton, RadioSet, Static

from aa_tui.model.accounts import account_label
from aa_tui.model.scans import Profile
from aa_tui.model.units import counted
from aa_tui.service.errors import CredentialsError, JiraError, StoreError
from aa_tui.service.sites import normalize_site_url
from aa_tui.tui import format as fmt
from aa_tui.tui.keymap import key_label
from aa_tui.tui.messages import KeyringProbed, SignInTested
from aa_tui.tui.safe import plain
from aa_tui.tui.screens.base import AppScreen
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.sign_in import CLOUD, KINDS, SignInKind, kind_of, site_kind, typed_account
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.inputs import TextInput
from aa_tui.tui.widgets.tables import VimDataTable

#: keys that act on the selected row: inside the form they would fire from a button and
#: replace what was typed, so they work from the list only
LIST_ACTIONS = {"scan", "add", "edit", "delete", "test_selected"}


FIELDS = ("site", "email", "token")


@dataclass(frozen=True)
class FormValues:
    site: str
    account: str  # as saved: an email, ``user:NAME`` or ``pat:`` (aa_tui.model.accounts)
    token: str


class FormAnswer(Static):
    """The form's answer, under its buttons: kept in view as it is said and as it grows (on a
    short screen it fell below the fold, seen only by Tab-ing to scroll)."""

    def say(self, text: str) -> None:
        self.update(plain(text, lines=True))  # it may quote what the site answered
        self.set_class(bool(text), "said")
        if text:
            self.call_after_refresh(self.scroll_visible, animate=False)

    def on_resize(self, event: events.Resize) -> None:
        if self.has_class("said"):
            self.scroll_visible(animate=False)


NO_SITES = "No saved sites yet: fill in the form below (Tab moves between fields)."


class SitesScreen(AppScreen):
    """The start screen: pick a site to scan, or add one (its token goes to the OS keyring)."""

    HELP_GROUP = "Sites"
    BINDINGS = [
        Binding("n", "scan", "New scan", id="sites.scan"),
        Binding("a", "add", "Add site", id="sites.add"),
        Binding("e", "edit", "Edit", id="sites.edit"),
        Binding("d", "delete", "Delete", id="sites.delete"),
        Binding("t", "test_selected", "Test site", id="sites.test"),
        Binding("H", "app.history", "History", show=False, id="sites.history"),
        Binding("ctrl+s", "save", "Save site", id="sites.save"),
        Binding("ctrl+r", "test_form", "Test form", id="sites.test_form"),
        Binding("escape", "leave_form", "Back to list", show=False, id="sites.leave_form"),
    ]
    DEFAULT_CSS = """
    SitesScreen #keyring { padding: 0 1; margin: 0 1; border: round $warning; height: auto; }
    SitesScreen #keyring.ok { border: none; color: $text-muted; }
    SitesScreen #profiles { height: auto; max-height: 12; margin: 0 1; }
    SitesScreen #empty { padding: 0 2; color: $text-muted; }
    SitesScreen #demo-token { padding: 0 2; height: auto; color: $text-muted; }
    SitesScreen #form { border: round $primary; height: auto; margin: 0 1; padding: 0 1; }
    SitesScreen .row { height: 3; }
    SitesScreen .row Label { width: 12; padding: 1 0 0 0; }
    SitesScreen #kind { layout: horizontal; width: 1fr; }
    SitesScreen #kind > RadioButton { width: auto; margin-right: 2; }
    SitesScreen .row TextInput { width: 1fr; }
    SitesScreen #buttons { height: 3; }
    SitesScreen #buttons Button { margin-right: 2; }
    SitesScreen #status { height: auto; padding: 0 1; }
    SitesScreen #status.good { color: $success; }
    SitesScreen #status.bad { color: $error; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.editing: Profile | None = None
        self.profiles: list[Profile] = []
        self.keyring_usable = True

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="keyring", markup=False)
        yield VimDataTable(id="profiles", cursor_type="row")
        yield Static(NO_SITES, id="empty", markup=False)  # (a key label may be "[")
        yield Static(id="demo-token", markup=False)
        with Vertical(id="form"):
            with Horizontal(classes="row"):
                yield Label("Site URL")
                yield TextInput(placeholder=CLOUD.site_hint, id="site")
            with Horizontal(classes="row"):
                yield Label("Sign in")
                with RadioSet(id="kind"):
                    for kind in KINDS:
                        yield RadioButton(kind.choice, value=kind is CLOUD, id=f"kind-{kind.name}")
            with Horizontal(classes="row", id="account-row"):
                yield Label(CLOUD.account_label, id="account-label")
                yield TextInput(placeholder=CLOUD.account_hint, id="email")
            with Horizontal(classes="row"):
                yield Label(CLOUD.secret_label, id="token-label")
                yield TextInput(placeholder=CLOUD.secret_hint, password=True, id="token")
            with Horizontal(id="buttons"):
                yield Button("Test connection", id="test", variant="primary")
                yield Button("Save", id="save", variant="success")
                yield Button("Clear", id="clear")
            yield FormAnswer(id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#profiles", VimDataTable)
        table.add_columns("Site", "Kind", "Account", "Token", "Last scan")
        looking = self.query_one("#keyring", Static)
        looking.update("Looking for the OS keyring…")
        looking.set_class(True, "ok")
        self._set_form(None)
        self.refresh_profiles()
        # Finding the keyring loads every keyring backend (a few hundred ms): not before the
        # first frame.
        self._probe_keyring()

    @work(thread=True, exclusive=True, exit_on_error=False, group="keyring")
    def _probe_keyring(self) -> None:
        usable, message = self.workspace.keyring_status()
        self.post_message(KeyringProbed(usable, message))

    def on_keyring_probed(self, message: KeyringProbed) -> None:
        self._show_keyring(message.usable, message.message)
        token = self.query_one("#token", TextInput)
        token.placeholder = self._token_hint(self.editing)
        self.refresh_profiles()

    def on_screen_resume(self) -> None:
        # Back from a scan: the list has the focus, and a form nobody typed in is blank again
        # (never another profile's half-open edit).
        if not self._typed():
            self._set_form(None)
        self.refresh_profiles()
        if self.profiles:
            self.query_one("#profiles", VimDataTable).focus()

    def _typed(self) -> bool:
        if self.editing is not None:
            edited = (self.editing.site, typed_account(self.editing.email), "")
        else:
            edited = ("", "", "")
        kind = kind_of(self.editing.email) if self.editing else CLOUD
        typed = tuple(self.query_one(f"#{n}", TextInput).value for n in FIELDS)
        return typed != edited or self.kind() is not kind

    def kind(self) -> SignInKind:
        """The way to sign in chosen on the form."""
        return KINDS[max(self.query_one("#kind", RadioSet).pressed_index, 0)]

    def _show_kind(self, kind: SignInKind) -> None:
        """Name the form's fields for ``kind`` (a personal access token has no account field)."""
        self.query_one("#kind-" + kind.name, RadioButton).value = True
        self.query_one("#site", TextInput).placeholder = kind.site_hint
        self.query_one("#account-row").display = bool(kind.account_label)
        self.query_one("#account-label", Label).update(kind.account_label)
        self.query_one("#email", TextInput).placeholder = kind.account_hint
        self.query_one("#token-label", Label).update(kind.secret_label)
        self.query_one("#token", TextInput).placeholder = self._token_hint(self.editing)

    @on(RadioSet.Changed, "#kind")
    def _kind_changed(self) -> None:
        self._show_kind(self.kind())

    def _in_form(self) -> bool:
        focused = self.focused
        return focused is not None and self.query_one("#form") in focused.ancestors_with_self

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in LIST_ACTIONS and self._in_form())

    # -- display --------------------------------------------------------------------------------
    def _show_keyring(self, usable: bool, message: str) -> None:
        self.keyring_usable = usable
        banner = self.query_one("#keyring", Static)
        if self.workspace.token_in_environment:
            message += " JIRA_API_TOKEN is set: it is used for every site this session."
        elif not usable:
            message += " Meanwhile a token typed below is kept for this session only."
        banner.update(plain(message, lines=True))
        banner.set_class(usable, "ok")

    def refresh_profiles(self) -> None:
        table = self.query_one("#profiles", VimDataTable)
        cursor = table.cursor_row
        table.clear()
        self.profiles = self.workspace.list_profiles()
        last: dict[str, str] = {}
        scans = self.workspace.list_scans()
        for scan in scans:  # newest first
            last.setdefault(f"{scan.email}@{scan.site}", scan.started_at)
        for profile in self.profiles:
            token = self.workspace.token_source(profile, keyring_usable=self.keyring_usable)
            table.add_row(
                self.app.site_label(profile.site),
                kind_of(profile.email).short,
                account_label(profile.email),
                token,
                fmt.date(last.get(profile.key, "")) or "never",
                key=profile.key,
            )
        table.display = bool(self.profiles)
        empty = self.query_one("#empty", Static)
        empty.display = not self.profiles
        held = counted(len(scans), "scan")  # (the command line's: it saves no site)
        history = f" History ({key_label(self.app, 'app.history')}) holds {held} already."
        empty.update(NO_SITES + (history if scans else ""))
        self._show_demo_token()
        if self.profiles:
            table.move_cursor(row=min(max(cursor, 0), len(self.profiles) - 1))
            if not isinstance(self.focused, TextInput):
                table.focus()
        else:
            self.query_one("#site", TextInput).focus()

    def _show_demo_token(self) -> None:
        """The demo site's token, which the command line needs to reach it: a throwaway that
        lives in memory as long as its demo (shown here, never written anywhere)."""
        lines = []
        for profile in self.profiles:
            if profile.demo and self.workspace.in_memory(profile):
                token = self.workspace.token_for(profile) or ""
                lines.append(
                    f"Demo site {self.app.site_label(profile.site)} "
                    f"({account_label(profile.email)}): its "
                    f"throwaway token, for the command line while this demo runs, is {token}"
                )
        shown = self.query_one("#demo-token", Static)
        shown.update("\n".join(lines))
        shown.display = bool(lines)

    def _set_form(self, profile: Profile | None) -> None:
        self.editing = profile
        form = self.query_one("#form")
        form.border_title = (
            plain(f"Edit {account_label(profile.email)}") if profile else "Add a site"
        )
        self.query_one("#site", TextInput).value = profile.site if profile else ""
        self.query_one("#email", TextInput).value = typed_account(profile.email) if profile else ""
        self.query_one("#token", TextInput).value = ""
        self._show_kind(kind_of(profile.email) if profile else CLOUD)
        self._status("")

    def _token_hint(self, profile: Profile | None) -> str:
        if self.workspace.token_in_environment:
            return "optional: JIRA_API_TOKEN is set and used for every site this session"
        if not self.keyring_usable:
            return "kept in memory for this session only (no OS keyring)"
        kind = self.kind()
        if profile is not None and kind_of(profile.email) is kind:
            return f"leave empty to keep the saved {kind.secret_noun}"
        return kind.secret_hint

    def _status(self, text: str, good: bool | None = None) -> None:
        status = self.query_one("#status", FormAnswer)
        status.say(text)
        status.set_class(good is True, "good")
        status.set_class(good is False, "bad")

    def selected(self) -> Profile | None:
        table = self.query_one("#profiles", VimDataTable)
        if not self.profiles or table.cursor_row < 0:
            return None
        return self.profiles[min(table.cursor_row, len(self.profiles) - 1)]

    def _form(self) -> FormValues | None:
        """The form's values with a normalised site URL, or None after saying what is wrong."""
        kind = self.kind()
        raw_site = self.query_one("#site", TextInput).value
        typed = self.query_one("#email", TextInput).value.strip() if kind.account_label else ""
        token = self.query_one("#token", TextInput).value.strip()
        try:
            site = normalize_site_url(raw_site, keep_path=kind.keep_path)
        except JiraError as exc:
            self._status(str(exc), good=False)
            return None
        problem = kind.account_problem(typed)
        if problem:
            self._status(problem, False)
            return None
        return FormValues(site, kind.account(typed), token)

    def _token_for_form(self, values: FormValues) -> str | None:
        if values.token:
            return values.token
        try:
            saved = self.workspace.token_for(Profile(values.site, values.account))
        except CredentialsError as exc:
            self._status(str(exc), good=False)
            return None
        if not saved:
            noun = kind_of(values.account).secret_noun
            self._status(f"Paste the {noun} first (nothing is saved for this site yet).", False)
        return saved

    def _where_saved(self, profile: Profile, typed: bool) -> str:
        """Where the token of a profile just saved lives, as a sentence's end."""
        source = self.workspace.token_source(profile, keyring_usable=self.keyring_usable)
        if self.workspace.token_in_environment and typed and self.keyring_usable:
            return "the token is in the OS keyring, but JIRA_API_TOKEN is used while it is set"
        if source == "JIRA_API_TOKEN":
            return "its token comes from JIRA_API_TOKEN (nothing saved)"
        if source == "OS keyring":
            return "the token is in the OS keyring"
        if source == "memory (demo)":
            return "the demo's token stays in memory"
        return "the token is kept in memory for this session only (no OS keyring)"

    # -- actions --------------------------------------------------------------------------------
    def action_scan(self) -> None:
        profile = self.selected()
        if profile is None:
            self.notify("Add a site first.", severity="warning")
            return
        from aa_tui.tui.screens.new_scan import NewScanScreen

        self.app.push_screen(NewScanScreen(profile))

    def action_add(self) -> None:
        self._set_form(None)
        self.query_one("#site", TextInput).focus()

    def action_edit(self) -> None:
        profile = self.selected()
        if profile is not None:
            self._set_form(profile)
            self.query_one("#token", TextInput).focus()

    def action_leave_form(self) -> None:
        if self.profiles:
            self.query_one("#profiles", VimDataTable).focus()

    def action_delete(self) -> None:
        profile = self.selected()
        if profile is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.workspace.delete_token(profile)
            except CredentialsError as exc:
                self.app.show_error(exc)
            try:
                self.workspace.delete_profile(profile)
            except (StoreError, OSError) as exc:
                self.app.show_error(exc)
                return
            if self.editing == profile:
                self._set_form(None)
            self.refresh_profiles()
            self.notify(
                f"Deleted {account_label(profile.email)} on {self.app.site_label(profile.site)}."
            )

        source = self.workspace.token_source(profile, keyring_usable=self.keyring_usable)
        token = {"OS keyring": " and its token in the OS keyring"}.get(source, "")
        self.app.push_screen(
            ConfirmScreen(
                f"Delete the site {self.app.site_label(profile.site)} "
                f"({account_label(profile.email)})"
                f"{token}? Past scans stay in History.",
                yes="Delete",
            ),
            answered,
        )

    def action_test_selected(self) -> None:
        profile = self.selected()
        if profile is None:
            return
        self._set_form(profile)
        self.action_test_form()

    def action_test_form(self) -> None:
        values = self._form()
        if values is None:
            return
        token = self._token_for_form(values)
        if not token:
            return
        self._status(f"Connecting to {self.app.site_label(values.site)}…")
        self._test(values.site, values.account, token)

    def action_save(self) -> None:
        values = self._form()
        if values is None:
            return
        profile = Profile(values.site, values.account)
        if values.token and not self.keyring_usable and not self.workspace.in_memory(profile):
            self.workspace.remember_token(profile, values.token)  # no keyring: this session
        elif values.token:
            try:
                self.workspace.save_token(profile, values.token)
            except CredentialsError as exc:
                self._status(str(exc), good=False)
                return
        elif not (
            self.editing or self.workspace.token_in_environment or self.workspace.in_memory(profile)
        ):
            where = "the OS keyring, nowhere else" if self.keyring_usable else (
                "memory for this session only (no OS keyring)")  # fmt: skip
            noun = kind_of(profile.email).secret_noun
            self._status(f"Paste the {noun}: it is kept in {where}.", False)
            return
        renamed = self.editing if self.editing and self.editing.key != profile.key else None
        if renamed:
            # Renamed: the old keyring entry goes with the old profile.
            try:
                if not values.token:
                    old = self.workspace.token_for(renamed)
                    if old:
                        self.workspace.save_token(profile, old)
                self.workspace.delete_token(renamed)
            except CredentialsError as exc:
                self._status(str(exc), good=False)
                return
        try:
            if renamed:
                self.workspace.delete_profile(renamed)
            self.workspace.save_profile(profile)
        except (StoreError, OSError) as exc:
            self._status("The site was not saved (see the message).", good=False)
            self.app.show_error(exc)
            return
        self.refresh_profiles()
        self._set_form(None)
        self._status(
            f"Saved {account_label(profile.email)} on {self.app.site_label(profile.site)}; "
            f"{self._where_saved(profile, bool(values.token))}.",
            good=True,
        )
        self.query_one("#profiles", VimDataTable).focus()

    # Buttons run their action as a key does (App.run_action: a failure becomes a modal).
    @on(Button.Pressed, "#test")
    async def _pressed_test(self) -> None:
        await self.run_action("test_form")

    @on(Button.Pressed, "#save")
    async def _pressed_save(self) -> None:
        await self.run_action("save")

    @on(Button.Pressed, "#clear")
    async def _pressed_clear(self) -> None:
        await self.run_action("add")

    @on(VimDataTable.RowSelected, "#profiles")
    async def _row_selected(self) -> None:
        await self.run_action("scan")

    # -- the connection test --------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="test-connection")
    def _test(self, site: str, account: str, token: str) -> None:
        try:
            who, info = self.workspace.test_connection(site, account, token)
        except (JiraError, CredentialsError) as exc:  # said on the form, not in a modal
            self.post_message(SignInTested(None, str(exc)))
            return
        self.post_message(SignInTested(who, "", site_kind(info)))

    def on_sign_in_tested(self, message: SignInTested) -> None:
        who = message.identity
        if who is not None:
            email = f" ({who.email})" if who.email else ""  # Data Center may not show it
            self._status(
                f"Connected: signed in as {who.display_name}{email} on {message.site}.", good=True
            )
        else:
            self._status(message.problem, good=False)

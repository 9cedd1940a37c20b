"""Text from Jira is shown as text, never as markup, on every screen (issue 19, defect 0).

Any Jira user can name an attachment ``[/].txt`` (Rich markup would read a closing tag: the app
crashed), ``[link=...]x[/link].png`` (a link to wherever its uploader chose) or ``[bold red]``
(a restyled row); a name may hold ``\\x1b[31m`` (an escape sequence for the terminal), ``\\r``
or a bidi override ``\\u202e``, or run to 300 characters. Here a demo site whose file, user,
status and project names are all of that kind is scanned through the real client and engine,
and every screen that shows them is opened with the pilot: nothing crashes, the names are on
the screen as they are (control characters made visible), and the terminal receives no link
and no escape sequence from them.
"""

from __future__ import annotations

import io
import shutil
from collections import defaultdict
from dataclasses import replace

import pytest
from helpers.sites import AppSite
from helpers.tui import EARLIER, sync, until, wait_for_workers
from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.widgets._toast import Toast

from aa_tui.demo import catalog as cat
from aa_tui.demo.generator import generate_site
from aa_tui.jira.errors import QueryRejected
from aa_tui.model.scans import Profile
from aa_tui.tui.safe import plain, visible
from aa_tui.tui.screens.audit import AuditScreen
from aa_tui.tui.screens.cleanup.apply import CleanApplyScreen
from aa_tui.tui.screens.cleanup.review import CleanConfirmScreen, CleanReviewScreen
from aa_tui.tui.screens.compare import CompareScreen
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.screens.error import ErrorScreen
from aa_tui.tui.screens.group_detail import GroupDetailScreen
from aa_tui.tui.screens.history import HistoryScreen
from aa_tui.tui.screens.insights.files import FilesScreen
from aa_tui.tui.screens.insights.screen import InsightsScreen
from aa_tui.tui.screens.new_scan import NewScanScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.group_list import GroupList
from aa_tui.tui.widgets.inputs import TextInput
from aa_tui.tui.widgets.marks import Marks, MarksPane
from aa_tui.tui.widgets.tables import CELL_LIMIT, PlainDataTable, VimDataTable

SIZE = (200, 50)  # wide enough that most names are whole on screen
LONG = "L" * 296 + ".bin"  # 300 characters
#: the duplicate groups of the site, biggest waste first, are renamed to these
FILES = (
    "[/].txt",
    "[link=http://evil.example]click me[/link].png",
    LONG,
    "[bold red]x[/bold red].pdf",
    "report\x1b[31mEVIL.log",
    "over\rwrite.txt",
    "invoice\u202egnp.exe",
)
#: user, status and project names get one of these around them
WRAPS = (
    "[bold red]{}[/bold red]",
    "[link=http://evil.example]{}[/link]",
    "[/]{}",
    "{}\x1b[31mEVIL",
    "{}\u202e!",
    "{}\r!",
    "{}" + "U" * 290,
)
HOSTILE_JQL = 'project = "[/]" AND summary ~ "[link=http://evil.example]x[/link]"'


def wrap(items, field: str):
    return tuple(
        replace(item, **{field: WRAPS[n % len(WRAPS)].format(getattr(item, field))})
        for n, item in enumerate(items)
    )


def rename_biggest_groups(data) -> list[str]:
    """Give the groups that waste most (every copy readable) the names of :data:`FILES`."""
    by_content: dict[int, list[int]] = defaultdict(list)
    for j in range(data.attachment_count):
        by_content[data.att_content[j]].append(j)
    wasted = sorted(
        (
            ((len(js) - 1) * data.c_size[cid], cid)
            for cid, js in by_content.items()
            if len(js) > 1 and data.c_size[cid] > 0 and all(data.att_flag[j] == 0 for j in js)
        ),
        reverse=True,
    )
    assert len(wasted) >= len(FILES)
    for name, (_, cid) in zip(FILES, wasted, strict=False):
        for j in by_content[cid]:
            data.att_name[j] = name
    return list(FILES)


class HostileSite(AppSite):
    """The demo site with hostile names everywhere, served and scanned into a data dir."""

    when = EARLIER

    def __init__(self, tmp_path) -> None:
        data = generate_site(seed=23, issues=300)
        rename_biggest_groups(data)
        super().__init__(data, tmp_path)

    def scanned(self, store) -> None:
        self.later_id = self.scan(store, EARLIER.replace(day=3))
        store.save_profile(Profile(self.server.base_url, self.server.email))

    def app(self, tmp_path):
        return super().app(shutil.copytree(self.root, tmp_path / "data"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:  # the demo's names, for this module only
        patch.setattr(cat, "USERS", wrap(cat.USERS, "display_name"))
        patch.setattr(cat, "STATUSES", wrap(cat.STATUSES, "name"))
        patch.setattr(cat, "PROJECTS", wrap(cat.PROJECTS, "name"))
        with HostileSite(tmp_path_factory.mktemp("hostile")) as site:
            yield site


# -- what reaches the terminal -------------------------------------------------------------------
def screen_output(app) -> tuple[str, str]:
    """The screen as its text, and as the bytes a terminal would get (as Textual draws it)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", record=True, legacy_windows=False, safe_box=False,
    )  # fmt: skip
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    raw = console.file.getvalue()
    return console.export_text(clear=False, styles=False), raw


def assert_safe(app, *names: str, prefix: int = 0) -> str:
    """Nothing from a name reached the terminal as a link or a control sequence, and each of
    ``names`` is on the screen as text (its first ``prefix`` characters, when given)."""
    text, raw = screen_output(app)
    assert "\x1b]8;" not in raw, "a link came from a name"
    assert "\x1b[31mEVIL" not in raw and "\u202e" not in raw, "a name's control characters"
    assert "evil.example" not in raw.replace("[link=http://evil.example]", "")
    for name in names:
        shown = visible(name)
        if prefix:
            shown = shown[:prefix]
        assert shown in text, f"{shown!r} is not on the screen"
    return text


def shown_in_cell(name: str) -> str:
    """A name as a table cell shows it (a 300-character one is cut)."""
    return visible(name, limit=CELL_LIMIT)


def cells(table) -> list[str]:
    """Every cell of a DataTable as the text it shows."""
    rows = [table.get_row_at(i) for i in range(table.row_count)]
    for row in rows:
        for cell in row:
            if isinstance(cell, Text):
                assert not any(s.style and "link" in str(s.style) for s in cell.spans)
    return [str(cell) for row in rows for cell in row]


# -- the helper ----------------------------------------------------------------------------------
def test_visible_replaces_control_and_bidi_characters_one_for_one():
    assert visible("a\x1b[31mb\rc\u202ed\u2066e\x9bf\x7f") == "a␛[31mb␍c\ufffdd\ufffde\ufffdf␡"
    assert visible("two\nlines") == "two␊lines"
    assert visible("two\nlines", lines=True) == "two\nlines"
    assert visible("[/].txt") == "[/].txt"  # markup is not touched: it is never read as such
    assert visible(LONG, limit=40) == "L" * 39 + "…"
    shown = plain("[link=http://evil.example]x[/link]", "bold")
    assert shown.plain == "[link=http://evil.example]x[/link]" and not shown.spans


@sync
async def test_table_cells_are_text_never_markup():
    """A DataTable reads a ``str`` cell as markup: ``[/].txt`` crashed it."""

    class TableApp(App[None]):
        def compose(self):
            yield PlainDataTable()

    app = TableApp()
    async with app.run_test() as pilot:
        table = app.query_one(PlainDataTable)
        table.add_columns("a", "b")
        key = table.add_row("[/].txt", Text("x\u202ey", style="bold"))
        cell, styled = table.get_row(key)
        assert isinstance(cell, Text) and cell.plain == "[/].txt" and not cell.spans
        assert styled.plain == "x\ufffdy" and styled.style == "bold"
        table.update_cell_at((0, 0), "[bold red]x[/bold red]")
        await pilot.pause()
        assert str(table.get_cell_at((0, 0))) == "[bold red]x[/bold red]"
        assert_safe(app, "[bold red]x[/bold red]", "x\ufffdy")


# -- the screens ---------------------------------------------------------------------------------
@sync
async def test_results_and_group_detail_show_hostile_names_as_text(hostile, tmp_path):
    app = hostile.app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ResultsScreen(hostile.scan_id))
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        results = app.screen
        await until(pilot, lambda: results.index is not None)
        await wait_for_workers(pilot)
        # the overview: quick wins (the five biggest) and the projects
        assert_safe(app, *FILES[:5], prefix=40)
        # the duplicate groups: every hostile group at the top
        await pilot.press("2")
        await pilot.pause()
        assert_safe(app, *FILES, prefix=60)
        names = [results.index.groups[i]["file_name"] for i in results.index.view()[:7]]
        assert sorted(names) == sorted(FILES)
        # every breakdown: projects, file types, uploaders (hostile), ages, status categories
        for tab in "34567":
            await pilot.press(tab)
            await pilot.pause()
            assert_safe(app)
        uploaders = results.query_one("#pane-uploaders").query_one(VimDataTable)
        shown = cells(uploaders)
        for user in wrap(cat.USERS, "display_name")[:6]:
            if user.display_name in {r.key for r in results.summary.table("uploaders")}:
                assert shown_in_cell(user.display_name) in shown
        # quick wins, then each hostile group's detail (hostile uploaders and statuses too)
        await pilot.press("8")
        await pilot.pause()
        assert_safe(app, *FILES, prefix=60)
        await pilot.press("2")
        groups = results.query_one("#groups-pane").query_one(GroupList)
        for row in range(len(FILES)):
            groups.cursor = row
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, GroupDetailScreen))
            detail = app.screen
            await pilot.pause()
            name = detail.group["file_name"]
            assert name in FILES
            assert_safe(app, name, prefix=150)
            table_text = cells(detail.query_one(VimDataTable))
            for loc in detail.locations:
                assert shown_in_cell(loc["status"]) in table_text or app.size.width < 110
                assert shown_in_cell(loc["author"]) in table_text or not loc["author"]
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is results)
        # a filter that names a hostile uploader no group has: said as text
        await pilot.press("slash")
        for key in 'uploader:"[/]nobody"':
            await pilot.press(key)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert_safe(app, "No group has uploader '[/]nobody'")


@sync
async def test_insights_tabs_and_file_lists_show_hostile_names_as_text(hostile, tmp_path):
    app = hostile.app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(InsightsScreen(hostile.scan_id))
        await until(pilot, lambda: isinstance(app.screen, InsightsScreen))
        insights = app.screen
        await until(pilot, lambda: insights.insights is not None)
        await wait_for_workers(pilot)
        for tab in "12345678":
            await pilot.press(tab)
            await pilot.pause()
            assert_safe(app)
        departed = cells(insights.query_one("#inactive_uploaders-table", VimDataTable))
        assert "[/]Former Contractor" in departed  # the one inactive user, its name as is
        clutter = cells(insights.query_one("#clutter-table", VimDataTable))
        lists = cells(insights.query_one("#lists-table", VimDataTable))
        assert any(shown_in_cell(f"Uploader: {u.display_name}") in lists for u in cat.USERS)
        # a list of files: every copy of a hostile group
        await pilot.press("5")
        table = insights.query_one("#clutter-table", VimDataTable)
        row = next((n for n, c in enumerate(clutter[::6]) if c in map(visible, FILES)), None)
        if row is None:  # the clutter tab lists only many-copy groups: the uploaders' lists
            await pilot.press("8")
            table = insights.query_one("#lists-table", VimDataTable)
            row = next(n for n, c in enumerate(lists[::3]) if c.startswith("Uploader: "))
        table.move_cursor(row=row)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FilesScreen))
        files = app.screen
        await until(pilot, lambda: files.files)
        await pilot.pause()
        text = assert_safe(app)
        shown = cells(files.query_one(VimDataTable))
        assert {shown_in_cell(f.file_name) for f in files.shown} <= set(shown)
        assert {shown_in_cell(f.author) for f in files.shown if f.author} <= set(shown)
        assert shown_in_cell(files.choice.title)[:60] in text


@sync
async def test_marking_a_departed_uploaders_files_names_them_as_text(hostile, tmp_path):
    """Space on a Departed row reads that uploader's files: the marks line names the row
    (\"Uploaded by [/]Former Contractor\") as text while it reads."""
    app = hostile.app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(InsightsScreen(hostile.scan_id, marks=Marks()))  # as Results opens it
        await until(pilot, lambda: isinstance(app.screen, InsightsScreen))
        insights = app.screen
        await until(pilot, lambda: insights.insights is not None)
        await wait_for_workers(pilot)
        table = insights.query_one("#inactive_uploaders-table", VimDataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.pause()
        insights.action_mark()  # Space: the row's files are read in a worker
        reading = insights.query_one(MarksPane).render()  # before the read has come back
        assert "Uploaded by [/]Former Contractor" in str(reading)
        await pilot.pause()
        assert_safe(app)
        await wait_for_workers(pilot)
        assert_safe(app)


@sync
async def test_cleanup_review_apply_audit_history_and_compare(hostile, tmp_path):
    app = hostile.app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ResultsScreen(hostile.scan_id))
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        results = app.screen
        await until(pilot, lambda: results.index is not None and results.removed is not None)
        # mark the hostile groups (the first seven of the list), review them
        await pilot.press("2")
        for _ in FILES:
            await pilot.press("space")
        assert results.marks.groups == len(FILES)
        await pilot.press("D")
        await until(pilot, lambda: isinstance(app.screen, CleanReviewScreen))
        review = app.screen
        await until(pilot, lambda: review.review is not None)
        await pilot.pause()
        assert_safe(app, *FILES[:3], prefix=60)
        shown = cells(review.query_one("#review-groups", VimDataTable))
        assert set(map(shown_in_cell, FILES)) <= set(shown)
        # confirm, apply against the demo site, and see each file resolve
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, CleanConfirmScreen))
        app.screen.query_one("#confirm-phrase", TextInput).value = review.plan.confirmation
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CleanApplyScreen))
        apply = app.screen
        await until(pilot, lambda: apply.state == "done", timeout=60)
        await pilot.pause()
        assert_safe(app)
        shown = cells(apply.query_one(VimDataTable))
        assert set(map(shown_in_cell, FILES)) <= set(shown)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is results)
        # the audit lists every removed copy by its name
        app.push_screen(AuditScreen())
        await until(pilot, lambda: isinstance(app.screen, AuditScreen))
        audit = app.screen
        await until(pilot, lambda: audit.entries)
        await pilot.pause()
        assert_safe(app, *FILES[:3], prefix=60)
        assert set(map(shown_in_cell, FILES)) <= set(cells(audit.query_one(VimDataTable)))
        # history, its delete question, and the comparison of the two scans
        app.push_screen(HistoryScreen())
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await pilot.pause()
        assert_safe(app)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert_safe(app)
        await pilot.press("escape")
        app.push_screen(CompareScreen(hostile.scan_id, hostile.later_id))
        await until(pilot, lambda: isinstance(app.screen, CompareScreen))
        await pilot.pause()
        assert_safe(app)


@sync
async def test_new_scan_form_jql_error_modal_and_notes_show_text(hostile, tmp_path):
    app = hostile.app(tmp_path)
    profile = Profile(hostile.server.base_url, hostile.server.email)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        # the project list: names from Jira (hostile)
        app.push_screen(NewScanScreen(profile))
        await until(pilot, lambda: isinstance(app.screen, NewScanScreen))
        form = app.screen
        await pilot.pause()
        form.query_one("#scope-projects").value = True
        await until(pilot, lambda: form.query_one("#projects").option_count > 0)
        await pilot.pause()
        assert_safe(app, *(f"{p.key}  {p.name}" for p in cat.PROJECTS[:3]))
        # a JQL that Jira refuses, quoting it: the form says so, as text
        form.query_one("#scope-jql").value = True
        form.query_one("#jql", TextInput).value = HOSTILE_JQL
        await pilot.pause()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is form and str(form.query_one("#problem").render()))
        assert_safe(app, "'[/]'")
        # the error modal, with a JQL error quoting the query
        app.show_error(QueryRejected(f"Error in the JQL query {HOSTILE_JQL!s}\x1b[31mEVIL"))
        await until(pilot, lambda: isinstance(app.screen, ErrorScreen))
        await pilot.pause()
        assert_safe(app, HOSTILE_JQL)
        await pilot.press("escape")
        # a notification quoting a name
        app.notify("Copied [/].txt [link=http://evil.example]x[/link]\u202e", title="[b]t[/b]")
        await until(pilot, lambda: app.screen.query(Toast))
        await pilot.pause()
        assert_safe(app, "Copied [/].txt [link=http://evil.example]x[/link]")


# -- the command line ----------------------------------------------------------------------------
def test_the_command_line_prints_no_control_character_from_a_name(hostile, tmp_path):
    """What the command line prints (here a cleanup's dry run, which lists the files it would
    remove) shows a name's escape sequence, carriage return and bidi override as visible
    characters: none reaches the admin's terminal."""
    from helpers.cli import aa

    data = shutil.copytree(hostile.root, tmp_path / "data")
    done = aa(["clean", hostile.scan_id], data)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "First files:" in out
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    assert "report␛[31mEVIL.log" in out  # the name, its ESC made visible
    assert "[link=http://evil.example]click me[/link].png" in out  # literal: no markup here

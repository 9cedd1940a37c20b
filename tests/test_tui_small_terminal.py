"""At 80x24 nothing that matters is cut off: help, History's figures, group detail, footers
(issue 12, B12)."""

from __future__ import annotations

from helpers.tui import make_app, open_insights, run, shoot, until, wait_for_workers
from textual.widgets import Footer

from aa_tui.tui.screens.group_detail import GroupDetailScreen
from aa_tui.tui.screens.help import HelpScreen
from aa_tui.tui.screens.history import HistoryScreen
from aa_tui.tui.screens.results import ResultsScreen

SMALL = (80, 24)


def inside(widget, width: int, height: int) -> bool:
    region = widget.region
    return region.x >= 0 and region.right <= width and region.bottom <= height


def test_80_by_24(app, scanned):
    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            found = {}
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            found["help"] = inside(app.screen.query_one("Vertical"), *SMALL)
            await pilot.press("escape", "8", "enter")
            await pilot.pause()
            assert isinstance(app.screen, GroupDetailScreen)
            footer = app.screen.query_one(Footer)
            found["detail footer"] = footer.compact and inside(footer, *SMALL)
            found["detail footer shown"] = footer.region.height == 1
            locations = app.screen.query_one("VimDataTable")
            # every column of every copy fits: nothing to scroll sideways
            found["detail fits"] = locations.virtual_size.width <= locations.size.width
            await pilot.press("escape", "f3")
            await pilot.pause()
            assert isinstance(app.screen, HistoryScreen)
            table = app.screen.query_one("#scans")
            shown = 0
            for column in table.columns.values():  # the columns that fit in 80 cells
                shown += column.get_render_width(table)
                if shown > SMALL[0]:
                    break
                found.setdefault("history columns", []).append(str(column.label))
            return found

    found = run(journey())
    assert found["help"] and found["detail footer"] and found["detail footer shown"]
    assert found["detail fits"]
    assert {"Started", "Status", "Storage", "Wasted", "Files"} <= set(found["history columns"])


def test_the_live_scan_and_the_insights_title_fit_80_columns(app, scanned):
    """At 80 columns every label and figure of the live scan shows whole, and the insights
    title wraps rather than losing the cap at its end."""
    from dataclasses import replace

    from rich.console import Console

    from aa_tui.model.enums import Phase
    from aa_tui.model.events import ScanProgress
    from aa_tui.model.scans import Profile
    from aa_tui.service.scanning import ScanRequest
    from aa_tui.tui.screens.insights.screen import InsightsScreen
    from aa_tui.tui.screens.live_scan import LiveScanScreen
    from aa_tui.tui.widgets.scan_stats import ScanStats

    def _waiting(listener, cancel):
        from aa_tui.service.errors import Cancelled

        cancel.wait(30)
        raise Cancelled()

    busy = ScanProgress(
        phase=Phase.HASHING, done=123_456, total=234_567, elapsed_s=3725.0, issues=999_999,
        files=1_234_567, total_size=3 * 10**12, bytes_read=9 * 10**11, requests=1_234_567,
        throttled=12_345, retries=2_345, backoff_s=12.5, groups=98_765, wasted=5 * 10**11,
        rate_per_s=1234.0, eta_s=40_000.0, bytes_per_s=9 * 10**7,
        phase_bytes_done=8 * 10**11, phase_bytes_total=2 * 10**12,
    )  # fmt: skip

    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            request = ScanRequest(site=scanned.site, email=scanned.email)
            live = LiveScanScreen(
                Profile(scanned.site, scanned.email), "token", request, runner=_waiting
            )
            app.push_screen(live)
            await pilot.pause()
            stats = live.query_one(ScanStats)
            console = Console(width=stats.size.width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
            console.print(stats._table(busy))
            console.print(stats._table(replace(busy, phase=Phase.FETCHING, phase_bytes_total=0)))
            lines = console.export_text()
            live.cancel_event.set()
            await until(pilot, lambda: not live.running)
            app.pop_screen()
            app.settings.insights = replace(app.settings.insights, cap=250 * 10**9)
            app.push_screen(InsightsScreen(scanned.exact_id))
            screen = app.screen
            await until(pilot, lambda: screen.insights is not None)
            await pilot.pause()
            title = screen.query_one("#insights-title")
            return stats.size.width, lines, str(title.render()), title.size.height

    width, lines, title, title_height = run(journey())
    assert width < 80
    assert "…" not in lines, lines
    for label in ("Throttled (429)", "Back-off now", "Time left", "Duplicate groups", "Storage"):
        assert label in lines, label
    assert "cap 250 GB" in title and title_height >= 2


# -- snapshots at 80x24 (issue 19 #8, #10): nothing cut, every border drawn ------------------------
def shoot_small(snap_compare, app, *steps) -> bool:
    """As helpers.tui.shoot, at 80x24."""
    return shoot(snap_compare, app, *steps, pause_after=True, size=SMALL)


def results(scan_id: str):
    async def step(pilot) -> None:
        pilot.app.push_screen(ResultsScreen(scan_id))
        await pilot.pause()

    return step


def insights(scan_id: str):
    async def step(pilot) -> None:
        from aa_tui.tui.screens.insights.screen import InsightsScreen

        pilot.app.push_screen(InsightsScreen(scan_id))
        await pilot.pause()

    return step


def screen_text(app) -> str:
    """What the screen shows, as text (for the checks beside the pictures)."""
    from rich.console import Console

    console = Console(width=SMALL[0], record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def test_small_what_if_under_a_cap(snap_compare, app, scanned):
    """Each what-if row shows its room under the cap whole ("67.8 MiB to spar" was cut)."""
    steps = (insights(scanned.exact_id), "2", "c", *"500MB", "enter")
    assert shoot_small(snap_compare, app, *steps)


def test_small_what_if_rows_show_whole(app, scanned):
    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            from aa_tui.tui.screens.insights.screen import InsightsScreen

            app.push_screen(InsightsScreen(scanned.exact_id))
            screen = app.screen
            await until(pilot, lambda: screen.insights is not None)
            await pilot.press("2", "c", *"500MB", "enter")
            await wait_for_workers(pilot)
            await pilot.pause()
            table = screen.query_one("#what_if-table")
            return table.virtual_size.width, table.size.width, len(table.rows)

    needed, shown, rows = run(journey())
    assert rows == 5 and needed <= shown, (needed, shown)


def test_small_review_of_every_group(snap_compare, app, scanned):
    """Every project of the plan is in the per-project table (or it says how many are
    shown); the kept copy beside each file shows whole."""
    assert shoot_small(snap_compare, app, results(scanned.exact_id), "2", "M", "D")


def test_small_delete_confirmation(snap_compare, app, scanned):
    """The type-to-confirm dialog keeps its right border at 80 columns."""
    steps = (results(scanned.exact_id), "2", "space", "space", "D", "a")
    assert shoot_small(snap_compare, app, *steps)


def _review_at(app, scanned, size):
    """Mark every group (2, M), review it (D) at ``size``: what the review shows."""
    from aa_tui.tui.screens.cleanup.review import CleanReviewScreen

    async def journey():
        async with app.run_test(size=size) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("2", "M", "D")
            await until(pilot, lambda: isinstance(app.screen, CleanReviewScreen))
            screen = app.screen
            await until(pilot, lambda: screen.review is not None)
            await pilot.pause()
            await pilot.pause()
            projects = screen.query_one("#review-projects")
            groups = screen.query_one("#review-groups")
            return {
                "projects": projects.row_count,
                "shown": projects.scrollable_content_region.height - 1,
                "caption": str(screen.query_one("#review-projects-caption").render()),
                "names": [str(groups.get_row_at(n)[-1]) for n in range(groups.row_count)],
                "groups": [(g.group_hash, g.removed) for g in screen.review.groups],
            }

    return run(journey())


def test_the_review_names_each_group_as_the_list_does(app, scanned):
    """Issue 19 #10: the "Group (file)" column named a removed copy ("image (2).png"), not
    the group as the list of duplicate groups shows it; and "on 8 projects" stood over a
    per-project table showing 7."""
    listed = {g["hash"]: g["file_name"] for g in app.workspace.results(scanned.exact_id).groups()}
    seen = _review_at(app, scanned, SMALL)
    assert [n for n in seen["names"] if n] == [listed[h] for h, _ in seen["groups"]]
    # the case of the issue is in the demo: a removed copy named apart from its group
    assert any(d.file_name != listed[h] for h, removed in seen["groups"] for d in removed)
    assert seen["projects"] == seen["shown"] == 8 and seen["caption"] == "Per project"


def test_the_review_says_how_many_projects_it_shows(app, scanned):
    seen = _review_at(app, scanned, (80, 18))
    shown = seen["shown"]
    assert 0 < shown < seen["projects"] == 8
    assert seen["caption"] == f"Per project: {shown} of 8 shown (scroll for the rest)"


def test_the_delete_confirmation_fits_80_by_24(app, scanned):
    from aa_tui.tui.screens.cleanup.review import CleanConfirmScreen

    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("2", "space", "space", "D")
            await wait_for_workers(pilot)
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, CleanConfirmScreen))
            await pilot.pause()
            dialog = app.screen.query_one("CleanConfirmScreen > Vertical")
            buttons = [b.region for b in app.screen.query("Button")]
            return inside(dialog, *SMALL), dialog.region, buttons

    fits, region, buttons = run(journey())
    assert fits, region  # both borders drawn, the bottom one too
    assert all(b.bottom <= region.bottom and b.right <= region.right for b in buttons), buttons


def test_small_review_with_only_copies(snap_compare, app, scanned):
    """At 80 columns an only copy's "archived first" shows beside it, as a kept copy does."""
    steps = (results(scanned.exact_id), "2", "space", "i", "6", "space", "D")
    assert shoot_small(snap_compare, app, *steps)


def test_small_confirmation_requiring_an_archive(snap_compare, app, scanned):
    """The dialog with its "an archive is required" line keeps its buttons on screen."""
    steps = (results(scanned.exact_id), "2", "space", "i", "6", "space", "D", "a")
    assert shoot_small(snap_compare, app, *steps)


def test_the_new_scan_forms_choices_show_whole_at_80_by_24(app, scanned):
    """Found trying the app: at 80 columns the verify choices were cut ("Exact: compare the")."""
    from textual.widgets import RadioButton

    from aa_tui.model.scans import Profile
    from aa_tui.tui.screens.new_scan import NewScanScreen

    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            app.push_screen(NewScanScreen(Profile(scanned.site, scanned.email)))
            await until(pilot, lambda: isinstance(app.screen, NewScanScreen))
            await wait_for_workers(pilot)
            await pilot.pause()
            labels = [str(b.label) for b in app.screen.query(RadioButton)]
            return labels, screen_text(app)

    labels, text = run(journey())
    assert len(labels) == 5
    for label in labels:
        assert label in text, (label, text)


def test_the_export_dialogs_fit_80_by_24(app, scanned):
    """Tester 26b: at 80 columns the export dialog (x on the results, x on a list of files in
    Insights) lost its right border and read "Canc" for Cancel."""
    from aa_tui.tui.screens.export import ExportScreen
    from aa_tui.tui.screens.insights.files import FilesScreen

    def seen(screen) -> tuple[bool, list]:
        dialog = screen.query_one("ExportScreen > Vertical")
        buttons = [(str(b.label), b.region) for b in screen.query("Button")]
        inner = dialog.region.shrink(dialog.styles.border.spacing)
        whole = bool(buttons) and all(inner.contains_region(r) for _, r in buttons)
        return inside(dialog, *SMALL) and whole, buttons

    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            found = {}
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("x")
            await until(pilot, lambda: isinstance(app.screen, ExportScreen))
            await pilot.pause()
            found["results"] = seen(app.screen)
            found["results text"] = screen_text(app)
            await pilot.press("escape", "escape")
            await open_insights(pilot, scanned.exact_id)
            await pilot.press("8", "down", "down", "enter")
            await until(pilot, lambda: isinstance(app.screen, FilesScreen))
            await wait_for_workers(pilot)
            await pilot.press("x")
            await until(pilot, lambda: isinstance(app.screen, ExportScreen))
            await pilot.pause()
            found["file list"] = seen(app.screen)
            return found

    found = run(journey())
    assert found["results"][0], found["results"]
    assert found["file list"][0], found["file list"]
    assert "Cancel" in found["results text"]


def test_compare_scrolls_as_one_page_at_80_by_24(app, scanned):
    """Tester 26b: at 80x24 Compare opened with its warning's first line cut off, and no key
    brought it back (the table took the keys). Now the keys scroll the page: the warning from
    its start, every project's row, the table's last column."""
    from aa_tui.tui.screens.compare import CompareScreen

    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            seen = {}
            app.push_screen(CompareScreen(scanned.exact_id, scanned.metadata_id))
            await until(pilot, lambda: isinstance(app.screen, CompareScreen))
            await pilot.pause()
            seen["opened"] = screen_text(app)
            table = app.screen.query_one("#compare-projects")
            seen["last"] = str(table.get_row_at(table.row_count - 1)[0])
            await pilot.press("end")
            await pilot.pause()
            seen["end"] = screen_text(app)
            await pilot.press(*["right"] * 30)
            await pilot.pause()
            seen["right"] = screen_text(app)
            await pilot.press("home")
            await pilot.pause()
            seen["home"] = screen_text(app)
            await pilot.press("pagedown", "pageup")
            await pilot.pause()
            seen["page up"] = screen_text(app)
            return seen

    seen = run(journey())
    start = "These scans measure different things (method"
    assert start in seen["opened"], seen["opened"]
    assert f"\n {seen['last']} " in seen["end"], seen["end"]
    assert "Waste difference" in seen["right"], seen["right"]
    assert "Compare scans" not in seen["end"]  # it scrolled: it does not all fit
    assert start in seen["home"] and start in seen["page up"], seen["home"]


def test_the_sites_form_answer_shows_at_80_by_24(demo_server, tmp_path, monkeypatch):
    """Tester 26b: with no OS keyring (its warning on top) and no saved site, Ctrl+R on the
    token field answered under the buttons, below the fold: seen only by Tab-ing on. The
    answer is scrolled into view as it comes, a longer one whole."""
    from keyring.backends import fail

    from aa_tui.tui.widgets.inputs import TextInput

    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    bare = make_app(tmp_path / "data", backend=fail.Keyring())

    async def journey():
        async with bare.run_test(size=SMALL) as pilot:
            seen = {}
            screen = bare.screen
            await wait_for_workers(pilot)
            await pilot.press(*demo_server.base_url, "tab", "tab", *demo_server.email, "tab")
            assert bare.focused is screen.query_one("#token", TextInput)
            await pilot.press(*"not-the-token", "ctrl+r")
            await wait_for_workers(pilot)
            await pilot.pause()
            seen["refused"] = screen_text(bare)
            screen.query_one("#token", TextInput).value = ""
            await pilot.press(*demo_server.token, "ctrl+r")
            await wait_for_workers(pilot)
            await pilot.pause()
            seen["connected"] = screen_text(bare)
            seen["token shown"] = inside(screen.query_one("#token"), *SMALL)
            return seen

    seen = run(journey())
    assert "Connected: signed in as" in seen["connected"], seen["connected"]
    assert seen["token shown"]  # the field typed in stays in view too
    refused = " ".join(line.strip(" │") for line in seen["refused"].splitlines())
    assert "check the email, and that the token is current." in refused, seen["refused"]


def test_the_sites_footer_says_what_each_test_key_tests(app):
    """Tester 26b: at 80 columns the Sites footer read "t Test ^s Save site ^r Test": t tests
    the chosen saved site, Ctrl+R what the form holds."""

    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            await wait_for_workers(pilot)
            assert app.focused is app.screen.query_one("#profiles")
            return screen_text(app).splitlines()[-1]

    footer = run(journey())
    assert "t Test site" in footer and "^r Test form" in footer, footer


def test_a_screen_shown_again_keeps_its_compact_footer(app, scanned):
    """Sites, under the results when the terminal narrowed, came back (F2) with its wide
    footer: "^r Test ▏^p palette" cut the keys."""
    from helpers.tui import SIZE

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.resize_terminal(*SMALL)
            await pilot.pause()
            await pilot.press("f2")
            await wait_for_workers(pilot)
            await pilot.pause()
            footer = app.screen.query_one(Footer)
            return footer.compact, footer.show_command_palette, screen_text(app).splitlines()[-1]

    compact, palette, line = run(journey())
    assert compact and not palette and "^r Test form" in line, line


def test_the_heat_tab_shows_every_figure_whole_at_80_by_24(app, scanned):
    """Tester 26b: at 80 columns the "Size x days" column was cut ("12.7 GiB·day" beside
    "7.9 GiB·days"). The figures come before the file's name, their unit in the header: each
    row's figures show whole, only a long name runs past the edge."""

    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            screen = await open_insights(pilot, scanned.exact_id)
            await pilot.press("7")
            await pilot.pause()
            table = screen.query_one("#heat-table")
            labels = [str(c.label) for c in table.columns.values()]
            rows = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
            shown = table.scrollable_content_region.height - 1  # the header's line aside
            return labels, rows[:shown], screen_text(app).splitlines()

    labels, rows, lines = run(journey())
    assert labels[-1] == "File" and "Size x days" in labels
    assert rows  # (the loop below checks nothing without them)
    top = next(n for n, line in enumerate(lines) if "Size x days" in line)
    assert lines[top].strip().startswith("Issue")
    for row, line in zip(rows, lines[top + 1 :], strict=False):  # the rows in view, in order
        assert line.startswith(f" {row[0]} ") and all(c in line for c in row[:-1]), (row, line)
        assert not row[3].endswith("days"), row  # a size: the header says "x days"

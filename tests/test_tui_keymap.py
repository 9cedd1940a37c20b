"""The keymap of the settings file: help and the lines that name a key follow it; a remap
that takes another action's key, or names a key no keyboard sends, is said and not used
(issue 19, defect 5)."""

from __future__ import annotations

import re

from helpers.tui import SIZE, run, wait_for_workers, write_config

from aa_tui.tui.app import AATuiApp  # noqa: F401 - the app's own keys are known
from aa_tui.tui.keymap import check_keymap, is_key_name, key_text
from aa_tui.tui.screens.export import ExportScreen
from aa_tui.tui.screens.help import HelpScreen, collect_keys
from aa_tui.tui.screens.insights.screen import InsightsScreen  # noqa: F401 - its keys
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.settings import load_settings
from aa_tui.tui.widgets.marks import MarksPane


def test_key_names_are_checked():
    for good in ("e", "E", "?", "question_mark", "space", "f5", "ctrl+e", "ctrl+shift+up", "U"):
        assert is_key_name(good), good
    for bad in ("ctrl+banana", "banana", "ctrl+", "hyperdrive+e", "f99", ""):
        assert not is_key_name(bad), bad
    assert key_text("space") == "Space" and key_text("ctrl+r") == "Ctrl+R"
    assert key_text("question_mark") == "?" and key_text("escape") == "Esc"


def test_bad_names_and_clashes_are_said_and_left_out():
    check = check_keymap(
        {
            "results.export": "ctrl+banana",  # no such key
            "results.history": "i",  # Insights' key on the same screen
            "app.help": "x",  # Export's key on the results
            "groups.sort": "o",  # free where it works: used
            "insights.project": "c,ctrl+g",  # c is the cap's key: the whole remap waits
        },
        "config.toml",
    )
    said = " ".join(check.problems)
    assert "'ctrl+banana' is not a key name" in said and "it keeps x" in said
    assert "'results.history' = 'i' takes the key of 'results.insights' (Insights)" in said
    # x is Export's key on the results and on a list of files: the first, in a fixed order of
    # the screens, is named (it was the order the test run imported them in)
    assert re.search(r"'app.help' = 'x' takes the key of '\w+\.export' \(Export\)", said)
    assert "'insights.project' = 'c' takes the key of 'insights.cap'" in said
    assert check.usable == {"groups.sort": "o"}
    everywhere = check_keymap({"results.review": "?"}, "config.toml")  # the app's help key
    assert "'results.review' = '?' takes the key of 'app.help' (Help)" in everywhere.problems[0]
    # swapping two keys of one screen is no clash
    swapped = check_keymap({"results.export": "i", "results.insights": "x"}, "config.toml")
    assert swapped.problems == [] and swapped.usable == {"results.export": "i",
                                                           "results.insights": "x"}  # fmt: skip


def test_help_and_footer_follow_the_keymap_and_problems_are_shown(app, scanned, tmp_path):
    app.settings = load_settings(
        write_config(
            tmp_path,
            '[keymap]\n"results.export" = "e"\n"results.insights" = "ctrl+banana"\n'
            '"results.history" = "M"\n"results.review" = "R"\n',
        )
    )

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("2")
            rows = {k.binding_id: k.keys for k in collect_keys(app.screen)}
            footer = {
                b.binding.id: key for key, b in app.screen.active_bindings.items() if b.binding.id
            }
            await pilot.press("space")  # the marks pane names the keys in force
            marks_line = str(app.screen.query_one(MarksPane).render())
            await pilot.press("question_mark")
            help_open = isinstance(app.screen, HelpScreen)
            await pilot.press("escape", "e")
            exported = isinstance(app.screen, ExportScreen)
            notes = [n.message for n in app._notifications]
            return rows, footer, help_open, exported, notes, marks_line

    rows, footer, help_open, exported, notes, marks_line = run(journey())
    assert "R reviews the cleanup" in marks_line and "D reviews" not in marks_line
    assert help_open and exported
    assert rows["results.export"] == "e"  # not the default x
    assert footer["results.export"] == "e"
    said = " ".join(notes)
    assert "'ctrl+banana' is not a key name" in said
    assert "takes the key of 'results.mark_view'" in said
    assert rows["results.insights"] == "i" and rows["results.history"] == "H"  # defaults kept
    assert rows["results.mark_view"] == "M"

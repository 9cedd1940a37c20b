"""The settings file: keys remapped by binding id, the theme, the thresholds; a bad file is
said, never fatal (issue 12, B16)."""

from __future__ import annotations

from helpers.tui import SIZE, run, wait_for_workers, write_config

from aa_tui.tui.screens.export import ExportScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.settings import config_path, load_settings


def test_the_file_is_read(tmp_path, monkeypatch):
    path = write_config(
        tmp_path,
        'theme = "textual-light"\n[keymap]\n"results.export" = "e"\n'
        '[thresholds]\nstale_days = 200\nidle_days = 90\ncap = "250GB"\n',
    )
    settings = load_settings(path)
    assert settings.problems == []
    assert settings.theme == "textual-light" and settings.keymap == {"results.export": "e"}
    assert settings.insights.stale_days == 200 and settings.insights.idle_days == 90
    assert settings.insights.cap == 250 * 10**9
    monkeypatch.setenv("AA_TUI_CONFIG", str(path))
    assert config_path() == path
    assert load_settings(tmp_path / "none.toml").problems == []  # no file: the defaults
    binary = load_settings(write_config(tmp_path, '[thresholds]\ncap = "2 GiB"\n'))
    assert binary.insights.cap == 2 * 2**30 and binary.problems == []


def test_a_bad_file_is_said_line_by_line(tmp_path):
    assert "not valid TOML" in load_settings(write_config(tmp_path, "theme = = 1")).problems[0]
    settings = load_settings(
        write_config(
            tmp_path,
            'colour = 1\n[keymap]\n"a.b" = 3\n[thresholds]\nstale_days = -1\nfoo = 2\n'
            'cap = "lots"\n',
        )
    )
    said = " ".join(settings.problems)
    for part in ("unknown setting 'colour'", "keymap 'a.b' needs keys", "stale_days must be",
                 "unknown threshold 'foo'", "'lots' is not a size"):  # fmt: skip
        assert part in said


def test_the_app_follows_the_keymap_and_theme(app, scanned, tmp_path):
    app.settings = load_settings(
        write_config(
            tmp_path,
            'theme = "textual-light"\n[keymap]\n"results.export" = "e"\n"nope.nothing" = "z"\n',
        )
    )

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            theme = app.theme
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("x")
            by_x = isinstance(app.screen, ExportScreen)
            await pilot.press("e")
            by_e = isinstance(app.screen, ExportScreen)
            return theme, by_x, by_e, [n.message for n in app._notifications]

    theme, by_x, by_e, notes = run(journey())
    assert theme == "textual-light"
    assert by_e and not by_x
    assert any("nope.nothing" in n for n in notes)

"""Keys typed faster than the app handles them act in the order they were typed in the app's
inputs (Textual ran an input's backspace only after the letters typed after it: #6605)."""

from __future__ import annotations

import asyncio

from textual import events
from textual.app import App, ComposeResult

from aa_tui.tui.widgets.inputs import TextInput


class OneInput(App[None]):
    def compose(self) -> ComposeResult:
        yield TextInput(id="box")


def typed_at_once(keys: list[str]) -> str:
    """What the input holds once ``keys`` all reached the app before it handled any (a
    burst from the terminal, a paste of keys, a chord keyboard)."""

    async def journey() -> str:
        app = OneInput()
        async with app.run_test() as pilot:
            box = app.query_one(TextInput)
            box.focus()
            await pilot.pause()
            for key in keys:
                app.post_message(events.Key(key, key if len(key) == 1 else None))
            for _ in range(3):
                await pilot.pause()
            return box.value

    return asyncio.run(journey())


def test_backspaces_in_a_burst_delete_what_was_typed_before_them():
    keys = [*"project = OPS"]
    for _ in range(3):
        keys += ["backspace"] * 12 + [*"project = OPS"]
    assert typed_at_once(keys) == "ppp" + "project = OPS"


def test_arrows_in_a_burst_move_before_the_next_letter():
    keys = [*"projxx", "backspace", "backspace", *"ect = OPS", "left", "left", "left"]
    assert typed_at_once([*keys, "backspace", "X"]) == "project =XOPS"


def test_a_tab_in_a_burst_moves_on_before_the_keys_after_it(tmp_path):
    """A tester's 'https://acme.example.net' Tab Tab 'me@acme.example' Tab 'secrettok' in one
    burst put all of it, the token too, into the first field, in clear: the app handed the
    keys after a Tab to the field it left before Tab moved the focus."""
    from helpers.tui import make_app
    from textual.screen import Screen

    class Form(Screen[None]):
        def compose(self) -> ComposeResult:
            yield TextInput(id="site")
            yield TextInput(id="email")
            yield TextInput(id="token", password=True)

    async def journey() -> list[str]:
        app = make_app(tmp_path / "data")
        async with app.run_test() as pilot:
            form = Form()
            await app.push_screen(form)
            form.query_one("#site").focus()
            await pilot.pause()
            keys = [*"https://acme.example.net", "tab", *"me@acme.example", "tab", *"tok"]
            keys += ["shift+tab", "end", *"!"]  # (a field selects its text when focused)
            for key in keys:
                app.post_message(events.Key(key, key if len(key) == 1 else None))
            for _ in range(3):
                await pilot.pause()
            return [form.query_one(f"#{n}", TextInput).value for n in ("site", "email", "token")]

    assert asyncio.run(journey()) == ["https://acme.example.net", "me@acme.example!", "tok"]

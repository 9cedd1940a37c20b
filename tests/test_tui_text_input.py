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

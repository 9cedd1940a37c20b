"""What leaves the terminal (the clipboard, a browser, a screenshot), said honestly.

Textual copies through OSC 52, which a terminal may ignore without telling anyone, and opens
URLs with ``webbrowser``, which on a headless box has nowhere to go: the messages say so and
show the text or the URL, so the user can always take it by hand.
"""

from __future__ import annotations

import os
import sys
import webbrowser
from pathlib import Path
from typing import Any

from textual.app import App


def copy_text(app: App[Any], text: str, what: str) -> None:
    """Hand ``text`` to the terminal's clipboard and show it, in case the terminal drops it."""
    app.copy_to_clipboard(text)
    app.notify(
        f"Sent {what} to the clipboard: {text}\n(through the terminal; if nothing was "
        "copied, the terminal ignores OSC 52: select the text instead)",
        title="Clipboard",
        timeout=8,
    )


def browser_available() -> bool:
    """Whether ``webbrowser`` can show a page here (not on a headless Linux box)."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("BROWSER")
    ):
        return False
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def open_link(app: App[Any], url: str, what: str) -> None:
    """Open ``url`` in a browser, or (with none here) show it to open by hand."""
    if not browser_available():
        app.notify(f"No browser on this machine: open {what} at {url}", title="Browser", timeout=20)
        return
    app.open_url(url)
    app.notify(f"Opening {what} in the browser: {url}", title="Browser")


def save_screenshot(app: App[Any], folder: Path, filename: str | None = None) -> None:
    """Write an SVG of the screen to ``folder`` and say where, or why it could not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        saved = app.save_screenshot(filename, path=str(folder))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        app.notify(
            f"The screenshot was not saved in {folder}: {reason}.",
            title="Screenshot",
            severity="error",
            timeout=12,
        )
        return
    app.notify(f"Saved the screenshot to {saved}", title="Screenshot")

"""The user's settings file: keys by binding id, the theme, the insight thresholds.

``config.toml`` in the platform's config dir (``~/.config/aa-tui/`` on Linux), or the file
``$AA_TUI_CONFIG`` names, as posting reads its own::

    theme = "textual-light"

    [keymap]                  # binding id = keys (comma-separated); ? lists every id
    "results.export" = "e"
    "groups.filter" = "slash,f"

    [thresholds]              # the Insights screen's
    stale_days = 365
    idle_days = 180
    clutter_copies = 10
    cap = "250GB"             # the plan's storage cap (optional)
    protect_days = 30         # cleanups beyond duplicates never select files on issues
                              # updated within this many days (0: off)

A file that cannot be used is never fatal: each problem is one sentence the app shows, and
the app starts with the defaults for what was wrong. It holds no secret (the API token is never
read from, or written to, a file).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from aa_tui.model.cleanup import PROTECT_DAYS
from aa_tui.model.insights import InsightSettings, parse_cap

ENV_CONFIG = "AA_TUI_CONFIG"
THRESHOLDS = ("stale_days", "idle_days", "clutter_copies", "top")


def config_path() -> Path:
    """``$AA_TUI_CONFIG``, else ``config.toml`` in the platform's user config dir."""
    chosen = os.environ.get(ENV_CONFIG, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    return Path(platformdirs.user_config_dir("aa-tui")) / "config.toml"


@dataclass
class Settings:
    """What the settings file asked for, and what was wrong with it."""

    path: Path | None = None
    theme: str = ""
    keymap: dict[str, str] = field(default_factory=dict)
    insights: InsightSettings = field(default_factory=InsightSettings)
    #: the cleanup policies' protection window in days (PlanFilters.protect_days)
    protect_days: int = PROTECT_DAYS
    problems: list[str] = field(default_factory=list)


def load_settings(path: Path | None = None) -> Settings:
    """The settings at ``path`` (default :func:`config_path`); no file means the defaults."""
    path = path or config_path()
    settings = Settings(path=path)
    if not path.exists():
        return settings
    if sys.version_info < (3, 11):  # a version check, not a failed import: mypy follows it
        settings.problems.append(f"{path} is not read: reading TOML needs Python 3.11.")
        return settings
    else:
        import tomllib

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            settings.problems.append(f"{path} could not be read: {exc}.")
            return settings
        except tomllib.TOMLDecodeError as exc:
            settings.problems.append(f"{path} is not valid TOML ({exc}): the defaults are used.")
            return settings
        _read(data, settings)
        return settings


def _read(data: dict[str, Any], settings: Settings) -> None:
    where = settings.path
    known = {"theme", "keymap", "thresholds"}
    for key in sorted(set(data) - known):
        settings.problems.append(
            f"{where}: unknown setting {key!r} (known: theme, keymap, thresholds)."
        )
    theme = data.get("theme", "")
    if not isinstance(theme, str):
        settings.problems.append(f'{where}: theme must be a name in quotes, e.g. "textual-light".')
    else:
        settings.theme = theme.strip()
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        settings.problems.append(f'{where}: [keymap] must be a table of binding id = "keys".')
    else:
        for binding_id, keys in keymap.items():
            if isinstance(keys, str) and keys.strip():
                settings.keymap[binding_id] = keys.replace(" ", "")
            else:
                settings.problems.append(
                    f'{where}: keymap {binding_id!r} needs keys in quotes, e.g. "ctrl+e".'
                )
    thresholds = data.get("thresholds", {})
    if not isinstance(thresholds, dict):
        settings.problems.append(f"{where}: [thresholds] must be a table, e.g. stale_days = 365.")
        return
    changes: dict[str, Any] = {}
    names = {f.name for f in fields(InsightSettings)}
    for name, value in thresholds.items():
        if name == "protect_days":
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                settings.protect_days = value
            else:
                settings.problems.append(
                    f"{where}: protect_days must be a whole number, 0 or more."
                )
        elif name == "cap":
            try:
                changes["cap"] = parse_cap(value if isinstance(value, str) else repr(value))
            except ValueError as e:
                settings.problems.append(f"{where}: cap: {e}")
        elif name in THRESHOLDS and name in names:
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                changes[name] = value
            else:
                settings.problems.append(f"{where}: {name} must be a whole number above 0.")
        else:
            settings.problems.append(
                f"{where}: unknown threshold {name!r} (known: {', '.join(THRESHOLDS)}, cap, "
                "protect_days)."
            )
    settings.insights = replace(settings.insights, **changes)

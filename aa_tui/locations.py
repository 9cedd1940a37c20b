"""Where aa-tui keeps its data: ``--data-dir``, ``AA_TUI_DATA_DIR``, else the user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_DATA_DIR = "AA_TUI_DATA_DIR"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    chosen = explicit or os.environ.get(ENV_DATA_DIR)
    path = Path(chosen).expanduser() if chosen else Path(platformdirs.user_data_dir("aa-tui"))
    path.mkdir(parents=True, exist_ok=True)
    try:
        path.chmod(0o700)
    except OSError:  # pragma: no cover - a dir we do not own
        pass
    return path

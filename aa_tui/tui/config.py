"""How the app looks and behaves; tests make its screens stable with it (no blink)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AppConfig:
    cursor_blink: bool = True
    site_names: dict[str, str] = field(default_factory=dict)  # site URL -> how to show it

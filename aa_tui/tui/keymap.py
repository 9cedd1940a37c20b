"""The settings file's ``[keymap]`` checked against the app's bindings, and the live key of a
binding for the lines that name one ("Space marks", "Esc goes back").

A remap is used only when every key it names is one a keyboard sends and none of them is
already another action's where the remapped binding works (its screen or widget, or the
app's keys that work everywhere); otherwise the binding keeps its default key and the problem
is one sentence, as every other problem of the settings file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, _normalize_key_list, format_key, key_to_character

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
#: the keys with a name rather than a character (``escape``, ``f5``, ``pageup``...)
NAMED_KEYS = frozenset(k.value for k in Keys if "+" not in k.value and "<" not in k.value)
#: how the lines of the app name a key (the footer's own style is shorter: ``esc``, ``⏎``)
SAID = {
    "space": "Space", "escape": "Esc", "enter": "Enter", "tab": "Tab", "backspace": "Backspace",
    "delete": "Delete", "home": "Home", "end": "End", "pageup": "Page Up",
    "pagedown": "Page Down", "up": "Up", "down": "Down", "left": "Left", "right": "Right",
}  # fmt: skip


def is_key_name(key: str) -> bool:
    """Whether a terminal can send ``key``: ``e``, ``E``, ``?``, ``space``, ``f5``,
    ``ctrl+e``, ``question_mark``... (``ctrl+banana`` cannot)."""
    *mods, base = key.split("+")
    if not base or any(m not in MODIFIERS for m in mods):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    if base in NAMED_KEYS:
        return True
    character = key_to_character(base)  # ``question_mark`` -> ``?``; an emoji's name is none
    return character is not None and character.isascii() and character.isprintable()


def key_text(key: str) -> str:
    """``space`` -> ``Space``, ``ctrl+r`` -> ``Ctrl+R``, ``question_mark`` -> ``?``."""
    *mods, base = key.split("+")
    said = SAID.get(base) or (base.upper() if mods and len(base) == 1 else format_key(base))
    if len(said) > 1 and said[0].islower():
        said = said[0].upper() + said[1:]  # f5 -> F5
    return "+".join([*(m.capitalize() for m in mods), said])


def key_label(app: App[Any], binding_id: str) -> str:
    """The key that runs ``binding_id`` now (the keymap's first, else its default), as the
    app's lines name it; "" when no binding has that id."""
    keys = app._keymap.get(binding_id) or default_keys().get(binding_id, "")
    first = keys.split(",")[0].strip()
    return key_text(first) if first else ""


def default_keys() -> dict[str, str]:
    """Binding id -> its default keys (comma-separated), for every class loaded."""
    keys: dict[str, str] = {}
    for cls in _bound_classes():
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                keys.setdefault(binding.id, _normalize_key_list(binding.key))
    return keys


def _bound_classes() -> Iterator[type[DOMNode]]:
    stack: list[type[DOMNode]] = [DOMNode]
    seen: set[type[DOMNode]] = set()
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("aa_tui."):
            yield cls


@dataclass
class KeymapCheck:
    """What of a keymap the app uses, and a sentence per remap it does not."""

    usable: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def check_keymap(keymap: dict[str, str], where: object) -> KeymapCheck:
    """Unknown binding ids, key names no keyboard sends, and keys another action already
    has where the binding works: each said, and that remap left out (its default stays).
    Every class with bindings must be imported first (the app imports every screen)."""
    check = KeymapCheck()
    known = default_keys()
    unknown = sorted(set(keymap) - set(known))
    if unknown:
        check.problems.append(
            f"{where}: no key has the binding id {', '.join(unknown)} (? lists every id)."
        )
    named: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if binding_id in unknown:
            continue
        normal = _normalize_key_list(keys)
        bad = [k for k in normal.split(",") if not is_key_name(k)]
        if bad:
            check.problems.append(
                f"{where}: keymap {binding_id!r}: {', '.join(repr(k) for k in bad)} is not a "
                f'key name (e.g. "e", "ctrl+e", "f5", "space"); it keeps '
                f"{key_text(known[binding_id].split(',')[0])}."
            )
            continue
        named[binding_id] = normal
    for binding_id, other, key in _clashes(named):
        named.pop(binding_id, None)
        check.problems.append(
            f"{where}: keymap {binding_id!r} = {key_text(key)!r} takes the key of {other}; "
            f"{binding_id!r} keeps {key_text(known[binding_id].split(',')[0])}."
        )
    check.usable = named
    return check


def _clashes(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    """(remapped id, the other binding (id and description), key) for each key a remap gives
    to a binding that another action already has where both work."""
    # In a fixed order (not the order the modules were imported in): the clash named first is
    # the same every time.
    classes = sorted(_bound_classes(), key=lambda c: (c.__module__, c.__qualname__))
    app_bindings = [b for cls in classes if issubclass(cls, App) for b in _bindings_of(cls)]
    found: dict[str, tuple[str, str, str]] = {}
    for cls in classes:
        own = _bindings_of(cls)
        if not own:
            continue
        together = own if issubclass(cls, App) else own + app_bindings
        holders: dict[str, dict[str, Binding]] = {}
        for binding in together:
            keys = keymap.get(binding.id or "", binding.key).split(",")
            for key in keys:
                holders.setdefault(key, {}).setdefault(binding.action, binding)
        for key, by_action in holders.items():
            if len(by_action) < 2:
                continue
            bindings = list(by_action.values())
            for binding in bindings:
                if binding.id not in keymap or binding.id in found:
                    continue
                if key not in keymap[binding.id].split(","):
                    continue
                other = next(b for b in bindings if b is not binding)
                name = f"{other.id!r} ({other.description})" if other.id else other.description
                found[binding.id] = (binding.id, name or other.action, key)
    return list(found.values())


def _bindings_of(cls: type[DOMNode]) -> list[Binding]:
    """Every binding an instance of ``cls`` has (its own and inherited), one key each."""
    return [b for bs in cls._merge_bindings().key_to_bindings.values() for b in bs]

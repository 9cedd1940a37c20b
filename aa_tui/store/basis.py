"""What a later rescan starts from, beside a finished scan's files: ``basis.json``, the ids the
scope's listing found and the hashes read, by attachment id (bytes never change under an id);
``cuts.json``, where its listing's id ranges meet (read before the basis: the listing begins
while the basis is parsed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from aa_tui.memory import gc_paused
from aa_tui.store.atomic import write_atomic

BASIS = "basis.json"
BASIS_FORMAT = "aa-tui.rescan-basis/1"
HASH_STAGES = ("head", "tail", "full")
CUTS = "cuts.json"
CUTS_FORMAT = "aa-tui.listing-cuts/1"


@dataclass
class Basis:
    """The listed issue ids and the hashes known per stage (``{stage: {attachment id: hex}}``)."""

    issues: list[str] = field(default_factory=list)
    hashes: dict[str, dict[str, str]] = field(default_factory=dict)


def write_basis(folder: Path, issues: Iterable[str], hashes: dict[str, dict[str, str]]) -> None:
    """Write ``basis.json`` in ``folder`` atomically."""
    body: dict[str, object] = {"format": BASIS_FORMAT, "issues": list(issues)}
    body.update({s: hashes.get(s, {}) for s in HASH_STAGES})
    write_atomic(folder / BASIS, [orjson.dumps(body)])


def _saved(path: Path, format_name: str) -> dict[str, Any] | None:
    """The JSON object saved at ``path`` in format ``format_name``; ``None`` when there is
    none, it cannot be read, or it is of another format."""
    try:
        with gc_paused():
            data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and data.get("format") == format_name else None


def basis_looks_whole(folder: Path) -> bool:
    """Whether ``folder`` holds a basis that begins and ends as one is written, without
    parsing it (a form asks as the scope is typed; parsing is ~1 s at 1,000,000 issues with
    their hashes): a basis cut short, empty or of another format does not. Damage inside it
    is found only when it is read (:func:`read_basis`)."""
    head = b'{"format":%s,' % orjson.dumps(BASIS_FORMAT)
    try:
        with open(folder / BASIS, "rb") as handle:
            start = handle.read(len(head))
            handle.seek(-2, 2)  # its last stage's hashes close, then the basis
            return start == head and handle.read(2) == b"}}"
    except OSError:  # none, or shorter than its head
        return False


def read_basis(folder: Path) -> Basis | None:
    """The saved basis; ``None`` when there is none (an older scan) or it cannot be read."""
    data = _saved(folder / BASIS, BASIS_FORMAT)
    if data is None:
        return None
    issues = data.get("issues")
    stages: dict[str, dict[str, str]] = {}
    for stage in HASH_STAGES:
        hashes = data.get(stage)
        if not isinstance(hashes, dict):
            return None
        stages[stage] = hashes
    if not isinstance(issues, list):
        return None
    return Basis(issues=[str(i) for i in issues], hashes=stages)


def write_cuts(folder: Path, cuts: list[int] | None) -> None:
    """Write ``cuts.json`` in ``folder`` atomically: the ids where a later rescan's id ranges
    meet (:func:`~aa_tui.scan.listing.range_cuts`; ``None``: one listing would do)."""
    write_atomic(folder / CUTS, [orjson.dumps({"format": CUTS_FORMAT, "cuts": cuts or []})])


def read_cuts(folder: Path) -> list[int] | None:
    """The saved cuts (``[]``: one listing would do); ``None`` when there are none (a scan
    saved by an older aa-tui) or they cannot be read."""
    data = _saved(folder / CUTS, CUTS_FORMAT)
    cuts = data.get("cuts") if data is not None else None
    if not isinstance(cuts, list) or not all(type(c) is int and c > 0 for c in cuts):
        return None
    return sorted(set(cuts))

"""What a rescan of a scan counts from besides its summary: every duplicate group of the scan
as its files' ids, and the moment its breakdowns were counted (ages and staleness move with
the clock). A scan saved whole keeps them in ``members.json``; a layer in its ``layer.json``
(:mod:`aa_tui.store.layer`). A scan saved before they were kept has neither: a rescan of it
counts everything afresh."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import cast

import orjson

from aa_tui.memory import gc_paused
from aa_tui.store.atomic import write_atomic

_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_GROUPS_START = b',"groups":['
_GROUPS_END = b'],"groups_sha256":"'

MEMBERS = "members.json"
MEMBERS_FORMAT = "aa-tui.members/1"
_SLICE = 2000  # groups encoded at a time

#: one duplicate group: its hash and its files' ids, the kept one first
Members = list[tuple[str, list[str]]]


@dataclass
class Tally:
    """A scan's groups by id and when its breakdowns were counted."""

    counted_at: datetime
    groups: Members


def group_chunks(
    head: dict[str, object], groups: Iterable[tuple[str, Sequence[str]]]
) -> Iterator[bytes]:
    """``head`` as a JSON object with a ``groups`` list added, encoded a slice of groups at a
    time: a list of every group's members beside the scan's records would raise its peak
    (~10 MB at 64,000 groups)."""
    yield orjson.dumps(head)[:-1] + _GROUPS_START
    members = iter(groups)
    first = True
    digest = hashlib.sha256()
    while part := list(islice(members, _SLICE)):
        chunk = (b"" if first else b",") + orjson.dumps(part)[1:-1]
        digest.update(chunk)
        yield chunk
        first = False
    yield _GROUPS_END + digest.hexdigest().encode() + b'"}'


def groups_intact(raw: bytes, data: dict[str, object]) -> bool:
    """Whether the groups of the document ``raw`` (parsed: ``data``) are the bytes written
    with them (their SHA-256, saved after them): a file damaged into other valid JSON would
    name files a scan does not hold. One saved before the digest was kept passes."""
    saved = data.get("groups_sha256")
    if saved is None:
        return True
    start = raw.find(_GROUPS_START)
    end = raw.rfind(_GROUPS_END)
    if start < 0 or end < start:
        return False
    return hashlib.sha256(raw[start + len(_GROUPS_START) : end]).hexdigest() == saved


def write_members(
    folder: Path, counted_at: datetime, groups: Iterable[tuple[str, Sequence[str]]]
) -> None:
    """Write ``members.json`` in ``folder`` atomically."""
    head: dict[str, object] = {"format": MEMBERS_FORMAT, "counted_at": counted_at.isoformat()}
    write_atomic(folder / MEMBERS, group_chunks(head, groups))


def read_members(folder: Path) -> Tally | None:
    """The ``members.json`` in ``folder``; ``None`` when there is none or it cannot be read
    (a rescan then counts afresh)."""
    try:
        raw = (folder / MEMBERS).read_bytes()
        with gc_paused():
            data = orjson.loads(raw)
        if data.get("format") != MEMBERS_FORMAT or not groups_intact(raw, data):
            return None
        when = counted_time(data["counted_at"])
        groups = members_of(data["groups"])
        return Tally(when, groups) if when is not None and groups is not None else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def members_of(groups: object) -> Members | None:
    """``groups`` as read from JSON, when each is a hash and a list of ids; ``None`` when not.
    Each ``[hash, ids]`` is kept as read (it unpacks as a pair): copying 64,000 of them made
    a rescan hold both beside its listing (~20 MB at its peak). Checked by types and lengths
    gathered in C (a Python loop over 160,000 ids was ~0.05 s of a rescan)."""
    if type(groups) is not list:
        return None
    if not set(map(type, groups)) <= {list} or not set(map(len, groups)) <= {2}:
        return None
    if not set(map(type, map(_FIRST, groups))) <= {str}:
        return None
    id_lists = list(map(_SECOND, groups))
    if not set(map(type, id_lists)) <= {list}:
        return None
    if not set(map(type, chain.from_iterable(id_lists))) <= {str}:
        return None
    return cast(Members, groups)


def counted_time(text: object) -> datetime | None:
    """The saved moment a scan's tables were counted; ``None`` without one (an older layer's).
    :class:`ValueError` when it is not a time with its zone."""
    if not isinstance(text, str) or not text:
        return None
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        raise ValueError("a time without its zone")
    return when

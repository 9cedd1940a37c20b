"""Proving a metadata scan's likely groups before a cleanup (``aa-tui clean --prove``).

A metadata scan groups files by name and size only. To clean such a group its copies are read
in full and hashed, every one of them (both sides: the copy that stays too); copies are then
regrouped by SHA-256, so a group holding two different files of one name and size becomes two
groups, or none. Only what was proven this way is planned; a copy that cannot be read (403,
404) stays out of every group.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aa_tui.jira.errors import RequestRejected
from aa_tui.model.cleanup import PROVEN_PREFIX
from aa_tui.model.errors import Cancelled

Reader = Callable[[str, int, "int | None", Callable[[bytes], None]], int]


def _digest(read: Reader, attachment_id: str, size: int, stopping: Callable[[], bool]) -> str:
    digest = hashlib.sha256()

    def sink(chunk: bytes) -> None:
        if stopping():
            raise Cancelled()
        digest.update(chunk)

    read(attachment_id, 0, size - 1, sink)
    return digest.hexdigest()


def prove_groups(
    groups: list[dict[str, Any]],
    read: Reader,
    *,
    workers: int = 4,
    stopping: Callable[[], bool] = lambda: False,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Report-format groups proven by bytes from likely ones, and what it took (``files``,
    ``bytes`` read, ``unreadable`` copies, ``split``: groups that held different files)."""
    jobs = [
        (g, str(loc["attachment_id"]))
        for g in groups
        for loc in g.get("locations") or ()
        if int(g.get("size") or 0) > 0
    ]
    digests: dict[str, str | None] = {}
    done = 0

    def one(job: tuple[dict[str, Any], str]) -> tuple[str, str | None]:
        group, aid = job
        try:
            return aid, _digest(read, aid, int(group["size"]), stopping)
        except RequestRejected:
            return aid, None  # gone or not readable: in no group

    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="aa-prove") as pool:
        for aid, digest in pool.map(one, jobs):
            digests[aid] = digest
            done += 1
            if on_progress is not None:
                on_progress(done, len(jobs))
    proven: list[dict[str, Any]] = []
    stats = {"files": len(jobs), "bytes": 0, "unreadable": 0, "split": 0}
    for group in groups:
        size = int(group.get("size") or 0)
        buckets: dict[str, list[dict[str, Any]]] = {}
        for loc in group.get("locations") or ():
            digest = digests.get(str(loc["attachment_id"]))
            if digest is None:
                stats["unreadable"] += 1
                continue
            stats["bytes"] += size
            buckets.setdefault(digest, []).append(loc)  # the report's order: oldest first
        if len(buckets) > 1:
            stats["split"] += 1
        for digest, locations in buckets.items():
            if len(locations) < 2:
                continue
            proven.append(
                {
                    "hash": PROVEN_PREFIX + digest,
                    "size": size,
                    "file_name": locations[0].get("file_name", group.get("file_name", "")),
                    "mime_type": group.get("mime_type", ""),
                    "copies": len(locations),
                    "wasted_size": (len(locations) - 1) * size,
                    "likely": False,
                    "locations": [
                        {**loc, "is_canonical": n == 0} for n, loc in enumerate(locations)
                    ],
                }
            )
    return proven, stats

"""Generate a deterministic, seeded demo Jira site: issues, then their attachments (exact
copies, renamed copies, traps, zero-byte, unreadable and huge files), into a :class:`DemoData`.

:class:`DemoData`, :func:`mix64`, ``ALL_KINDS`` and ``SMALL`` live in
:mod:`aa_tui.demo.site_data` and are importable from here too.
"""

from __future__ import annotations

import math
import random
import time
from array import array
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from typing import TypeAlias

from aa_tui.demo import catalog as cat
from aa_tui.demo.content import ContentSpec, byte_at
from aa_tui.demo.site_data import (
    ALL_KINDS,
    FLAG_403,
    FLAG_404,
    SMALL,
    DemoData,
    mix64,
)
from aa_tui.demo.truth import Trap

__all__ = [
    "ALL_KINDS",
    "PROFILES",
    "SMALL",
    "TRAP_KINDS",
    "TRAP_MIN_SIZE",
    "DemoData",
    "GenerationOptions",
    "generate_site",
    "mix64",
]

PROFILES = ("demo", "realistic")
_BIG_KIND_INDEX = len(cat.KINDS)
_TEXT_KIND_INDEX = next(i for i, k in enumerate(cat.KINDS) if k.name == "text")
TRAP_KINDS = ("same_name_size", "tail_differs", "head_differs", "middle_differs", "small_near_copy")
TRAP_MIN_SIZE = 256 * 1024  # trap sources are big enough that head, tail and middle are apart


@dataclass(frozen=True, slots=True)
class GenerationOptions:
    """Knobs of :func:`generate_site` beyond seed, size and profile."""

    attachment_share: float = 1 / 3  # issues with attachments
    per_issue_weights: tuple[float, ...] = (0.62, 0.22, 0.10, 0.06)  # 1..4 attachments
    copy_share: float = 0.2  # attachments that are exact copies of an earlier one
    rename_share: float = 0.3  # copies given another file name
    hot_share: float = 0.15  # copies taken from a few "popular" files (logos, templates)
    size_sigma: float = 1.0  # log-normal spread of sizes
    trap_share: float = 0.002  # per trap kind, share of attachments
    small_copy_share: float = 0.003
    zero_byte_share: float = 0.004
    unreadable_share: float = 0.003  # each of 403 and 404
    big_file_share: float = 1 / 5000  # profile "realistic": files of 50-500 MB
    #: project keys whose every issue (and file) is moved back in time so that its newest
    #: update is IDLE_GAP_DAYS before the reference date: an idle project (no other issue,
    #: nor the random draws, changes)
    idle_projects: tuple[str, ...] = ()


IDLE_GAP_DAYS = 400  # idle at the default 180 days, and its Done issues stale at 365


def generate_site(
    seed: int = 7,
    issues: int = 3000,
    profile: str = "demo",
    *,
    options: GenerationOptions | None = None,
) -> DemoData:
    """Generate a site deterministically from ``seed`` (dates before 2026-11-01, never now).

    ``profile="demo"`` caps files at 20 MB; ``"realistic"`` allows 40 MB and adds a few files
    of 50-500 MB (some of them copied).
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    if issues < 0:
        raise ValueError("issues must be >= 0")
    opts = options or GenerationOptions()
    rng = random.Random(mix64(seed, 0x15))
    issue_arrays = _generate_issues(rng, issues, opts)
    return _generate_attachments(
        seed, profile, random.Random(mix64(seed, 0xA7)), opts, *issue_arrays
    )


#: issue_project, issue_num, issue_status, issue_created, issue_updated, att_start, and the
#: issues of each project (as DemoData holds them)
_IssueArrays: TypeAlias = (
    "tuple[array[int], array[int], array[int], array[int], array[int], array[int], "
    "list[array[int]]]"
)  # a string: array is not subscriptable at run time


def _generate_issues(rng: random.Random, n: int, opts: GenerationOptions) -> _IssueArrays:
    projects = cat.PROJECTS
    p_cum = list(accumulate(p.weight for p in projects))
    p_total = p_cum[-1]
    s_cum = list(accumulate(s.weight for s in cat.STATUSES))
    s_total = s_cum[-1]
    done = [k for k, s in enumerate(cat.STATUSES) if s.category == "done"]
    a_cum = list(accumulate(opts.per_issue_weights))
    a_total = a_cum[-1]
    start = cat.REFERENCE_EPOCH - cat.SPAN_SECONDS
    step = cat.SPAN_SECONDS / max(n, 1)
    issue_project = array("B", bytes(n))
    issue_num = array("L", bytes(4 * n)) if array("L").itemsize == 4 else array("L", [0] * n)
    issue_status = array("B", bytes(n))
    issue_created = array("q", [0]) * n
    issue_updated = array("q", [0]) * n
    att_start = array("L", [0]) * (n + 1)
    counters = [0] * len(projects)
    project_issues = [array("L") for _ in projects]
    rand = rng.random
    share = opts.attachment_share
    ref = cat.REFERENCE_EPOCH
    total = 0
    for i in range(n):
        p = bisect(p_cum, rand() * p_total)
        issue_project[i] = p
        counters[p] += 1
        issue_num[i] = counters[p]
        project_issues[p].append(i)
        created = start + int((i + rand()) * step)
        issue_created[i] = created
        issue_updated[i] = created + int(rand() ** 3 * (ref - 1 - created))
        age = (ref - created) / cat.SPAN_SECONDS
        if rand() < 0.6 * age:
            issue_status[i] = done[int(rand() * len(done))]
        else:
            issue_status[i] = bisect(s_cum, rand() * s_total)
        att_start[i] = total
        if rand() < share:
            total += bisect(a_cum, rand() * a_total) + 1
    att_start[n] = total
    _age_projects(opts.idle_projects, issue_project, issue_created, issue_updated, start)
    return (
        issue_project,
        issue_num,
        issue_status,
        issue_created,
        issue_updated,
        att_start,
        project_issues,
    )


def _age_projects(
    keys: tuple[str, ...],
    issue_project: array[int],
    issue_created: array[int],
    issue_updated: array[int],
    start: int,
) -> None:
    """Squeeze the dates of the projects ``keys`` into the span before the reference date
    less IDLE_GAP_DAYS (in order: an update stays after its issue's creation)."""
    chosen = {k for k, p in enumerate(cat.PROJECTS) if p.key in keys}
    if not chosen:
        return
    end = cat.REFERENCE_EPOCH - IDLE_GAP_DAYS * 86400
    scale = (end - start) / (cat.REFERENCE_EPOCH - start)
    for i, project in enumerate(issue_project):
        if project in chosen:
            issue_created[i] = start + int((issue_created[i] - start) * scale)
            issue_updated[i] = start + int((issue_updated[i] - start) * scale)


def _name(pattern: str, rng: random.Random, ts: int) -> str:
    if "{" not in pattern:
        return pattern
    tm = time.gmtime(ts)
    values = {
        "n": str(rng.randrange(1000, 9999)),
        "n4": f"{rng.randrange(10000):04d}",
        "d": f"{tm.tm_year:04d}-{tm.tm_mon:02d}-{tm.tm_mday:02d}",
        "dc": f"{tm.tm_year:04d}{tm.tm_mon:02d}{tm.tm_mday:02d}",
        "t": f"{tm.tm_hour:02d}.{tm.tm_min:02d}.{tm.tm_sec:02d}",
        "tc": f"{tm.tm_hour:02d}{tm.tm_min:02d}{tm.tm_sec:02d}",
        "v": str(rng.randrange(1, 9)),
        "q": str((tm.tm_mon - 1) // 3 + 1),
        "y": str(tm.tm_year),
    }
    return pattern.format(**values)


def _rename(name: str, rng: random.Random) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    style = rng.randrange(4)
    if style == 0:
        return f"Copy of {name}"
    if style == 1:
        return f"{stem} ({rng.randrange(1, 4)}){suffix}"
    if style == 2:
        return f"{stem}_final{suffix}"
    return f"attachment-{rng.randrange(100, 999)}{suffix}"


def _generate_attachments(
    seed: int,
    profile: str,
    rng: random.Random,
    opts: GenerationOptions,
    issue_project: array[int],
    issue_num: array[int],
    issue_status: array[int],
    issue_created: array[int],
    issue_updated: array[int],
    att_start: array[int],
    project_issues: list[array[int]],
) -> DemoData:
    n_att = att_start[-1] if len(att_start) else 0
    cap = 20_000_000 if profile == "demo" else 40_000_000
    att_issue = array("L", [0]) * n_att
    att_name: list[str] = [""] * n_att
    att_kind = array("B", bytes(n_att))
    att_author = array("b", bytes(n_att))
    att_created = array("q", [0]) * n_att
    att_content = array("L", [0]) * n_att
    att_flag = array("B", bytes(n_att))
    c_seed = array("Q")
    c_size = array("q")
    c_mut: dict[int, tuple[tuple[int, int], ...]] = {}
    traps: list[Trap] = []

    # Special slots (traps, small copies, zero-byte and huge files) at planned positions.
    def quota(share: float, minimum: int) -> int:
        return max(minimum, round(n_att * share)) if n_att >= 40 else 0

    plan: list[str] = []
    for trap_kind in TRAP_KINDS:
        plan += [trap_kind] * quota(opts.trap_share, 2)
    plan += ["small_copy"] * quota(opts.small_copy_share, 2)
    plan += ["zero"] * quota(opts.zero_byte_share, 3)
    if profile == "realistic":
        plan += ["big"] * quota(opts.big_file_share, 3)
    lo = n_att // 10
    slots = dict(zip(rng.sample(range(lo, n_att), min(len(plan), n_att - lo)), plan, strict=False))

    k_cum = list(accumulate(k.weight for k in cat.KINDS))
    k_total = k_cum[-1]
    users = len(cat.USERS)
    removed = cat.REMOVED_AUTHOR_SHARE
    sigma = opts.size_sigma
    rand = rng.random
    originals: list[int] = []  # attachment indices that can be copied
    hot: list[int] = []
    big_sources: list[int] = []  # originals >= TRAP_MIN_SIZE
    small_sources: list[int] = []  # originals < SMALL
    big_files: list[int] = []

    def new_content(
        size: int, muts: tuple[tuple[int, int], ...] = (), base: int | None = None
    ) -> int:
        cid = len(c_size)
        c_seed.append(mix64(seed, cid, 0xB10B) if base is None else base)
        c_size.append(size)
        if muts:
            c_mut[cid] = muts
        return cid

    def spec_of(cid: int) -> ContentSpec:
        return ContentSpec(c_seed[cid], c_size[cid], c_mut.get(cid, ()))

    def mutated(src_cid: int, offset: int) -> int:
        spec = spec_of(src_cid)
        byte = byte_at(spec, offset) ^ (1 + rng.randrange(255))
        muts = tuple(m for m in spec.mutations if m[0] != offset) + ((offset, byte),)
        return new_content(spec.size, muts, base=spec.seed)

    issue = 0
    for j in range(n_att):
        while att_start[issue + 1] <= j:
            issue += 1
        att_issue[j] = issue
        created = issue_created[issue]
        ts = created + int(rand() * (issue_updated[issue] - created))
        att_created[j] = ts
        att_author[j] = -1 if rand() < removed else int(rand() * users)
        role = slots.get(j, "")
        src = -1
        if role in TRAP_KINDS:
            pool = small_sources if role == "small_near_copy" else big_sources
            if pool:
                src = pool[int(rand() * len(pool))]
                s_cid = att_content[src]
                size = c_size[s_cid]
                if role == "same_name_size":
                    cid = new_content(size)
                else:
                    offset = {"tail_differs": size - 1, "head_differs": 0}.get(role, size // 2)
                    cid = mutated(s_cid, offset)
                att_content[j] = cid
                att_kind[j] = att_kind[src]
                att_name[j] = att_name[src]
                traps.append(
                    Trap(role, str(cat.ATTACHMENT_ID_BASE + src), str(cat.ATTACHMENT_ID_BASE + j))
                )
                originals.append(j)
                continue
            role = ""
        if role == "small_copy" and small_sources:
            src = small_sources[int(rand() * len(small_sources))]
        elif role == "zero":
            att_content[j] = new_content(0)
            att_kind[j] = _TEXT_KIND_INDEX
            att_name[j] = cat.ZERO_BYTE_NAMES[int(rand() * len(cat.ZERO_BYTE_NAMES))]
            continue
        elif role == "big":
            if big_files and rand() < 0.5:
                src = big_files[int(rand() * len(big_files))]
            else:
                size = int(50_000_000 * math.exp(rand() * math.log(10)))  # 50-500 MB
                kind = cat.BIG_KIND
                att_content[j] = new_content(size)
                att_kind[j] = _BIG_KIND_INDEX
                att_name[j] = _name(kind.patterns[int(rand() * len(kind.patterns))], rng, ts)
                big_files.append(j)
                continue
        elif originals and rand() < opts.copy_share:
            if hot and rand() < opts.hot_share:
                src = hot[int(rand() * len(hot))]
            else:
                src = originals[int(rand() * len(originals))]
                if c_size[att_content[src]] > 4_000_000:  # big files are copied less often
                    src = originals[int(rand() * len(originals))]
        if src >= 0:
            att_content[j] = att_content[src]
            att_kind[j] = att_kind[src]
            name = att_name[src]
            att_name[j] = _rename(name, rng) if rand() < opts.rename_share else name
            continue
        k = bisect(k_cum, rand() * k_total)
        kind = cat.KINDS[k]
        size = int(rng.lognormvariate(math.log(kind.median), sigma))
        size = max(64, min(cap, size))
        att_content[j] = new_content(size)
        att_kind[j] = k
        att_name[j] = _name(kind.patterns[int(rand() * len(kind.patterns))], rng, ts)
        originals.append(j)
        if len(hot) < 12 and size < 2_000_000 and rand() < 0.3:
            hot.append(j)
        if size >= TRAP_MIN_SIZE:
            big_sources.append(j)
        elif size < SMALL:
            small_sources.append(j)

    # Attachments that fail on download (their bytes exist but cannot be read).
    n_bad = quota(opts.unreadable_share, 2)
    bad = rng.sample(range(n_att), min(n_att, 2 * n_bad)) if n_bad else []
    for k, j in enumerate(bad):
        att_flag[j] = FLAG_403 if k < n_bad else FLAG_404

    return DemoData(
        seed=seed,
        profile=profile,
        issue_project=issue_project,
        issue_num=issue_num,
        issue_status=issue_status,
        issue_created=issue_created,
        issue_updated=issue_updated,
        att_start=att_start,
        att_issue=att_issue,
        att_name=att_name,
        att_kind=att_kind,
        att_author=att_author,
        att_created=att_created,
        att_content=att_content,
        att_flag=att_flag,
        c_seed=c_seed,
        c_size=c_size,
        c_mut=c_mut,
        traps=tuple(traps),
        project_issues=project_issues,
    )

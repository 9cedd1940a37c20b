"""Shared helpers of the benchmarks: a demo site in its own process, timing, formatting.

The demo site runs in a child process (``multiprocessing``, spawn) so that its CPU time and
memory never count against the scanner measured in the parent.
"""

from __future__ import annotations

import compileall
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # a fresh clone without `pip install -e .`
    sys.path.insert(0, str(ROOT))


def _as_users_run() -> None:
    """The commands timed run as a user's install does, aa-tui's bytecode compiled once (pip
    compiles an installed package's; an editable one writes it at its first run), not each
    time anew where ``PYTHONDONTWRITEBYTECODE`` is set (as in this sandbox: ~0.5 s of every
    command's start)."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(ROOT / "aa_tui", quiet=1)


_as_users_run()


def _serve(
    conn: Any,
    seed: int,
    issues: int,
    profile: str,
    server_options: dict,
    generation: dict | None,
    truth: str,
    big_files: tuple[tuple[str, int], ...] = (),
) -> None:
    """Child process: generate the site, serve it, answer 'stats' and 'stop' on ``conn``."""
    from aa_tui.demo.generator import GenerationOptions, generate_site
    from aa_tui.demo.server import DemoOptions, DemoServer

    started = time.perf_counter()
    gen = GenerationOptions(**generation) if generation else None
    data = generate_site(seed=seed, issues=issues, profile=profile, options=gen)
    placed = place_stale_files(data, big_files)
    site_truth = data.truth
    generated_s = time.perf_counter() - started
    server = DemoServer(data, DemoOptions(**server_options)).start()
    summary = {
        "issues": site_truth.total_issues,
        "issues_with_attachments": site_truth.issues_with_attachments,
        "files": site_truth.total_files,
        "size": site_truth.total_size,
        "groups": site_truth.duplicate_groups,
        "duplicate_files": site_truth.duplicate_files,
        "duplicate_size": site_truth.duplicate_size,
        "zero_byte_files": site_truth.zero_byte_files,
        "unreadable": site_truth.unreadable_files,
        "summary": site_truth.summary(),
    }
    payload: dict[str, Any] = {
        "base_url": server.base_url,
        "email": server.email,
        "token": server.token,
        "generated_s": generated_s,
        "truth": summary,
        "big_files": placed,
    }
    if truth == "full":
        payload["groups"] = site_truth.groups
        payload["unreadable_ids"] = site_truth.unreadable
        payload["sizes"] = _sizes(data)
    conn.send(payload)
    try:
        while True:
            command = conn.recv()
            if command == "stats":
                conn.send(server.stats.snapshot())
            elif isinstance(command, tuple) and command[0] == "change":
                conn.send(change_issues(server, *command[1:]))
            elif command == "bump":  # the site answers as after a change: nothing cached
                server.changes.bump()
                conn.send(True)
            elif command == "stop":
                break
    except EOFError:
        pass
    finally:
        server.stop()


def place_stale_files(data: Any, files: tuple[tuple[str, int], ...]) -> list[dict[str, Any]]:
    """Give each ``(name, size)`` of ``files`` to one stale only copy of the site: a readable
    file whose bytes no other attachment shares, on an issue in the Done category not updated
    for 800 days (stale at the default 365 days, far outside any protection window). Its bytes
    stay made on the fly (a 500 MB file costs the server no memory). Returns each file's id,
    issue key, name and size, in order."""
    from aa_tui.demo import catalog as cat

    if not files:
        return []
    shared = Counter(data.att_content[j] for j in range(data.attachment_count))
    cut = cat.REFERENCE_EPOCH - 800 * 86400
    chosen: list[dict[str, Any]] = []
    for j in range(data.attachment_count):
        if len(chosen) == len(files):
            break
        i = data.att_issue[j]
        cid = data.att_content[j]
        if (
            cat.STATUSES[data.issue_status[i]].category == "done"
            and data.issue_updated[i] < cut
            and shared[cid] == 1
            and data.att_flag[j] == 0
            and data.c_size[cid] > 0
            and cid not in data.c_mut
            and all(c["issue"] != data.issue_key(i) for c in chosen)
        ):
            name, size = files[len(chosen)]
            data.att_name[j] = name
            data.c_size[cid] = size
            chosen.append(
                {
                    "id": data.attachment_id(j),
                    "issue": data.issue_key(i),
                    "name": name,
                    "size": size,
                }
            )
    if len(chosen) < len(files):
        raise RuntimeError(f"the site has only {len(chosen)} stale files to make big")
    return chosen


def change_issues(server: Any, share: float, seed: int) -> dict[str, int]:
    """Change ``share`` of the issues that have attachments, as people do between two scans
    (each change sets the issue's ``updated``, as Jira does): a quarter get a copy of another
    issue's file (a new duplicate: its bytes must be read), a quarter lose an attachment, a
    quarter change status, a quarter move to another project; one in a hundred is deleted."""
    import random

    from aa_tui.demo import catalog as cat

    data = server.data
    rng = random.Random(seed)
    with_files = [i for i in range(data.issue_count) if data.att_start[i + 1] > data.att_start[i]]
    chosen = rng.sample(with_files, max(1, round(share * len(with_files))))
    done = {"uploads": 0, "deleted_files": 0, "status": 0, "moved": 0, "deleted_issues": 0}
    for n, i in enumerate(chosen):
        if n % 100 == 99:
            server.delete_issue(i)
            done["deleted_issues"] += 1
        elif n % 4 == 0:
            other = rng.choice(with_files)
            j = data.att_start[other]
            if server.file_size(j) <= 0 or data.download_status(j) != 200:
                j = next(k for k in range(data.attachment_count) if server.file_size(k) > 0)
            content = b"".join(server.iter_file(j, 0, server.file_size(j)))
            server.changes.add_upload(i, f"copy-{j}.bin", "application/octet-stream", content)
            server.touch(i)
            done["uploads"] += 1
        elif n % 4 == 1:
            server.delete_attachment(data.att_start[i])
            done["deleted_files"] += 1
        elif n % 4 == 2:
            server.set_status(i, (data.issue_status[i] + 1) % len(cat.STATUSES))
            done["status"] += 1
        else:
            server.move_issue(i, (data.issue_project[i] + 1) % len(cat.PROJECTS))
            done["moved"] += 1
    done["issues"] = len(chosen)
    return done


def _sizes(data: Any) -> dict[str, int]:
    """Attachment id -> size of every non-empty attachment, readable or not."""
    out = {}
    for j in range(data.attachment_count):
        size = data.attachment_size(j)
        if size > 0:
            out[data.attachment_id(j)] = size
    return out


@dataclass
class Site:
    process: Any
    conn: Any
    base_url: str
    email: str
    token: str
    generated_s: float
    truth: dict
    extra: dict

    def stats(self) -> dict:
        self.conn.send("stats")
        return self.conn.recv()

    def change(self, share: float, seed: int = 1) -> dict[str, int]:
        """Change ``share`` of the site's issues with attachments (see ``change_issues``)."""
        self.conn.send(("change", share, seed))
        return self.conn.recv()

    def bump(self) -> None:
        """Have the site answer every search afresh, as the first after a change does (its
        cached query results are keyed by its changes' count): nothing else changes."""
        self.conn.send("bump")
        self.conn.recv()

    def stop(self) -> None:
        try:
            self.conn.send("stop")
        except (BrokenPipeError, OSError):
            pass
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_site(
    *,
    seed: int,
    issues: int,
    profile: str = "demo",
    server_options: dict | None = None,
    generation: dict | None = None,
    truth: str = "summary",
    big_files: tuple[tuple[str, int], ...] = (),
) -> Site:
    """Start a demo site in a child process; returns when it is listening. ``big_files``:
    ``(name, size)`` given to stale only copies (:func:`place_stale_files`; their ids are in
    ``extra["big_files"]``)."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(
        target=_serve,
        args=(child, seed, issues, profile, server_options or {}, generation, truth, big_files),
        daemon=True,
        name="demo-site",
    )
    process.start()
    child.close()
    payload = parent.recv()
    extra = {
        k: v for k, v in payload.items() if k in ("groups", "unreadable_ids", "sizes", "big_files")
    }
    return Site(
        process,
        parent,
        payload["base_url"],
        payload["email"],
        payload["token"],
        payload["generated_s"],
        payload["truth"],
        extra,
    )


def cpu_s() -> float:
    """CPU time (user + system) of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_bytes() -> int:
    """Peak resident set size of this process: VmHWM (ru_maxrss survives fork + exec, so a
    spawned child would report its parent's peak)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def current_rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def temp_store_dir(prefix: str) -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix=f"aa-tui-bench-{prefix}-")


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def mb(n: float) -> str:
    return f"{n / 1_000_000:,.1f} MB"


def verdict(ok: bool, label: str) -> str:
    return f"{'PASS' if ok else 'FAIL'}  {label}"


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}"


def machine_load() -> str:
    """The 1-minute load average (other work on the shared cores), for beside a figure."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:  # pragma: no cover
        return "unknown"

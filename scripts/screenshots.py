"""Regenerate ``screenshots/*.svg`` from the embedded demo site (120x36, headless).

    python scripts/screenshots.py [--out screenshots] [--issues 3000] [--seed 7]
                                  [--only cloud|data-center]

The demo site runs in this process with a little latency so the live scan is caught mid-way;
scans go to a temporary data dir; the clock is frozen so ages and dates do not drift. The
Data Center pictures come from the demo's Data Center mode, signed in with its personal access
token: the overview of its scan, with what the files would take on Jira Cloud.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from aa_tui.demo.server import DemoOptions
from aa_tui.service.demo import DemoSite
from aa_tui.service.workspace import Workspace
from aa_tui.tui.app import AATuiApp
from aa_tui.tui.config import AppConfig
from aa_tui.tui.screens.compare import CompareScreen
from aa_tui.tui.screens.history import HistoryScreen
from aa_tui.tui.screens.live_scan import LiveScanScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.groups_pane import GroupsPane
from aa_tui.tui.widgets.inputs import TextInput

# The one fake keyring of the project is test code (tests/helpers/): the pictures show the same
# backend as the app's snapshot tests, and nothing of it ships in the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers.memory_keyring import MemoryKeyring  # noqa: E402

SIZE = (120, 36)
NOW = datetime(2026, 11, 1, 9, 30, tzinfo=timezone.utc)
CLOCK = [NOW]  # the app's time: a week later for the rescan
SITE_LABEL = "http://127.0.0.1:8080"
#: the offload's archive folder, named as the pictures show it (emptied before and after)
ARCHIVE = Path(tempfile.gettempdir()) / "aa-tui-screenshots-archive"


async def until(pilot, predicate, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting on {pilot.app.screen!r}")
        await pilot.pause(0.05)


async def settle(pilot) -> None:
    workers = [w for w in pilot.app.workers if w.group != "scan"]
    if workers:
        await pilot.app.workers.wait_for_complete(workers)
    await pilot.pause()


async def shoot(app: AATuiApp, out: Path) -> list[Path]:
    written: list[Path] = []

    def save(name: str) -> None:
        written.append(Path(app.save_screenshot(f"{name}.svg", str(out))))

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # 1. Sites and credentials: the demo profile, and the form filled in for another.
        await pilot.press("escape")  # the demo opens on New scan: go back to Sites
        screen = app.screen
        screen.query_one("#site", TextInput).value = "https://acme.atlassian.net"
        screen.query_one("#email", TextInput).value = "ana@acme.io"
        screen.query_one("#token", TextInput).value = "ATATT3xFfGF0-example-token"
        screen.query_one("#demo-token").display = False  # a token is never written to a file
        await pilot.pause()
        save("credentials")
        # 2. Live scan, mid-way.
        await pilot.press("n", "ctrl+s")
        live = app.screen
        assert isinstance(live, LiveScanScreen)
        await until(pilot, lambda: live.query_one("#stats").progress.phase == "probing heads")
        await until(pilot, lambda: live.query_one("#stats").progress.fraction > 0.3)
        save("live-scan")
        # 3. Results.
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        # (the screen may still be composing: query, do not query_one)
        await until(pilot, lambda: any(p.index is not None for p in app.screen.query(GroupsPane)))
        await settle(pilot)
        save("overview")
        await pilot.press("2", "j")
        save("duplicate-groups")
        await pilot.press("enter")
        await pilot.pause()
        save("group-detail")
        await pilot.press("escape", "3")
        await pilot.pause()
        save("projects")
        # 3a. Insights: growth over time, what cleanup would free, the files behind each number.
        await pilot.press("i")
        await until(pilot, lambda: type(app.screen).__name__ == "InsightsScreen")
        await settle(pilot)
        save("insights")
        await pilot.press("escape")
        await settle(pilot)
        # 3b. Cleanup: mark the biggest groups, review them, confirm, apply.
        await pilot.press("2", "g", *["space"] * 8, "D")
        await until(pilot, lambda: getattr(app.screen, "review", None) is not None)
        await settle(pilot)
        save("clean-review")
        review = app.screen
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#confirm-phrase", TextInput).value = review.plan.confirmation
        await pilot.press("enter")
        await until(pilot, lambda: getattr(app.screen, "state", "") == "done")
        await settle(pilot)
        save("clean-apply")
        await pilot.press("escape")
        await settle(pilot)
        # 3c. Beyond duplicates: mark insight lists, review (only copies archived first),
        # offload to an archive folder, caught mid-way.
        await shoot_offload(pilot, save)
        # 4. History.
        app.push_screen(HistoryScreen())
        await settle(pilot)
        save("history")
        # 5. A week later, a rescan (the cleanup and the offload removed files), the two scans
        # compared, and the duplicate groups that changed between them.
        CLOCK[0] = NOW + timedelta(days=7)
        while len(app.screen_stack) > 1:
            app.pop_screen()
        await settle(pilot)
        await pilot.press("n", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        await until(pilot, lambda: any(p.index is not None for p in app.screen.query(GroupsPane)))
        app.push_screen(HistoryScreen())
        await settle(pilot)
        await pilot.press("space", "down", "space", "c")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen))
        await settle(pilot)
        save("compare")
        await pilot.press("c")
        await until(pilot, lambda: getattr(app.screen, "changes", None) is not None)
        await settle(pilot)
        save("group-changes")
    return written


async def shoot_offload(pilot, save) -> None:
    """From the results: every hygiene kind and the biggest departed uploader's files marked on
    Insights, the review of them, then the apply screen while it archives and deletes."""
    app = pilot.app
    results = app.screen
    await pilot.press("i")
    await until(pilot, lambda: type(app.screen).__name__ == "InsightsScreen")
    insights = app.screen
    await until(pilot, lambda: insights.insights is not None)
    await settle(pilot)
    await pilot.press("6", "M")  # every hygiene kind: logs, dumps, HAR, temp, OS junk
    await until(pilot, lambda: bool(results.marks))
    await settle(pilot)
    await pilot.press("4", "space")  # the first departed uploader's files
    await settle(pilot)
    await pilot.press("D")
    await until(pilot, lambda: getattr(app.screen, "review", None) is not None)
    await settle(pilot)
    save("offload-review")
    review = app.screen
    await pilot.press("a")
    await pilot.pause()
    modal = app.screen
    modal.query_one("#confirm-phrase", TextInput).value = review.plan.confirmation
    modal.query_one("#confirm-archive", TextInput).value = str(ARCHIVE)
    await pilot.pause()
    await pilot.press("enter")
    await until(pilot, lambda: type(app.screen).__name__ == "CleanApplyScreen")
    apply = app.screen
    # mid-way: a third of the files archived, verified and deleted, the rest in flight
    await until(pilot, lambda: apply.last.archived >= apply.plan.files // 3)
    await pilot.pause()
    save("offload-apply")
    await until(pilot, lambda: apply.state == "done")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("escape")  # Insights -> results
    await settle(pilot)


async def shoot_data_center(app: AATuiApp, out: Path) -> list[Path]:
    """The overview of a Data Center scan (the app opens on New scan of the demo's site)."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        await until(pilot, lambda: any(p.index is not None for p in app.screen.query(GroupsPane)))
        await settle(pilot)
        return [Path(app.save_screenshot("data-center-overview.svg", str(out)))]


def run_demo(args: argparse.Namespace, shots, *, data_center: bool) -> list[Path]:
    """``shots`` run against a fresh demo site (Cloud, or its Data Center mode)."""
    options = DemoOptions(latency_s=0.03, data_center=data_center)
    CLOCK[0] = NOW
    with tempfile.TemporaryDirectory(prefix="aa-tui-shots-") as scratch:
        demo = DemoSite(issues=args.issues, seed=args.seed, options=options)
        with demo:
            config = AppConfig(cursor_blink=False, site_names={demo.profile.site: SITE_LABEL})
            workspace = Workspace.open(
                Path(scratch), clock=lambda: CLOCK[0], keyring_backend=MemoryKeyring()
            )
            profile = demo.sign_in(workspace)
            app = AATuiApp(workspace, config=config, start_profile=profile)
            written: list[Path] = asyncio.run(shots(app, args.out))
            workspace.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "screenshots")
    parser.add_argument("--issues", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--only", choices=("cloud", "data-center"), help="shoot one demo site's pictures only"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if args.only != "data-center":
        shutil.rmtree(ARCHIVE, ignore_errors=True)
        try:
            written += run_demo(args, shoot, data_center=False)
        finally:
            shutil.rmtree(ARCHIVE, ignore_errors=True)
    if args.only != "cloud":
        written += run_demo(args, shoot_data_center, data_center=True)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

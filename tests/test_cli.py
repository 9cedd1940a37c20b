"""The command line as a user runs it: real subprocesses against the demo site."""

from __future__ import annotations

import json

import pytest
from helpers.cli import aa


def test_scan_then_list_then_report(demo_server, small_site, tmp_path):
    data = tmp_path / "data"
    report_path = tmp_path / "report.json"
    result = aa(
        [
            "scan",
            "--site",
            demo_server.base_url,
            "--email",
            demo_server.email,
            "--json",
            str(report_path),
        ],
        data,
        token=demo_server.token,
    )
    assert result.returncode == 0, result.stderr
    assert "duplicate groups" in result.stdout and "Top quick wins" in result.stdout
    report = json.loads(report_path.read_text())
    truth = small_site.truth
    assert report["schema"] == "aa-tui.report/2"
    assert report["totals"]["duplicate_size"] == truth.duplicate_size
    assert {
        frozenset(loc["attachment_id"] for loc in g["locations"])
        for g in report["duplicate_groups"]
    } == truth.groups
    assert all(
        isinstance(loc["attachment_id"], str)
        for g in report["duplicate_groups"]
        for loc in g["locations"]
    )
    assert demo_server.token not in report_path.read_text()
    log = data / "aa-tui.log"
    assert "complete" in log.read_text() and demo_server.token not in log.read_text()
    assert log.stat().st_mode & 0o777 == 0o600

    listing = aa(["scans"], data)
    assert listing.returncode == 0 and report["scan"]["id"] in listing.stdout
    header, line = listing.stdout.splitlines()[:2]
    assert "STARTED" in header and "VERIFY" in header
    assert " exact " in line
    assert report["scan"]["started_at"][:19].replace("T", " ") in line  # to the second

    again = tmp_path / "again.json"
    csv_dir = tmp_path / "csv"
    exported = aa(
        ["report", report["scan"]["id"], "--json", str(again), "--csv", str(csv_dir)], data
    )
    assert exported.returncode == 0, exported.stderr
    assert json.loads(again.read_text()) == report
    assert (csv_dir / "locations.csv").read_text(encoding="utf-8").count("\n") == 1 + sum(
        len(g["locations"]) for g in report["duplicate_groups"]
    )
    import csv

    with open(csv_dir / "locations.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    first = report["duplicate_groups"][0]
    row = next(r for r in rows if r["attachment_id"] == first["locations"][0]["attachment_id"])
    base = report["scan"]["browse_url"].rstrip("/")
    assert row["size"] == str(first["size"])
    assert row["issue_url"] == f"{base}/browse/{first['locations'][0]['issue_key']}"
    assert row["attachment_url"].endswith(f"/attachment/content/{row['attachment_id']}")


def test_token_from_stdin(demo_server, tmp_path):
    result = aa(
        [
            "scan",
            "--site",
            demo_server.base_url,
            "--email",
            demo_server.email,
            "--token-stdin",
            "--verify",
            "metadata",
        ],
        tmp_path,
        stdin=demo_server.token + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert "likely" in result.stdout


@pytest.mark.parametrize(
    ("args", "token", "needle"),
    [
        (["--site", "not a url"], "tok-Secret-4711", "not a site URL"),
        (["--site", "http://example.com"], "tok-Secret-4711", "Refusing plain http://"),
        (["--projects", 'A" OR project = B'], "tok-Secret-4711", "not a Jira project key"),
        ([], "wrong-token", "refused the email and API token"),
        ([], None, "No API token"),
    ],
)
def test_bad_input_gives_one_clear_sentence_and_exit_2(demo_server, tmp_path, args, token, needle):
    base = ["scan", "--site", demo_server.base_url, "--email", demo_server.email]
    result = aa(base + args, tmp_path, token=token)
    assert result.returncode == 2, result.stderr
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    if token:
        assert token not in result.stderr


def test_expired_token_is_named(demo_server, tmp_path):
    result = aa(
        ["scan", "--site", demo_server.base_url, "--email", demo_server.email],
        tmp_path,
        token=demo_server.expired_token,
    )
    assert result.returncode == 2
    assert "expired" in result.stderr.lower() or "refused" in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_unknown_scan_id(tmp_path):
    result = aa(["report", "nope", "--json", str(tmp_path / "x.json")], tmp_path)
    assert result.returncode == 2 and "No scan 'nope'" in result.stderr


def test_data_dir_after_the_command_too(demo_server, tmp_path):
    """``--data-dir`` is accepted before or after the command; after it wins (issue 12 B8)."""
    elsewhere, chosen = tmp_path / "env-dir", tmp_path / "chosen"
    scanned = aa(
        ["scan", "--site", demo_server.base_url, "--email", demo_server.email, "--quiet",
         "--data-dir", str(chosen)],
        elsewhere, token=demo_server.token,
    )  # fmt: skip
    assert scanned.returncode == 0, scanned.stderr
    listed = aa(["scans", "--data-dir", str(chosen)], elsewhere)
    assert listed.returncode == 0 and "complete" in listed.stdout
    scan_id = listed.stdout.splitlines()[1].split()[0]
    before = aa(
        ["--data-dir", str(tmp_path / "nowhere"), "scans", "--data-dir", str(chosen)], elsewhere
    )
    assert scan_id in before.stdout
    report = aa(
        ["report", scan_id, "--json", str(tmp_path / "r.json"), "--data-dir", str(chosen)],
        elsewhere,
    )
    assert report.returncode == 0, report.stderr
    assert "No scans yet" in aa(["scans"], elsewhere).stdout  # the environment's dir is untouched


def test_sizes_read_the_same_in_every_face():
    """The app, the scan and cleanup lines and the HTML report write sizes one way ("0 B",
    not "0 Bytes" in one place and "0 B" in another): through model.units.size_text, which no
    face wraps in a size() of its own (the HTML page's leaves a missing size's cell empty)."""
    import re
    from pathlib import Path

    import aa_tui
    from aa_tui.model.units import size_text
    from aa_tui.reports import html_page

    sizes = (0, 1, 1023, 1536, 5 * 10**11)
    expected = ["0 B", "1 B", "1023 B", "1.5 KiB", "465.7 GiB"]
    assert [size_text(n) for n in sizes] == expected
    assert [html_page.size(n) for n in sizes] == expected
    assert html_page.size(None) == ""
    package = Path(aa_tui.__file__).parent
    wrappers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if re.search(r"^def (size|_size)\(", path.read_text(encoding="utf-8"), re.M)
    )
    assert wrappers == ["reports/html_page.py"]


def test_the_progress_line_tells_the_recent_pace_and_bytes():
    """The line shows the engine's rate and ETA of this phase (not the scan's average since
    its start) and, while hashing, how far the full reads are by bytes."""
    import io

    from aa_tui.cli.progress import ProgressLine
    from aa_tui.model.enums import Phase
    from aa_tui.model.events import ScanProgress

    out = io.StringIO()
    line = ProgressLine(out)
    line.update(ScanProgress(phase=Phase.HEADS, done=5, total=100, elapsed_s=300.0))
    line.update(
        ScanProgress(
            phase=Phase.HASHING, done=40, total=120, elapsed_s=600.0, rate_per_s=3.0,
            eta_s=74.0, phase_bytes_done=36_000_000, phase_bytes_total=48_000_000,
        )
    )  # fmt: skip
    line.update(ScanProgress(phase=Phase.SAVING, done=0, total=0, elapsed_s=601.0, files=9))
    heads, hashing, saving = out.getvalue().splitlines()
    assert "probing heads: 5/100 files |" in heads  # no pace measured yet: none claimed
    assert "40/120 files (3/s), reads 75% ETA at most 1:14 |" in hashing
    assert saving.startswith("saving | 9 files")  # saving counts nothing of its own


def test_counts_of_one_are_singular_and_sentences_join_cleanly(tmp_path):
    """Issue 19 #12: "1 zero-byte files" in the scan's summary, and the missing token said
    "..., and No usable OS keyring" (a capital in mid-sentence)."""
    import io
    from types import SimpleNamespace

    from aa_tui.cli.progress import print_summary
    from aa_tui.model.records import Scope
    from aa_tui.model.scans import ScanInfo

    info = ScanInfo("s1", "https://x.example", "a@b.c", Scope(), status="complete")
    summary = {"totals": {"total_files": 3, "zero_byte_files": 1, "unreadable_files": 1}}
    outcome = SimpleNamespace(
        summary=summary, info=info, signed_in_as="", reused_issues=0, reused_hashes=0, rescan=None
    )
    out = io.StringIO()
    print_summary(out, outcome)
    assert "  1 zero-byte file (no waste" in out.getvalue()
    assert "  1 attachment could not be read" in out.getvalue()

    # aa() runs with the null keyring backend and no JIRA_API_TOKEN
    result = aa(["scan", "--site", "https://x.atlassian.net", "--email", "a@b.c"], tmp_path)
    assert result.returncode == 2, result.stderr
    assert "No API token: JIRA_API_TOKEN is not set. No usable OS keyring" in result.stderr


def test_an_export_that_fails_names_the_path_given_and_says_the_scan_is_saved(
    demo_server, tmp_path
):
    """--json onto a folder: the sentence names that folder (not a temp file's name), says
    what to do, and that the scan is saved and can be exported from the store."""
    data = tmp_path / "data"
    folder = tmp_path / "reports"
    folder.mkdir()
    args = ["scan", "--site", demo_server.base_url, "--email", demo_server.email, "--quiet"]
    result = aa([*args, "--verify", "metadata", "--json", str(folder)], data, demo_server.token)
    assert result.returncode == 3
    (line,) = result.stderr.splitlines()
    assert f"Is a directory ({folder}). Give a file's path, not a folder's." in line
    assert ".tmp" not in line and list(folder.iterdir()) == []
    scan_id = line.split("Scan ")[1].split()[0]
    assert f"`aa-tui report {scan_id}`" in line
    again = aa(["report", scan_id, "--json", str(folder / "r.json")], data)
    assert again.returncode == 0 and json.loads((folder / "r.json").read_text())

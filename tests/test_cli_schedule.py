"""aa-tui on a schedule: site, account and token from the environment (flags win), the cap's
warning (exit 4) and the webhook notice, as a cron job runs them: real ``aa-tui`` subprocesses
against the demo site, notices to a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
import signal

import pytest
from helpers.cli import Scan, aa, kinds, stored_scans, wait_for
from helpers.webhook import Receiver, closed_port_url

from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.service.notify import send_notice
from aa_tui.service.watch import CapCheck

NOTICE_FIELDS = {
    "format", "text", "scan_id", "site", "scope", "verify", "finished_at", "totals", "waste",
    "change", "cap", "exit_code",
}  # fmt: skip


def scan(server, data, *extra, env=None, token="default"):
    """``aa-tui scan`` of the demo site (metadata: fast) with flags for site and email."""
    args = ["scan", "--site", server.base_url, "--email", server.email, "--verify", "metadata"]
    return aa([*args, *extra], data, token=server.token if token == "default" else token, env=env)


# -- configuration by environment ----------------------------------------------------------------
def test_site_email_and_token_come_from_the_environment(demo_server, tmp_path):
    data = tmp_path / "data"
    env = {"JIRA_URL": demo_server.base_url, "JIRA_EMAIL": demo_server.email}
    result = aa(["scan", "--verify", "metadata"], data, token=demo_server.token, env=env)
    assert result.returncode == 0, result.stderr
    (info,) = stored_scans(data)
    assert (info.site, info.email) == (demo_server.base_url, demo_server.email)


def test_flags_win_over_the_environment(demo_server, tmp_path):
    data = tmp_path / "data"
    wrong = {"JIRA_URL": "https://wrong.invalid", "JIRA_EMAIL": "nobody@example.com"}
    result = scan(demo_server, data, env=wrong)
    assert result.returncode == 0, result.stderr
    # --token-stdin wins over a wrong JIRA_API_TOKEN
    result = aa(
        ["scan", "--token-stdin", "--verify", "metadata"],
        data,
        token="wrong-token",
        stdin=demo_server.token + "\n",
        env={"JIRA_URL": demo_server.base_url, "JIRA_EMAIL": demo_server.email},
    )
    assert result.returncode == 0, result.stderr
    assert {s.site for s in stored_scans(data)} == {demo_server.base_url}


def test_no_site_anywhere_is_one_sentence(tmp_path):
    result = aa(["scan"], tmp_path / "data", token="t")
    assert result.returncode == 2
    assert result.stderr.strip() == "aa-tui: No site given: pass --site or set JIRA_URL."


def test_no_email_on_a_cloud_site_says_how_cloud_signs_in(demo_server, tmp_path):
    """No email and no user name: the token is a Data Center personal access token, and a
    Cloud site answers so in one sentence."""
    result = aa(["scan", "--site", demo_server.base_url], tmp_path / "data", token="t")
    assert result.returncode == 2, result.stderr
    assert "is Jira Cloud: sign in with the account's email and an API token" in result.stderr
    assert "Traceback" not in result.stderr


def test_token_from_a_systemd_credential(demo_server, tmp_path):
    """``LoadCredential=jira-api-token:...`` puts the token in $CREDENTIALS_DIRECTORY; it is
    used when JIRA_API_TOKEN is not set, and JIRA_API_TOKEN wins over it."""
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "jira-api-token").write_text(demo_server.token + "\n")
    data = tmp_path / "data"
    env = {"CREDENTIALS_DIRECTORY": str(creds)}
    result = scan(demo_server, data, env=env, token=None)
    assert result.returncode == 0, result.stderr
    overridden = scan(demo_server, data, env=env, token="not-the-token")
    assert overridden.returncode == 2, overridden.stderr
    assert len(stored_scans(data)) == 1


# -- the cap ------------------------------------------------------------------------------------
def test_exit_4_exactly_at_the_warning_share_after_saving_and_exporting(demo_server, tmp_path):
    data = tmp_path / "data"
    first = scan(demo_server, data)
    assert first.returncode == 0, first.stderr
    (info,) = stored_scans(data)
    used = info.totals["total_size"]
    cap = f"{used * 2}B"  # the scanned attachments fill exactly 50% of it
    report = tmp_path / "report.json"
    at = scan(demo_server, data, "--cap", cap, "--warn-at", "50", "--json", str(report))
    assert at.returncode == 4, at.stderr
    assert "aa-tui: warning: The scanned attachments fill 50% of the" in at.stderr
    assert "the warning is at 50%." in at.stderr
    assert report.is_file() and len(stored_scans(data)) == 2  # saved and exported first
    exported = json.loads(report.read_text())  # its what-if counts the room under that cap
    assert exported["insight_settings"]["cap"] == used * 2
    assert exported["what_if"][0]["under_cap"] == used * 2 - used
    below = scan(demo_server, data, "--cap", cap, "--warn-at", "50.1")
    assert below.returncode == 0, below.stderr
    assert "fill 50% of the" in below.stdout and "warning" not in below.stderr
    default = scan(demo_server, data, "--cap", f"{used * 100 // 79}B")  # ~79%: under 80
    assert default.returncode == 0, default.stderr
    over = scan(demo_server, data, "--cap", "1MB")
    assert over.returncode == 4 and "over by" in over.stderr


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--warn-at", "90"], "--warn-at needs a cap to be a share of: give --cap too."),
        (["--cap", "250GB", "--warn-at", "0"], "--warn-at is a percentage of the cap above 0"),
        (["--cap", "250GB", "--warn-at", "101"], "at most 100, not 101."),
        (["--cap", "250"], "--cap: '250' has no unit"),
        (["--cap", "-5GB"], "--cap: '-5GB' is not a size"),  # (argparse took it for an option)
        (["--cap", "-5GB", "--warn-at", "-5"], "--cap: '-5GB' is not a size"),
        (["--cap", "-.5GB"], "--cap: '-.5GB' is not a size"),
        (["--cap", "--warn-at", "5"], "argument --cap: expected one argument"),  # an option
        (["--notify", "http://example.com/hook"], "--notify: refusing plain http:// for"),
        (["--notify", "ftp://127.0.0.1/x"], "--notify needs a webhook URL such as https://"),
        (["--notify", "https://[::1/x"], "--notify needs a webhook URL such as https://"),
    ],
)
def test_bad_watch_input_is_refused_before_the_scan(tmp_path, extra, needle):
    site = ["--site", "http://127.0.0.1:9", "--email", "a@b.c"]  # nothing listens: never reached
    result = aa(["scan", *site, *extra], tmp_path / "data", token="t")
    assert result.returncode == 2, result.stderr
    assert needle in result.stderr and "Traceback" not in result.stderr


def test_only_a_dashed_value_of_cap_is_joined_to_it():
    from aa_tui.cli.entry import _dashed_values_joined as joined

    assert joined(["scan", "--cap", "-5GB", "--json", "r"]) == ["scan", "--cap=-5GB", "--json", "r"]
    for kept in (
        ["scan", "--cap", "--warn-at", "5"],  # an option: argparse says the value is missing
        ["scan", "--cap", "--", "-5GB"],  # "--" is never a value
        ["scan", "--cap", "250GB", "--", "--cap", "-1GB"],  # after "--": positional
        ["scan", "--cap"],
        ["scan", "--cap", "-"],
    ):
        assert joined(kept) == kept


def test_the_cap_check_is_exact_in_bytes():
    assert CapCheck(cap=1000, warn_at=80, used=800).reached
    assert not CapCheck(cap=1000, warn_at=80, used=799).reached
    assert CapCheck(cap=3, warn_at=100 / 3, used=1).reached  # 33.33...% of 3 bytes is 1 byte
    assert CapCheck(cap=1000, warn_at=80, used=799).share == 79.9  # never rounded up


def test_the_cap_sentence_writes_its_share_as_people_read_it():
    assert "fill 85.2% of the" in CapCheck(cap=1000, warn_at=80, used=852).sentence()
    assert "fill 80% of the" in CapCheck(cap=1000, warn_at=80, used=800).sentence()
    # a cap far below the site (--cap 1KB): not 1.0258e+08%
    huge = CapCheck(cap=1000, warn_at=80, used=1_025_800_000).sentence()
    assert "fill 102,580,000% of the" in huge


# -- the notice ---------------------------------------------------------------------------------
def test_one_notice_per_scan_with_the_documented_fields(demo_server, tmp_path):
    data = tmp_path / "data"
    with Receiver() as hook:
        first = scan(demo_server, data, "--notify", hook.url)
        assert first.returncode == 0, first.stderr
        assert len(hook.received) == 1
        # a scan of another scope in between: the change is counted from the same scope's
        ops = scan(demo_server, data, "--projects", "OPS", "--notify", hook.url)
        assert ops.returncode == 0, ops.stderr
        demo_server.changes.add_upload(1, "new.bin", "application/octet-stream", b"x" * 1234)
        second = scan(demo_server, data, "--notify", hook.url, "--cap", "1TB")
        assert second.returncode == 0, second.stderr
    assert len(hook.received) == 3
    assert hook.url not in first.stderr + second.stderr  # the webhook URL is a secret
    for got in hook.received:
        assert got.path == "/hooks/T000/B000/secret"
        assert got.headers["content-type"] == "application/json"
        assert "authorization" not in got.headers and "cookie" not in got.headers
    one, of_ops, two = hook.notices
    assert set(one) == set(two) == NOTICE_FIELDS
    assert of_ops["scope"] == {"projects": ["OPS"], "jql": ""} and of_ops["change"] is None
    infos = {s.id: s for s in stored_scans(data)}
    assert one["scan_id"] in infos and two["scan_id"] in infos
    assert one["format"] == "aa-tui.notice/1"
    assert one["site"] == demo_server.base_url and one["verify"] == "metadata"
    totals = infos[two["scan_id"]].totals
    assert two["totals"] == {
        "issues": totals["issues_scanned"],
        "files": totals["total_files"],
        "bytes": totals["total_size"],
    }
    assert two["waste"]["duplicate_bytes"] == totals["duplicate_size"] > 0
    assert two["waste"]["stale_files"] == totals["stale_files"]
    assert two["waste"]["likely"] is True
    assert one["change"] is None and one["cap"] is None
    assert two["change"] == {
        "since_scan": one["scan_id"],
        "since": one["finished_at"],
        "files": 1,
        "bytes": 1234,
        "cleaned_files": 0,
        "cleaned_bytes": 0,
    }
    assert two["cap"] == {
        "bytes": 10**12,
        "used_bytes": totals["total_size"],
        "share_pct": two["cap"]["share_pct"],
        "warn_at_pct": 80.0,
        "reached": False,
    }
    assert two["exit_code"] == 0
    assert f"{totals['total_files']:,} files" in two["text"]
    assert "Since the last scan" in two["text"] and "+1 file, +1.2 KiB" in two["text"]
    assert "Since the last scan" not in one["text"]


def test_the_notice_at_the_threshold_says_so_and_the_scan_exits_4(demo_server, tmp_path):
    with Receiver() as hook:
        result = scan(demo_server, tmp_path / "data", "--notify", hook.url, "--cap", "1MB")
    assert result.returncode == 4, result.stderr
    (notice,) = hook.notices
    assert notice["cap"]["reached"] is True and notice["exit_code"] == 4
    assert "WARNING: The scanned attachments fill" in notice["text"] and "over by" in notice["text"]


@pytest.mark.parametrize("status", [500, 404])
def test_a_refusing_receiver_is_a_warning_and_the_scans_own_exit_code(
    demo_server, tmp_path, status
):
    with Receiver(status=status) as hook:
        ok = scan(demo_server, tmp_path / "data", "--notify", hook.url)
        capped = scan(demo_server, tmp_path / "data", "--notify", hook.url, "--cap", "1MB")
    assert ok.returncode == 0, ok.stderr
    assert capped.returncode == 4, capped.stderr
    for result in (ok, capped):
        assert f"aa-tui: warning: the notice to 127.0.0.1 was refused (HTTP {status})" in (
            result.stderr
        )
    assert len(hook.received) == 2


def test_an_unreachable_receiver_is_a_warning(demo_server, tmp_path):
    result = scan(demo_server, tmp_path / "data", "--notify", closed_port_url())
    assert result.returncode == 0, result.stderr
    assert "aa-tui: warning: the notice to 127.0.0.1 could not be sent: nothing took the " in (
        result.stderr
    )
    assert len(stored_scans(tmp_path / "data")) == 1


def test_a_receiver_that_took_the_connection_is_not_said_to_be_missing(tmp_path):
    """A webhook whose certificate does not verify, or that speaks plain HTTP to https://,
    took the connection: 'nothing took the connection there' sent one looking for a server
    that was up."""
    import ssl

    from test_security_input import self_signed

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed(tmp_path))
    with Receiver(tls=context) as hook:
        untrusted = send_notice(hook.url, {"text": "hi"})
    assert untrusted is not None and untrusted.startswith(
        "the notice to 127.0.0.1 could not be sent: its TLS certificate did not verify ("
    ), untrusted
    with Receiver() as hook:
        plain = send_notice(hook.url.replace("http://", "https://"), {"text": "hi"})
    assert plain == (
        "the notice to 127.0.0.1 could not be sent: it answers plain HTTP, not HTTPS (check the "
        "webhook's address); the scan itself is saved."
    )
    assert not hook.received


def test_a_slow_receiver_times_out_as_a_warning():
    with Receiver(delay_s=1.0) as hook:
        warning = send_notice(hook.url, {"text": "hi"}, timeout_s=0.2)
    assert warning == "the notice to 127.0.0.1 timed out after 0.2 s; the scan itself is saved."


def test_the_notice_url_comes_from_the_environment(demo_server, tmp_path):
    with Receiver() as hook:
        result = scan(demo_server, tmp_path / "data", env={"AA_TUI_NOTIFY_URL": hook.url})
    assert result.returncode == 0, result.stderr
    assert len(hook.received) == 1


def test_an_interrupted_then_resumed_scan_notifies_once(small_site, tmp_path):
    data = tmp_path / "data"
    slow = DemoOptions(latency_s=0.004, per_id_s=0.004, per_issue_s=0.004, id_page_size=50)
    with DemoServer(small_site, slow) as server, Receiver() as hook:
        running = Scan(server, data, "--notify", hook.url)
        wait_for(running, lambda: "hash:head" in kinds(data), "hashing")
        running.proc.send_signal(signal.SIGINT)
        assert running.wait() == 130, running.stderr
        assert hook.received == []
        base = ["scan", "--site", server.base_url, "--email", server.email]
        resumed = aa([*base, "--resume", "--notify", hook.url], data, token=server.token)
        assert resumed.returncode == 0, resumed.stderr
    (notice,) = hook.notices
    (info,) = stored_scans(data)
    assert notice["scan_id"] == info.id and notice["totals"]["files"] == info.totals["total_files"]


def test_an_unreadable_credential_is_one_sentence(tmp_path):
    creds = tmp_path / "creds"
    (creds / "jira-api-token").mkdir(parents=True)  # a folder where the file should be
    site = ["--site", "http://127.0.0.1:9", "--email", "a@b.c"]
    env = {"CREDENTIALS_DIRECTORY": str(creds)}
    result = aa(["scan", *site], tmp_path / "data", env=env)
    assert result.returncode == 2
    assert "Could not read the systemd credential jira-api-token (IsADirectoryError)." in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_the_notice_text_says_what_shrank():
    from aa_tui.model.records import Scope
    from aa_tui.model.scans import ScanInfo
    from aa_tui.model.summary import ScanSummary
    from aa_tui.service.watch import previous_scan, scan_notice

    def info(i, files, size, finished, scope=None):
        totals = {"total_files": files, "total_size": size}
        return ScanInfo(
            f"s{i}", "https://a.atlassian.net", "e", scope or Scope(), finished_at=finished,
            status="complete", totals=totals,
        )  # fmt: skip

    old = info(1, 10, 5 * 2**20, "2025-01-06T06:00:00+00:00")
    other = info(2, 1, 1, "2025-01-10T06:00:00+00:00", Scope(projects=("OPS",)))
    new = info(3, 7, 2 * 2**20, "2025-01-13T06:00:00+00:00")
    previous = previous_scan([new, other, old], new)
    assert previous is old
    text = scan_notice(new, ScanSummary.from_dict({}), previous)["text"]
    assert "Since the last scan (2025-01-06): -3 files, -3.0 MiB." in text


def test_the_notice_says_what_aa_tuis_own_cleanups_removed(demo_server, tmp_path):
    """A weekly notice after a cleanup: the change since the last scan is mostly aa-tui's own
    deletions; it says how many, and how the site changed besides them."""
    data = tmp_path / "data"
    first = scan(demo_server, data, "--verify", "exact")
    assert first.returncode == 0, first.stderr
    (info,) = stored_scans(data)
    run = tmp_path / "run.json"
    cleaned = aa(
        ["clean", info.id, "--limit", "3", "--yes", "--quiet", "--json", str(run)],
        data,
        token=demo_server.token,
    )
    assert cleaned.returncode == 0, cleaned.stderr
    freed = sum(f["size"] for f in json.loads(run.read_text())["files"])
    demo_server.changes.add_upload(1, "new.bin", "application/octet-stream", b"x" * 1234)
    with Receiver() as hook:
        second = scan(demo_server, data, "--verify", "exact", "--notify", hook.url)
        assert second.returncode == 0, second.stderr
    (notice,) = hook.notices
    change = notice["change"]
    assert change["cleaned_files"] == 3 and change["cleaned_bytes"] == freed > 0
    assert change["files"] == 1 - 3 and change["bytes"] == 1234 - freed
    assert "aa-tui's cleanups removed 3 files" in notice["text"], notice["text"]
    assert "so besides them the site changed by +1 file, +1.2 KiB." in notice["text"]

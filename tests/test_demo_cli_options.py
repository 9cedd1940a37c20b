"""``aa-tui demo-site`` flags for the site's newer knobs: rate scope and per-endpoint rates, the
per-issue write limit, media link lifetime, delete permission and the read-only user.

Each flag is checked twice: what it puts in :class:`DemoOptions`, and what a site served by
``serve_forever`` with it then answers over real HTTP.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from aa_tui.cli import build_parser
from aa_tui.demo import generate_site
from aa_tui.demo.cli_options import add_demo_site_arguments, options_from_args, serve_forever

CONTENT = "GET /rest/api/3/attachment/content/{id}"
SMALL = ["--port", "0", "--issues", "60", "--seed", "11"]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="demo-site")
    add_demo_site_arguments(parser)
    return parser.parse_args([*SMALL, *argv])


@contextlib.contextmanager
def served(*argv: str) -> Iterator[tuple[str, str]]:
    """A demo site run by ``serve_forever`` with ``argv``: (its base URL, its banner)."""
    args, stop, out, result = parse(*argv), threading.Event(), io.StringIO(), []
    with contextlib.redirect_stdout(out):
        thread = threading.Thread(target=lambda: result.append(serve_forever(args, stop)))
        thread.start()
        try:
            deadline = time.monotonic() + 30
            while "Ctrl-C to stop" not in out.getvalue():
                assert thread.is_alive() and time.monotonic() < deadline, out.getvalue()
                time.sleep(0.02)
            banner = out.getvalue()
            yield re.search(r"Demo Jira site: (\S+)", banner).group(1), banner
        finally:
            stop.set()
            thread.join(10)
    assert result == [0]


def test_the_flags_reach_the_options():
    args = parse(
        "--rate-limit", "100", "--burst", "30", "--rate-scope", "endpoint",
        "--endpoint-rate", f"{CONTENT}=5/10",
        "--endpoint-rate", "POST /rest/api/3/search/jql=2.5",
        "--issue-write-limit", "20/2", "--media-token-ttl-s", "45",
        "--delete-permission", "own",
    )  # fmt: skip
    _, options, _ = options_from_args(args)
    assert options.rate_scope == "endpoint" and options.rate_limit_rps == 100
    # A rate without a burst takes --burst.
    assert options.endpoint_rates == (
        (CONTENT, 5.0, 10),
        ("POST /rest/api/3/search/jql", 2.5, 30),
    )
    assert options.issue_write_limit == (20, 2.0)
    assert options.media_token_ttl_s == 45.0
    assert options.delete_permission == "own"
    _, default, _ = options_from_args(parse())
    assert (default.rate_scope, default.endpoint_rates, default.issue_write_limit) == (
        "site",
        (),
        None,
    )
    assert (default.media_token_ttl_s, default.delete_permission) == (300.0, "all")


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["--endpoint-rate", "FETCH /x=1"], "is not METHOD /path=RPS[/BURST]"),
        (["--endpoint-rate", f"{CONTENT}"], "is not METHOD /path=RPS[/BURST]"),
        (["--endpoint-rate", f"{CONTENT}=fast"], "the rate must be a number"),
        (["--endpoint-rate", f"{CONTENT}=0"], "must be above 0"),
        (["--issue-write-limit", "20"], "is not WRITES/SECONDS"),
        (["--issue-write-limit", "0/2"], "is not WRITES/SECONDS"),
        (["--delete-permission", "some"], "invalid choice: 'some'"),
        (["--rate-scope", "issue"], "invalid choice: 'issue'"),
    ],
)
def test_a_malformed_flag_is_refused_in_one_sentence(argv, needle, capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["demo-site", *argv])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--rate-scope", "endpoint"], "--rate-scope endpoint needs --rate-limit"),
        (["--rate-limit", "5", "--endpoint-rate", f"{CONTENT}=1"], "needs --rate-scope endpoint"),
        (["--media-token-ttl-s", "0"], "--media-token-ttl-s must be above 0"),
        (
            ["--data-center", "--rate-limit", "5", "--rate-scope", "endpoint"],
            "the Data Center limiter is per user",
        ),
        (["--data-center", "--search-page-cap", "0"], "--search-page-cap must be 1 or more"),
        (["--ignore-range-share", "2"], "--ignore-range-share must be between 0 and 1"),
    ],
)
def test_a_flag_that_would_be_ignored_is_refused(argv, message, capsys):
    assert serve_forever(parse(*argv), threading.Event()) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("demo-site: ") and message in captured.err
    assert captured.err.count("\n") == 1 and "Demo Jira site" not in captured.out


def test_a_served_site_limits_one_endpoint_and_issue_writes():
    flags = ["--rate-limit", "100", "--burst", "50", "--rate-scope", "endpoint"]
    flags += ["--endpoint-rate", "GET /rest/api/3/myself=0.5/2", "--issue-write-limit", "2/30"]
    with (
        served(*flags) as (url, _),
        httpx.Client(base_url=url, auth=("demo@example.com", "demo-token"), timeout=10) as c,
    ):
        assert [c.get("/rest/api/3/myself").status_code for _ in range(3)] == [200, 200, 429]
        assert c.get("/rest/api/3/serverInfo").status_code == 200  # its own budget
        key = "OPS-1"
        text = {"type": "paragraph", "content": [{"type": "text", "text": "checked"}]}
        body = {"body": {"type": "doc", "version": 1, "content": [text]}}
        codes = [c.post(f"/rest/api/3/issue/{key}/comment", json=body).status_code for _ in "abc"]
        assert codes == [201, 201, 429]


def test_a_served_site_has_the_permission_ttl_and_viewer_asked_for():
    flags = ["--delete-permission", "none", "--media-token-ttl-s", "3"]
    flags += ["--viewer-email", "auditor@example.com", "--viewer-token", "look-only"]
    with served(*flags) as (url, banner):
        assert "auditor@example.com / look-only" in banner
        with httpx.Client(base_url=url, auth=("auditor@example.com", "look-only")) as viewer:
            me = viewer.get("/rest/api/3/myself")
            assert me.status_code == 200 and me.json()["emailAddress"] == "auditor@example.com"
        data = generate_site(seed=11, issues=60)
        aid = next(
            data.attachment_id(j)
            for j in range(data.attachment_count)
            if data.download_status(j) == 200 and data.attachment_size(j) > 0
        )
        with httpx.Client(base_url=url, auth=("demo@example.com", "demo-token")) as c:
            refused = c.delete(f"/rest/api/3/attachment/{aid}")
            assert refused.status_code == 403  # --delete-permission none
            link = c.get(f"/rest/api/3/attachment/content/{aid}").headers["location"]
        assert httpx.get(link).content == data.read(aid)
        # A link lives more than TTL - 1 s (its expiry is whole seconds), never more than TTL.
        time.sleep(3.5)
        assert httpx.get(link).status_code == 401  # the link outlived --media-token-ttl-s 3


def test_a_served_data_center_site():
    flags = ["--data-center", "--password", "s3cret", "--search-page-cap", "20"]
    flags += ["--search-window", "50", "--rate-limit", "100", "--burst", "30"]
    with served(*flags) as (url, banner):
        assert "Data Center" in banner and "demo (or demo@example.com) / s3cret" in banner
        pat = {"Authorization": "Bearer demo-token"}
        info = httpx.get(f"{url}/rest/api/2/serverInfo").json()
        assert info["deploymentType"] == "Server"
        with httpx.Client(base_url=url, headers=pat) as c:
            page = c.get("/rest/api/2/search", params={"maxResults": 100})
            assert page.json()["maxResults"] == 20 and page.json()["total"] == 60
            assert page.headers["X-RateLimit-Limit"] == "30"
            assert page.headers["X-RateLimit-FillRate"] == "100"
            assert c.get("/rest/api/2/search", params={"startAt": 40}).status_code == 500
        assert httpx.get(f"{url}/rest/api/2/myself", auth=("demo", "s3cret")).status_code == 200
        assert httpx.get(f"{url}/rest/api/2/myself", auth=("demo", "demo-token")).status_code == 401
    _, options, _ = options_from_args(parse("--data-center", "--ignore-range-share", "0.25"))
    assert options.data_center and options.ignore_range_share == 0.25
    assert options.search_page_cap == 1000 and options.search_window == 10_000

"""The command line on a Jira Data Center site (the demo's Data Center mode), as users run it:
a personal access token when no email is given, Basic with --user, a cleanup with an archive,
and the HTML report's Cloud storage section."""

from __future__ import annotations

import pytest
from helpers.cli import aa, stored_scans

from aa_tui.demo.server import DemoOptions, DemoServer


@pytest.fixture
def dc_site(small_site):
    with DemoServer(small_site, DemoOptions(data_center=True)) as server:
        yield server


def test_no_email_signs_in_with_a_personal_access_token(dc_site, tmp_path):
    data = tmp_path / "data"
    result = aa(
        ["scan", "--site", dc_site.base_url, "--token-stdin", "--verify", "metadata"],
        data,
        stdin=dc_site.token + "\n",
    )
    assert result.returncode == 0, result.stderr
    (info,) = stored_scans(data)
    assert info.email == "pat:"
    requests = dc_site.stats.snapshot()["requests"]
    assert not any("/rest/api/3" in k for k in requests)  # REST v2 only
    wrong = aa(["scan", "--site", dc_site.base_url, "--token-stdin"], data, stdin="nope\n")
    assert wrong.returncode == 2
    assert "refused the personal access token" in wrong.stderr and "Traceback" not in wrong.stderr
    # Basic with a wrong password: the user name or the password, not a token, was refused
    basic = aa(["scan", "--site", dc_site.base_url, "--user", dc_site.username], data, token="no")
    assert basic.returncode == 2, basic.stderr
    assert f"refused the user name {dc_site.username} or its password" in basic.stderr
    assert "token" not in basic.stderr and "Traceback" not in basic.stderr


def test_user_signs_in_with_basic_and_a_cleanup_archives_then_deletes(
    dc_site, small_site, tmp_path
):
    data = tmp_path / "data"
    scan = aa(
        ["scan", "--site", dc_site.base_url, "--user", dc_site.username],
        data,
        token=dc_site.password,
    )
    assert scan.returncode == 0, scan.stderr
    (info,) = stored_scans(data)
    assert info.email == f"user:{dc_site.username}"
    scan_id = info.id
    archive = tmp_path / "archive"
    clean = aa(
        ["clean", scan_id, "--archive", str(archive), "--yes"],
        data,
        token=dc_site.password,
    )
    assert clean.returncode == 0, clean.stderr
    assert dc_site.truth().duplicate_files == 0
    assert (
        dc_site.truth().total_files
        == small_site.truth.total_files - small_site.truth.duplicate_files
    )
    assert (archive / "manifest.jsonl").exists()
    page = tmp_path / "report.html"
    report = aa(["report", scan_id, "--html", str(page)], data)
    assert report.returncode == 0, report.stderr
    html = page.read_text()
    assert "Moving to Jira Cloud" in html and "Smallest Cloud plan" in html


def test_an_email_on_a_data_center_site_says_how_it_signs_in(dc_site, tmp_path):
    result = aa(
        ["scan", "--site", dc_site.base_url, "--email", dc_site.email],
        tmp_path / "data",
        token=dc_site.token + "-wrong",
    )
    assert result.returncode == 2, result.stderr
    assert "signs in with a personal access token (no email)" in result.stderr
    assert "Traceback" not in result.stderr

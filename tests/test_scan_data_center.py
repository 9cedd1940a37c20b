"""Integration: aa-tui's Data Center client and the engine against the demo's Data Center mode,
over real HTTP into a real store: the same exactness as Cloud, pages past 10,000 results, each
candidate file read in one request where it can be, and the sign-in kinds."""

from __future__ import annotations

import pytest
from helpers.scanning import assert_matches_truth, fast_governor, run_scan

from aa_tui.demo import DemoOptions, DemoServer, generate_site
from aa_tui.jira.auth import PersonalAccessToken, UserPassword
from aa_tui.jira.connect import connect
from aa_tui.jira.datacenter.client import DataCenterClient
from aa_tui.jira.errors import AuthError, NotJiraError
from aa_tui.jira.protocol import Deployment, JiraSite
from aa_tui.model.enums import Phase
from aa_tui.model.errors import Cancelled
from aa_tui.scan.whole_read import WHOLE_READ_MAX

DC = DemoOptions(data_center=True)


def dc_client(server, auth=None) -> DataCenterClient:
    client = connect(
        server.base_url, auth or PersonalAccessToken(server.token), governor=fast_governor()
    )
    assert isinstance(client, DataCenterClient) and isinstance(client, JiraSite)
    return client


@pytest.fixture
def dc_server(small_site):
    with DemoServer(small_site, DC) as server:
        yield server


def reads(server) -> int:
    return sum(
        n for k, n in server.stats.snapshot()["requests"].items() if "/secure/attachment" in k
    )


def test_an_exact_scan_of_a_data_center_site_finds_exactly_the_truth(dc_server, small_site, store):
    outcome = run_scan(dc_server, store, client=dc_client(dc_server))
    assert_matches_truth(outcome, small_site.truth)
    assert outcome.summary["scan"]["deployment"] in ("DataCenter", "Server")
    # One request per same-size candidate, and a second only for big files whose heads match.
    records = store.load_attachments(outcome.info.id)
    sizes = {r["attachment_id"]: r["size"] for r in records}
    candidates = [aid for aid, s in sizes.items() if s > 0 and list(sizes.values()).count(s) > 1]
    big_alike = {aid for g in small_site.truth.groups for aid in g if sizes[aid] > WHOLE_READ_MAX}
    print(len(candidates), len(big_alike), reads(dc_server))
    assert big_alike  # the site has big copies: their heads are read first
    assert len(candidates) <= reads(dc_server) <= len(candidates) + len(big_alike) + 1


def test_a_scan_with_basic_sign_in_and_a_server_that_ignores_range(small_site, store):
    with DemoServer(small_site, DemoOptions(data_center=True, ignore_range_share=0.5)) as server:
        client = dc_client(server, UserPassword(server.username, server.password))
        outcome = run_scan(server, store, client=client)
    assert_matches_truth(outcome, small_site.truth)


def test_the_listing_pages_past_10000_results(store):
    site = generate_site(seed=3, issues=12_000)
    with DemoServer(site, DC) as server:
        outcome = run_scan(server, store, client=dc_client(server), verify="metadata")
        searches = server.stats.snapshot()["requests"]
    assert outcome.summary["totals"]["issues_scanned"] == site.truth.issues_with_attachments
    assert outcome.summary["totals"]["total_files"] == site.truth.total_files
    assert not any(k.startswith("GET /rest/api/3") or "bulkfetch" in k for k in searches)


def test_sign_in_kinds_and_what_is_refused(dc_server, small_site):
    with dc_client(dc_server) as client:
        assert client.myself().account_id
        assert client.server_info().deployment in (Deployment.DATA_CENTER, Deployment.SERVER)
    refused = pytest.raises(AuthError, match="refused the personal access token")
    with dc_client(dc_server, PersonalAccessToken("not-a-token")) as client, refused:
        client.myself()
    cloud_site = pytest.raises((NotJiraError, AuthError))
    with DemoServer(small_site, DemoOptions()) as cloud, dc_client(cloud) as client, cloud_site:
        client.server_info()


FAULTS = {
    "fault_5xx": 0.05,
    "fault_429_burst": 0.005,
    "fault_cut_download": 0.05,
    "fault_slow": 0.05,
    "slow_s": 0.3,
    "fault_bad_json": 0.25,
}


def test_a_faulty_data_center_site_gives_exactly_the_truth(store):
    site = generate_site(seed=5, issues=200)
    options = DemoOptions(data_center=True, ignore_range_share=0.3, **FAULTS)
    with DemoServer(site, options) as server:
        outcome = run_scan(server, store, client=dc_client(server), email="pat:")
        stats = server.stats.snapshot()
    assert_matches_truth(outcome, site.truth)
    assert stats["errors_5xx"] > 0 and stats["cut_downloads"] > 0  # the faults happened
    assert outcome.summary["totals"]["retries"] > 0


@pytest.mark.parametrize("phase", [Phase.FETCHING, Phase.HEADS, Phase.HASHING])
def test_a_scan_stopped_in_each_phase_resumes_to_exactly_the_truth(
    dc_server, small_site, store, phase
):
    client = dc_client(dc_server)
    seen: list[Phase] = []

    def stop_there(progress) -> None:
        seen.append(progress.phase)
        if progress.phase is phase and (progress.done or phase is Phase.HASHING):
            client.cancel.set()

    with pytest.raises(Cancelled):
        run_scan(dc_server, store, client=client, email="pat:", listener=stop_there)
    assert phase in seen
    outcome = run_scan(dc_server, store, client=dc_client(dc_server), email="pat:", resume=True)
    assert_matches_truth(outcome, small_site.truth)

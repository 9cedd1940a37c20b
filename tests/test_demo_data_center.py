"""The demo site's Jira Data Center mode over real HTTP: startAt search with its page cap and
the deep-paging failure, id-range paging through 30,000 issues, PAT and Basic sign-in, bytes
from /secure/attachment (206, or 200 where Range is ignored), writes, and the per-user rate
limiter's headers and 429s. The same generated data and truth as the Cloud mode."""

from __future__ import annotations

import httpx
import pytest

from aa_tui.demo import DemoOptions, DemoServer, generate_site
from aa_tui.demo.endpoints.datacenter import search_limit_message

DC = DemoOptions(data_center=True)


@pytest.fixture(scope="module")
def data():
    return generate_site(seed=11, issues=400)


@pytest.fixture(scope="module")
def server(data):
    with DemoServer(data, DC) as srv:
        yield srv


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture()
def client(server):
    with httpx.Client(base_url=server.base_url, headers=bearer(server.token), timeout=30) as c:
        yield c


def _serve(data, **options) -> DemoServer:
    return DemoServer(data, DemoOptions(data_center=True, **options))


def _id_range_pages(c: httpx.Client, scope: str, fields: str) -> tuple[list[dict], int]:
    """Every issue of ``scope`` by id ranges (``id > LAST ORDER BY id ASC``); and the pages."""
    issues: list[dict] = []
    pages, last = 0, 0
    while True:
        jql = (
            f"({scope}) AND id > {last} ORDER BY id ASC"
            if scope
            else f"id > {last} ORDER BY id ASC"
        )
        r = c.get("/rest/api/2/search", params={"jql": jql, "fields": fields, "maxResults": 5000})
        assert r.status_code == 200, r.text[:300]
        page = r.json()
        assert page["startAt"] == 0 and page["maxResults"] == 1000  # the server's cap
        pages += 1
        if not page["issues"]:
            return issues, pages
        issues += page["issues"]
        last = int(page["issues"][-1]["id"])


# ---- search -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big():
    """30,000 issues, served in Data Center mode (generated in a fraction of a second)."""
    with DemoServer(generate_site(seed=3, issues=30_000), DC) as srv:
        yield srv


def test_deep_paging_fails_past_10000_results_as_opensearch_sites_answer(big):
    with httpx.Client(base_url=big.base_url, headers=bearer(big.token), timeout=30) as c:
        first = c.get("/rest/api/2/search", params={"fields": "id", "maxResults": 1000}).json()
        assert first["total"] == 30_000 and len(first["issues"]) == 1000
        last_good = c.get("/rest/api/2/search", params={"startAt": 9000, "maxResults": 1000})
        assert last_good.status_code == 200 and len(last_good.json()["issues"]) == 1000
        for start, size, asked in (
            (10_000, 1000, 11_000),
            (9_950, 100, 10_050),
            (20_000, 50, 20_050),
        ):
            r = c.get("/rest/api/2/search", params={"startAt": start, "maxResults": size})
            assert r.status_code == 500, (start, size)
            assert r.json()["message"] == search_limit_message(asked, 10_000)
            assert "10,000" in r.json()["message"] and "referral number" in r.json()["stack-trace"]
        post = c.post("/rest/api/2/search", json={"jql": "", "startAt": 10_000, "maxResults": 10})
        assert post.status_code == 500


def test_id_range_paging_reaches_all_30000_issues(big):
    before = big.stats.snapshot()["requests"].get("GET /rest/api/2/search", 0)
    with httpx.Client(base_url=big.base_url, headers=bearer(big.token), timeout=30) as c:
        issues, pages = _id_range_pages(c, "", "id")
    ids = [int(x["id"]) for x in issues]
    assert ids == list(range(10_000, 40_000))  # every issue once, in id order
    assert pages == 31  # 30 full pages of 1000, then the empty one that ends it
    assert big.stats.snapshot()["requests"]["GET /rest/api/2/search"] - before == 31


def test_a_smaller_window_and_page_cap(data):
    with (
        _serve(data, search_page_cap=50, search_window=120) as srv,
        httpx.Client(base_url=srv.base_url, headers=bearer(srv.token)) as c,
    ):
        page = c.get("/rest/api/2/search", params={"maxResults": 1000, "startAt": 50}).json()
        assert page["maxResults"] == 50 and len(page["issues"]) == 50 and page["total"] == 400
        assert c.get("/rest/api/2/search", params={"startAt": 71}).status_code == 500
    with (
        _serve(data, search_window=0) as srv,
        httpx.Client(base_url=srv.base_url, headers=bearer(srv.token)) as c,
    ):  # 0: no window (a Lucene-backed site)
        assert c.get("/rest/api/2/search", params={"startAt": 350}).json()["issues"]


def test_startat_paging_get_and_post_with_total(client, data):
    want = [data.issue_id(i) for i in range(data.issue_count) if data.attachments_of(i)]
    got: list[str] = []
    start = 0
    while True:
        body = {
            "jql": "attachments IS NOT EMPTY",
            "startAt": start,
            "maxResults": 40,
            "fields": ["id"],
        }
        page = client.post("/rest/api/2/search", json=body).json()
        assert page["total"] == len(want) and page["startAt"] == start
        got += [x["id"] for x in page["issues"]]
        start += len(page["issues"])
        if not page["issues"] or start >= page["total"]:
            break
    assert got == want
    bad = client.post("/rest/api/2/search", json={"jql": "", "properties": ["x"]})
    assert bad.status_code == 400
    assert bad.json()["errorMessages"][0].startswith('Unrecognized field "properties"')
    assert client.get("/rest/api/2/search", params={"startAt": -1}).status_code == 400
    assert client.get("/rest/api/2/search", params={"jql": "nonsense ~~ 1"}).status_code == 400
    everything = client.get("/rest/api/latest/search", params={"maxResults": 0}).json()
    assert everything["total"] == data.issue_count and everything["issues"] == []  # unbounded


def test_jql_id_and_key_comparisons(client, data):
    def ids(jql: str) -> list[int]:
        page = client.get("/rest/api/2/search", params={"jql": jql, "maxResults": 1000}).json()
        return [int(x["id"]) - 10_000 for x in page["issues"]]

    assert ids("id > 10390 ORDER BY id ASC") == list(range(391, 400))
    assert ids("id >= 10390 AND id < 10393") == [390, 391, 392]
    assert ids("id <= 10002 ORDER BY id DESC") == [2, 1, 0]
    assert ids("id > 99999999") == []  # any number, not only an existing issue's
    ops = [i for i in range(data.issue_count) if data.issue_key(i).startswith("OPS-")]
    after = [i for i in ops if data.issue_num[i] > 7]
    assert sorted(ids("key > OPS-7")) == after
    assert client.get("/rest/api/2/search", params={"jql": "key > NOPE-1"}).status_code == 400


def test_cloud_only_endpoints_are_not_there(client, data):
    aid = data.attachment_id(0)
    for method, path, status in (
        ("GET", "/rest/api/3/myself", 404),
        ("GET", "/rest/api/3/serverInfo", 404),
        ("POST", "/rest/api/2/search/jql", 404),
        ("POST", "/rest/api/2/search/approximate-count", 404),
        ("POST", "/rest/api/2/issue/bulkfetch", 405),  # the issue resource, which is GET only
        ("GET", f"/rest/api/2/attachment/content/{aid}", 404),
        ("GET", "/rest/api/2/project/search", 404),
        ("GET", "/_edge/tenant_info", 404),
    ):
        assert client.request(method, path, json={}).status_code == status, path
    info = client.get("/rest/api/2/serverInfo").json()
    assert info["deploymentType"] == "Server" and info["versionNumbers"][0] == 9


# ---- sign-in ------------------------------------------------------------------------------


def test_pat_and_basic_are_accepted_and_anything_else_is_401(server, data):
    def myself(**kw) -> httpx.Response:
        return httpx.get(f"{server.base_url}/rest/api/2/myself", **kw)

    assert myself(headers=bearer(server.token)).json()["name"] == "demo"
    assert myself(auth=server.basic_auth).json()["name"] == "demo"
    assert myself(auth=(server.email, server.password)).json()["name"] == "demo"  # Cloud-style
    viewer = myself(headers=bearer(server.viewer_token)).json()
    assert viewer["name"] == "viewer" and "accountId" not in viewer
    for kw in (
        {"headers": bearer("wrong")},
        {"headers": bearer(server.expired_token)},
        {"headers": {"Authorization": server.token}},
        {"auth": ("demo", "wrong")},
        {"auth": ("someone", server.password)},
        {},
    ):
        r = myself(**kw)
        assert r.status_code == 401, kw
    assert myself(auth=("demo", "wrong")).headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"
    assert httpx.get(f"{server.base_url}/rest/api/2/serverInfo").status_code == 200  # anonymous
    assert httpx.get(f"{server.base_url}/rest/api/2/field").status_code == 401


def test_a_pat_is_not_a_basic_password_when_the_password_differs(data):
    with _serve(data) as srv:
        srv.password = "s3cret"
        url = f"{srv.base_url}/rest/api/2/myself"
        assert httpx.get(url, auth=("demo", srv.token)).status_code == 401
        assert httpx.get(url, auth=("demo", "s3cret")).status_code == 200
        assert httpx.get(url, headers=bearer(srv.token)).status_code == 200


# ---- bytes --------------------------------------------------------------------------------


def _readable(data) -> list[int]:
    return [
        j
        for j in range(data.attachment_count)
        if data.download_status(j) == 200 and data.attachment_size(j) > 64
    ]


def test_bytes_come_from_secure_attachment_with_range_206(client, data, server):
    issue = client.get(
        f"/rest/api/2/issue/{data.issue_key(data.att_issue[_readable(data)[0]])}"
    ).json()
    att = issue["fields"]["attachment"][0]
    j = int(att["id"]) - 30_000
    assert att["content"].startswith(f"{server.base_url}/secure/attachment/{att['id']}/")
    whole = client.get(att["content"])
    assert whole.status_code == 200 and whole.content == data.read(att["id"])
    head = client.get(att["content"], headers={"Range": "bytes=0-15"})
    assert head.status_code == 206 and head.content == data.read(att["id"], 0, 16)
    size = data.attachment_size(j)
    assert head.headers["Content-Range"] == f"bytes 0-15/{size}"
    tail = client.get(att["content"], headers={"Range": "bytes=-8"})
    assert tail.status_code == 206 and tail.content == data.read(att["id"], size - 8)
    assert client.head(att["content"]).headers["Content-Length"] == str(size)
    assert server.stats.snapshot()["media_requests"] == 0  # no media host in Data Center
    gone = sorted(data.truth.unreadable_404)[0]
    assert client.get(f"/secure/attachment/{gone}/x").status_code == 404
    denied = sorted(data.truth.unreadable_403)[0]
    assert client.get(f"/secure/attachment/{denied}/x").status_code == 403
    assert client.get("/secure/attachment/99999999/x").status_code == 404
    assert httpx.get(att["content"]).status_code == 401


def test_the_200_only_switch_site_wide_and_per_file(data):
    readable = _readable(data)
    with _serve(data, ignore_range=True) as srv, httpx.Client(headers=bearer(srv.token)) as c:
        aid = data.attachment_id(readable[0])
        r = c.get(f"{srv.base_url}/secure/attachment/{aid}/f", headers={"Range": "bytes=0-9"})
        assert r.status_code == 200 and r.content == data.read(aid)
    with _serve(data, ignore_range_share=0.5) as srv, httpx.Client(headers=bearer(srv.token)) as c:
        statuses = {}
        for j in readable[:40]:
            aid = data.attachment_id(j)
            r = c.get(f"{srv.base_url}/secure/attachment/{aid}/f", headers={"Range": "bytes=0-9"})
            statuses[j] = r.status_code
            assert r.content == (data.read(aid) if r.status_code == 200 else data.read(aid, 0, 10))
        assert set(statuses.values()) == {200, 206}
        assert all((s == 200) == srv.ignores_range(j) for j, s in statuses.items())
        again = c.get(
            f"{srv.base_url}/secure/attachment/{data.attachment_id(readable[0])}/f",
            headers={"Range": "bytes=0-9"},
        )
        assert again.status_code == statuses[readable[0]]  # fixed per file


# ---- writes -------------------------------------------------------------------------------


def test_writes_delete_comment_upload_and_permissions(data):
    with _serve(data) as srv, httpx.Client(base_url=srv.base_url, headers=bearer(srv.token)) as c:
        j = _readable(data)[3]
        aid, key = data.attachment_id(j), data.issue_key(data.att_issue[j])
        assert c.delete(f"/rest/api/2/attachment/{aid}").status_code == 204
        assert c.get(f"/secure/attachment/{aid}/f").status_code == 404
        assert c.delete(f"/rest/api/2/attachment/{aid}").status_code == 404
        assert srv.truth() == data.truth_for(exclude=[aid])
        made = c.post(f"/rest/api/2/issue/{key}/comment", json={"body": "Removed: a *copy*."})
        assert made.status_code == 201 and made.json()["body"] == "Removed: a *copy*."
        adf = {"type": "doc", "version": 1, "content": []}
        assert c.post(f"/rest/api/2/issue/{key}/comment", json={"body": adf}).status_code == 400
        files = {"file": ("back.txt", b"restored bytes", "text/plain")}
        refused = c.post(f"/rest/api/2/issue/{key}/attachments", files=files)
        assert refused.status_code == 403  # no X-Atlassian-Token
        up = c.post(
            f"/rest/api/2/issue/{key}/attachments",
            files=files,
            headers={"X-Atlassian-Token": "no-check"},
        ).json()[0]
        assert "/secure/attachment/" in up["content"]
        assert c.get(up["content"]).content == b"restored bytes"
        perms = c.get("/rest/api/2/mypermissions", params={"projectKey": key.split("-")[0]})
        assert perms.json()["permissions"]["DELETE_ALL_ATTACHMENTS"]["havePermission"] is True
        viewer = bearer(srv.viewer_token)
        other = data.attachment_id(_readable(data)[5])
        assert c.delete(f"/rest/api/2/attachment/{other}", headers=viewer).status_code == 403


def test_same_truth_as_the_cloud_mode(data, client):
    with DemoServer(data) as cloud:
        assert cloud.truth() == DemoServer(data, DC).truth()
    issues, _pages = _id_range_pages(client, "attachments IS NOT EMPTY", "attachment")
    seen = {a["id"]: a["size"] for x in issues for a in x["fields"]["attachment"]}
    assert set(seen) == {data.attachment_id(j) for j in range(data.attachment_count)}
    assert sum(seen.values()) == data.truth.total_size


# ---- the rate limiter ---------------------------------------------------------------------


def test_rate_headers_on_every_answer_and_429_with_retry_after_per_user(data):
    with _serve(data, rate_limit_rps=2, burst=5) as srv:
        with httpx.Client(base_url=srv.base_url, headers=bearer(srv.token)) as c:
            ok = c.get("/rest/api/2/myself")
            assert ok.status_code == 200
            assert ok.headers["X-RateLimit-Limit"] == "5"
            assert ok.headers["X-RateLimit-Remaining"] == "4"
            assert ok.headers["X-RateLimit-Interval-Seconds"] == "1"
            assert ok.headers["X-RateLimit-FillRate"] == "2"
            # a file's bytes too: a streamed answer, on the same user's bucket
            aid = 30_000 + _readable(data)[0]
            file = c.get(f"/secure/attachment/{aid}/x", headers={"Range": "bytes=0-3"})
            assert file.status_code == 206, file.status_code
            assert file.headers["X-RateLimit-Remaining"] == "3"
            assert file.headers["X-RateLimit-FillRate"] == "2"
            answers = [c.get("/rest/api/2/field") for _ in range(12)]
            throttled = [r for r in answers if r.status_code == 429]
            assert throttled, [r.status_code for r in answers]
            r = throttled[0]
            assert int(r.headers["Retry-After"]) >= 1 and r.headers["X-RateLimit-Remaining"] == "0"
            assert r.headers["X-RateLimit-FillRate"] == "2" and "RateLimit-Reason" not in r.headers
            viewer = c.get("/rest/api/2/myself", headers=bearer(srv.viewer_token))
            assert viewer.status_code == 200  # the viewer has a bucket of its own
            assert httpx.get(f"{srv.base_url}/rest/api/2/serverInfo").status_code == 200
        assert srv.stats.snapshot()["throttled"] == len(throttled)
    with _serve(data, rate_limit_rps=0.25, burst=1) as srv:
        r = httpx.get(f"{srv.base_url}/rest/api/2/myself", headers=bearer(srv.token))
        assert (r.headers["X-RateLimit-Interval-Seconds"], r.headers["X-RateLimit-FillRate"]) == (
            "4",
            "1",
        )


# ---- how it is started --------------------------------------------------------------------


def test_demo_site_option_of_the_service_starts_a_data_center_site():
    from aa_tui.service.demo import DemoSite

    for in_process in (True, False):
        with DemoSite(issues=30, seed=5, in_process=in_process, data_center=True) as site:
            assert site.server is not None
            url = f"{site.server.base_url}/rest/api/2/serverInfo"
            assert httpx.get(url).json()["deploymentType"] == "Server"
            r = httpx.get(
                site.server.base_url + "/rest/api/2/search", headers=bearer(site.server.token)
            )
            assert r.json()["total"] == 30


def test_faults_reach_the_data_center_mode(data):
    aid = data.attachment_id(_readable(data)[0])
    with _serve(data, fault_5xx=1.0) as srv, httpx.Client(headers=bearer(srv.token)) as c:
        assert c.get(f"{srv.base_url}/rest/api/2/myself").status_code in (500, 502, 503)
    with _serve(data, fault_429_burst=1.0) as srv, httpx.Client(headers=bearer(srv.token)) as c:
        r = c.get(f"{srv.base_url}/rest/api/2/myself")
        assert r.status_code == 429 and r.headers["Retry-After"] == "1"
        assert "X-RateLimit-Interval-Seconds" in r.headers and "RateLimit-Reason" not in r.headers
    with _serve(data, fault_cut_download=1.0) as srv, httpx.Client(headers=bearer(srv.token)) as c:
        with pytest.raises(httpx.HTTPError):
            c.get(f"{srv.base_url}/secure/attachment/{aid}/f")
        assert srv.stats.snapshot()["cut_downloads"] == 1

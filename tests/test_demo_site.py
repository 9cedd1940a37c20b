"""The embedded demo Jira site over real HTTP on 127.0.0.1 (no mocks)."""

from __future__ import annotations

import argparse
import calendar
import contextlib
import hashlib
import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aa_tui.demo import DemoOptions, DemoServer, generate_site
from aa_tui.demo.cli_options import add_demo_site_arguments, options_from_args, serve_forever
from aa_tui.demo.generator import SMALL, TRAP_KINDS
from aa_tui.demo.jql import UNBOUNDED_MESSAGE
from aa_tui.demo.params import INVALID_PAYLOAD

SEARCH = "/rest/api/3/search/jql"
JQL = "attachments IS NOT EMPTY"


@pytest.fixture(scope="module")
def data():
    return generate_site(seed=7, issues=300)


@pytest.fixture(scope="module")
def server(data):
    with DemoServer(data) as srv:
        yield srv


@pytest.fixture(scope="module")
def media():
    """A client for the media origin: it never carries Jira credentials."""
    with httpx.Client(timeout=10) as c:
        yield c


@pytest.fixture()
def client(server):
    with httpx.Client(base_url=server.base_url, auth=server.auth, timeout=10) as c:
        yield c


def _serve(data, **options) -> DemoServer:
    return DemoServer(data, DemoOptions(**options))


def _download(client: httpx.Client, media_client: httpx.Client, aid: str) -> bytes:
    """Follow the 303 to the media origin without sending credentials there."""
    r = client.get(f"/rest/api/3/attachment/content/{aid}")
    assert r.status_code == 303, r.text
    media = media_client.get(r.headers["location"])
    assert media.status_code == 200
    return media.content


def _page_all(client, method: str, jql: str, size: int, fields=None) -> list[str]:
    ids, token, seen = [], None, set()
    while True:
        if method == "GET":
            params = {"jql": jql, "maxResults": size}
            if fields:
                params["fields"] = ",".join(fields)
            if token:
                params["nextPageToken"] = token
            r = client.get(SEARCH, params=params)
        else:
            body = {"jql": jql, "maxResults": size}
            if fields:
                body["fields"] = fields
            if token:
                body["nextPageToken"] = token
            r = client.post(SEARCH, json=body)
        assert r.status_code == 200, r.text
        page = r.json()
        assert "total" not in page and "startAt" not in page
        ids += [i["id"] for i in page["issues"]]
        token = page.get("nextPageToken")
        if token is None:
            assert page["isLast"] is True
            return ids
        assert page["isLast"] is False and token not in seen
        seen.add(token)


# ---- generator and truth --------------------------------------------------------------------


def test_same_seed_same_site_and_truth():
    a, b = generate_site(seed=3, issues=400), generate_site(seed=3, issues=400)
    assert a.truth.groups == b.truth.groups
    assert (a.truth.total_files, a.truth.total_size) == (b.truth.total_files, b.truth.total_size)
    assert a.att_name == b.att_name
    assert a.read("30005", 0, 5000) == b.read("30005", 0, 5000)
    c = generate_site(seed=4, issues=400)
    assert c.truth.groups != a.truth.groups


def test_truth_counts_and_rules():
    data = generate_site(seed=7, issues=3000)
    t = data.truth
    assert 150 <= t.duplicate_groups <= 400
    assert t.total_files == data.attachment_count
    assert t.total_size == sum(data.attachment_size(j) for j in range(data.attachment_count))
    assert t.duplicate_files == sum(len(g) - 1 for g in t.groups)
    assert t.duplicate_size == sum((len(g) - 1) * t.group_size[g] for g in t.groups)
    assert t.unreadable_403 and t.unreadable_404
    assert 0.25 < t.issues_with_attachments / t.total_issues < 0.42
    members = set().union(*t.groups)
    assert not members & t.unreadable
    zero = [
        data.attachment_id(j) for j in range(data.attachment_count) if not data.attachment_size(j)
    ]
    assert len(zero) == t.zero_byte_files >= 3 and not members & set(zero)
    zero_names = [data.att_name[int(a) - 30000] for a in zero]
    assert len(set(zero_names)) < len(zero_names)  # equal names, still no group
    for g in t.groups:
        specs = {data.spec(a) for a in g}
        assert len(specs) == 1 and len(g) >= 2 and t.group_size[g] > 0
    assert t.small_copy_groups >= 1  # exact copies under 4 KiB are real duplicates
    projects_per_group = [
        {data.issue_project[data.att_issue[int(a) - 30000]] for a in g} for g in t.groups
    ]
    assert any(len(p) > 1 for p in projects_per_group)  # copies across projects
    renamed = [g for g in t.groups if len({data.att_name[int(a) - 30000] for a in g}) > 1]
    assert renamed
    # All trap kinds are present, and no trap pair ever shares a group.
    assert {trap.kind for trap in t.traps} == set(TRAP_KINDS)
    for trap in t.traps:
        g = t.group_of(trap.original)
        assert g is None or trap.variant not in g


def test_traps_differ_where_they_claim(data):
    big = generate_site(seed=7, issues=3000)
    seen = set()
    for trap in big.truth.traps:
        a, b = big.spec(trap.original), big.spec(trap.variant)
        assert a.size == b.size and a != b
        assert big.att_name[int(trap.original) - 30000] == big.att_name[int(trap.variant) - 30000]
        ra, rb = big.read(trap.original), big.read(trap.variant)
        assert ra != rb
        head, tail = 64 * 1024, 64 * 1024
        if trap.kind == "tail_differs":
            assert ra[:head] == rb[:head] and ra[-1] != rb[-1]
        elif trap.kind == "head_differs":
            assert ra[-tail:] == rb[-tail:] and ra[0] != rb[0]
        elif trap.kind == "middle_differs":
            assert ra[:head] == rb[:head] and ra[-tail:] == rb[-tail:]
        elif trap.kind == "small_near_copy":
            assert a.size < SMALL
        elif trap.kind == "same_name_size":
            assert ra[:32] != rb[:32]
        seen.add(trap.kind)
    assert seen == set(TRAP_KINDS)


def test_read_is_random_access_and_streams(data):
    aid = max(
        (data.attachment_id(j) for j in range(data.attachment_count)),
        key=lambda a: data.spec(a).size,
    )
    size = data.spec(aid).size
    whole = data.read(aid)
    assert len(whole) == size
    assert data.read(aid, 70_000, 200_000) == whole[70_000:200_000]
    assert b"".join(data.iter_bytes(aid, 5, size - 5)) == whole[5:-5]
    assert data.read(aid, size - 3, size + 100) == whole[-3:]


# ---- search ---------------------------------------------------------------------------------


def test_paging_with_tokens_get_and_post(client, data):
    expected = [data.issue_id(i) for i in range(data.issue_count) if len(data.attachments_of(i))]
    assert _page_all(client, "POST", JQL, 7) == expected
    assert _page_all(client, "GET", JQL, 13) == expected
    assert _page_all(client, "POST", JQL, 5000) == expected
    # Pages with fields are capped at 100 whatever maxResults says.
    everything = 'created <= "2030-01-01"'
    r = client.post(SEARCH, json={"jql": everything, "maxResults": 500, "fields": ["summary"]})
    assert len(r.json()["issues"]) == 100 and r.json()["nextPageToken"]
    ids_only = client.post(SEARCH, json={"jql": everything, "maxResults": 500}).json()
    assert ids_only["issues"][0] == {"id": ids_only["issues"][0]["id"]}
    assert len(ids_only["issues"]) > 100


def test_token_is_bound_to_its_query(client):
    page = client.post(SEARCH, json={"jql": JQL, "maxResults": 5}).json()
    r = client.post(SEARCH, json={"jql": "project = OPS", "nextPageToken": page["nextPageToken"]})
    assert r.status_code == 400
    r = client.get(SEARCH, params={"jql": JQL, "nextPageToken": "garbage"})
    assert r.status_code == 400


def test_post_rejects_unknown_keys_startat_included(client):
    for body in (
        {"jql": JQL, "startAt": 0},
        {"jql": JQL, "foo": 1},
        {"jql": JQL, "maxResults": "5"},
    ):
        r = client.post(SEARCH, json=body)
        assert r.status_code == 400
        assert r.json()["errorMessages"] == [INVALID_PAYLOAD]
    # GET ignores startAt.
    assert client.get(SEARCH, params={"jql": JQL, "startAt": 10}).status_code == 200


def test_unbounded_jql_and_bad_max_results(client):
    for jql in ("", "ORDER BY created DESC", "order by key"):
        r = client.post(SEARCH, json={"jql": jql})
        assert r.status_code == 400 and r.json()["errorMessages"] == [UNBOUNDED_MESSAGE]
        r = client.post("/rest/api/3/search/approximate-count", json={"jql": jql})
        assert r.status_code == 400
    for size in (0, -1, 5001):
        assert client.post(SEARCH, json={"jql": JQL, "maxResults": size}).status_code == 400


@pytest.mark.parametrize(
    "jql",
    [
        "foo = bar",
        "project = NOPE",
        "created > 'garbage'",
        "attachments IS NOT EMPTY OR",
        "project = OPS AND (status = Done",
        "project = OPS status = Done",
        "key = NOPE-1",
        "issuekey in (OPS-1, NOPE-2)",
        "status = Nope",
        "statusCategory = nope",
        "NOT",
        'project = "OPS',
        "project in (OPS",
        "ORDER BY nonsense",
        "attachments IS NOT EMPTY ORDER BY summary",
        "created >= startOfDay()",
    ],
)
def test_bad_jql_is_a_400(client, jql):
    r = client.post(SEARCH, json={"jql": jql})
    assert r.status_code == 400 and r.json()["errorMessages"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(jql=st.text(max_size=40))
def test_any_jql_answers_200_or_400(client, jql):
    assert client.post(SEARCH, json={"jql": jql, "maxResults": 1}).status_code in (200, 400)


def test_jql_subset_semantics(client, data):
    from aa_tui.demo.jql import parse_date

    since = parse_date("2025-01-01", "created")
    jql = 'project in (OPS, "web") AND created >= "2025-01-01" AND attachments IS NOT EMPTY'
    got = _page_all(client, "POST", jql, 50)
    want = [
        data.issue_id(i)
        for i in range(data.issue_count)
        if data.issue_key(i).split("-")[0] in ("OPS", "WEB")
        and data.issue_created[i] >= since
        and len(data.attachments_of(i))
    ]
    assert got == want and got
    count = client.post("/rest/api/3/search/approximate-count", json={"jql": jql}).json()
    assert count == {"count": len(want)}
    page = client.post(
        SEARCH,
        json={
            "jql": "project = FIN ORDER BY created DESC",
            "fields": ["created"],
            "maxResults": 100,
        },
    ).json()
    created = [i["fields"]["created"] for i in page["issues"]]
    assert created == sorted(created, reverse=True)
    recent = _page_all(client, "GET", "updated >= -30d", 100)
    assert len(recent) < data.issue_count


def test_jql_or_not_status_category_and_keys(client, data):
    from aa_tui.demo import catalog as cat

    def ids(pred) -> list[str]:
        return [data.issue_id(i) for i in range(data.issue_count) if pred(i)]

    def project(i):
        return cat.PROJECTS[data.issue_project[i]].key

    def status(i):
        return cat.STATUSES[data.issue_status[i]]

    def has_files(i):
        return len(data.attachments_of(i)) > 0

    keys = [data.issue_key(i) for i in (5, 17, 40)]
    cases = {
        "project = OPS OR project = WEB": ids(lambda i: project(i) in ("OPS", "WEB")),
        "NOT project = OPS AND attachments IS NOT EMPTY": ids(
            lambda i: project(i) != "OPS" and has_files(i)
        ),
        # AND binds tighter than OR, as in Jira.
        "project = FIN OR project = HR AND attachments IS EMPTY": ids(
            lambda i: project(i) == "FIN" or (project(i) == "HR" and not has_files(i))
        ),
        "(project = FIN OR project = HR) AND attachments IS EMPTY": ids(
            lambda i: project(i) in ("FIN", "HR") and not has_files(i)
        ),
        'status = "In Progress"': ids(lambda i: status(i).name == "In Progress"),
        "status in (Done, 6) AND attachments IS NOT EMPTY": ids(
            lambda i: status(i).id in ("10004", "6") and has_files(i)
        ),
        "status != Done": ids(lambda i: status(i).name != "Done"),
        "statusCategory = Done": ids(lambda i: status(i).category == "done"),
        'statusCategory in ("To Do", indeterminate)': ids(
            lambda i: status(i).category in ("new", "indeterminate")
        ),
        "statusCategory != 3": ids(lambda i: status(i).category != "done"),
        f"key = {keys[0]}": [data.issue_id(5)],
        f"issuekey in ({', '.join(keys)})": [data.issue_id(i) for i in (5, 17, 40)],
        f"key not in ({keys[0]}) AND project = {keys[0].split('-')[0]}": ids(
            lambda i: i != 5 and project(i) == keys[0].split("-")[0]
        ),
        f"issue = {data.issue_id(17)} OR id = {data.issue_id(40)}": [
            data.issue_id(17),
            data.issue_id(40),
        ],
    }
    for jql, want in cases.items():
        assert want, jql
        assert _page_all(client, "POST", jql, 5000) == want, jql
    got = _page_all(client, "GET", f"key in ({', '.join(keys)}) ORDER BY key DESC", 10)
    by_key = sorted((5, 17, 40), key=lambda i: (project(i), data.issue_num[i]), reverse=True)
    assert got == [data.issue_id(i) for i in by_key]


def test_old_search_is_gone(client):
    assert client.get("/rest/api/3/search", params={"jql": JQL}).status_code == 410
    assert client.post("/rest/api/3/search", json={"jql": JQL}).status_code == 410
    assert client.get("/rest/api/3/nope").status_code == 404


# ---- bulkfetch ------------------------------------------------------------------------------


def test_bulkfetch_order_and_errors(client, data):
    ids = [data.issue_id(i) for i in (40, 3, 17)]
    body = {
        "issueIdsOrKeys": [*ids, "99999999", data.issue_key(8), "NOPE-1"],
        "fields": ["attachment", "status", "project", "updated", "created", "summary"],
    }
    r = client.post("/rest/api/3/issue/bulkfetch", json=body)
    assert r.status_code == 200
    got = [i["id"] for i in r.json()["issues"]]
    assert got == sorted({*ids, data.issue_id(8)}, key=int)
    assert {e["id"] for e in r.json()["issueErrors"]} == {"99999999", "NOPE-1"}
    issue = r.json()["issues"][0]
    assert issue["fields"]["status"]["statusCategory"]["key"] in ("new", "indeterminate", "done")
    for att in (a for i in r.json()["issues"] for a in i["fields"]["attachment"]):
        assert isinstance(att["id"], str) and att["content"].endswith("/content/" + att["id"])
    too_many = {"issueIdsOrKeys": [str(10000 + i) for i in range(101)]}
    assert client.post("/rest/api/3/issue/bulkfetch", json=too_many).status_code == 400
    assert (
        client.post("/rest/api/3/issue/bulkfetch", json={"issueIdsOrKeys": []}).status_code == 400
    )
    bad = {"issueIdsOrKeys": ids, "startAt": 0}
    assert client.post("/rest/api/3/issue/bulkfetch", json=bad).status_code == 400


def test_removed_authors_have_no_author(client, data):
    j = next(j for j in range(data.attachment_count) if data.att_author[j] < 0)
    meta = client.get(f"/rest/api/3/attachment/{data.attachment_id(j)}").json()
    assert "author" not in meta and meta["id"] == int(data.attachment_id(j))


# ---- bytes ----------------------------------------------------------------------------------


def test_redirect_media_origin_and_authorization_rejected(client, server, data):
    aid = next(a for g in data.truth.groups for a in g)
    r = client.get(f"/rest/api/3/attachment/content/{aid}")
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith(server.media_url + "/file/")
    before = server.stats.media_auth_header_requests
    leaked = httpx.get(location, auth=server.auth)
    assert leaked.status_code == 401
    assert server.stats.media_auth_header_requests == before + 1
    ok = httpx.get(location)
    assert ok.status_code == 200 and ok.content == data.read(aid)
    assert ok.headers["content-type"] == data.mime_type(int(aid) - 30000)
    assert httpx.get(location.replace("token=", "token=x")).status_code == 401
    direct = client.get(f"/rest/api/3/attachment/content/{aid}", params={"redirect": "false"})
    assert direct.status_code == 200 and direct.content == data.read(aid)


def test_ranges(client, media, data):
    aid = next(
        data.attachment_id(j)
        for j in range(data.attachment_count)
        if data.attachment_size(j) > 100_000 and not data.att_flag[j]
    )
    size = data.spec(aid).size
    location = client.get(f"/rest/api/3/attachment/content/{aid}").headers["location"]
    cases = {
        "bytes=0-4095": (0, 4096),
        "bytes=100-": (100, size),
        "bytes=-4096": (size - 4096, size),
        f"bytes={size - 10}-{size + 50}": (size - 10, size),
    }
    for header, (a, b) in cases.items():
        r = media.get(location, headers={"Range": header})
        assert r.status_code == 206, header
        assert r.headers["content-range"] == f"bytes {a}-{b - 1}/{size}"
        assert r.content == data.read(aid, a, b)
    r = media.get(location, headers={"Range": f"bytes={size}-"})
    assert r.status_code == 416 and r.headers["content-range"] == f"bytes */{size}"
    for bad in ("bytes=abc", "items=0-1", "bytes=5-1", "bytes=-"):
        assert media.get(location, headers={"Range": bad}).status_code == 400, bad
    via_jira = client.get(
        f"/rest/api/3/attachment/content/{aid}?redirect=false", headers={"Range": "bytes=0-9"}
    )
    assert via_jira.status_code == 206 and via_jira.content == data.read(aid, 0, 10)
    with _serve(data, ignore_range=True) as srv, httpx.Client(auth=srv.auth) as c:
        loc = c.get(f"{srv.base_url}/rest/api/3/attachment/content/{aid}").headers["location"]
        r = media.get(loc, headers={"Range": "bytes=0-9"})
        assert r.status_code == 200 and len(r.content) == size


def test_group_members_have_equal_bytes_over_http(client, media, data):
    groups = sorted(data.truth.groups, key=lambda g: data.truth.group_size[g])[:4]
    for g in groups:
        digests = {hashlib.sha256(_download(client, media, a)).hexdigest() for a in g}
        assert len(digests) == 1
    for trap in sorted(data.truth.traps, key=lambda t: data.spec(t.original).size)[:4]:
        assert _download(client, media, trap.original) != _download(client, media, trap.variant)


def test_unreadable_and_deleted_attachments(data):
    t = data.truth
    with _serve(data) as srv, httpx.Client(base_url=srv.base_url, auth=srv.auth) as c:
        for aid in t.unreadable_403:
            assert c.get(f"/rest/api/3/attachment/content/{aid}").status_code == 403
        for aid in t.unreadable_404:
            assert c.get(f"/rest/api/3/attachment/content/{aid}").status_code == 404
        victim = sorted(next(iter(t.groups)))[0]
        assert c.delete(f"/rest/api/3/attachment/{victim}").status_code == 204
        assert c.get(f"/rest/api/3/attachment/{victim}").status_code == 404
        assert c.delete(f"/rest/api/3/attachment/{victim}").status_code == 404
        assert srv.truth().total_files == t.total_files - 1
        issue = data.issue_id(data.att_issue[int(victim) - 30000])
        got = c.post(
            "/rest/api/3/issue/bulkfetch",
            json={"issueIdsOrKeys": [issue], "fields": ["attachment"]},
        ).json()
        assert victim not in {a["id"] for a in got["issues"][0]["fields"]["attachment"]}


# ---- auth, limits, faults -------------------------------------------------------------------


def test_expired_token_and_wrong_credentials(server):
    with httpx.Client(base_url=server.base_url, auth=(server.email, server.expired_token)) as c:
        assert c.get("/rest/api/3/myself").status_code == 401
        r = c.post(SEARCH, json={"jql": JQL})
        assert r.status_code == 200 and r.json()["issues"] == []
        assert r.headers["x-seraph-loginreason"] == "AUTHENTICATED_FAILED"
        assert c.get("/rest/api/3/project/search").json()["values"] == []
    for auth in ((server.email, "wrong"), ("other@example.com", server.token), None):
        with httpx.Client(base_url=server.base_url, auth=auth) as c:
            paths = ["/rest/api/3/myself", SEARCH, "/rest/api/2/myself", "/rest/api/3/field"]
            if auth is not None:  # wrong credentials are refused everywhere
                paths.append("/rest/api/3/serverInfo")
            for path in paths:
                r = c.get(path, params={"jql": JQL})
                assert r.status_code == 401 and r.json()["errorMessages"], path
    # Without credentials, serverInfo answers (as Jira Cloud does), with the current time.
    for version in ("2", "3"):
        r = httpx.get(f"{server.base_url}/rest/api/{version}/serverInfo")
        assert r.status_code == 200 and r.json()["baseUrl"] == server.base_url
        assert "x-seraph-loginreason" not in r.headers
        server_time = r.json()["serverTime"]
        stamp = calendar.timegm(time.strptime(server_time[:19], "%Y-%m-%dT%H:%M:%S"))
        assert abs(stamp - time.time()) < 5, server_time


def test_rate_limit_answers_429_with_retry_after(data):
    with (
        _serve(data, rate_limit_rps=2.0, burst=3) as srv,
        httpx.Client(base_url=srv.base_url, auth=srv.auth) as c,
    ):
        answers = [c.get("/rest/api/3/myself") for _ in range(6)]
    codes = [r.status_code for r in answers]
    assert codes[:3] == [200, 200, 200] and 429 in codes
    assert answers[0].headers["x-ratelimit-limit"] == "3"
    assert answers[2].headers.get("x-ratelimit-nearlimit") == "true"
    limited = next(r for r in answers if r.status_code == 429)
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.headers["ratelimit-reason"] == "jira-burst-based"
    assert "T" in limited.headers["x-ratelimit-reset"]
    assert srv.stats.throttled == codes.count(429)


def test_fault_injection(data):
    aid = next(a for g in data.truth.groups for a in g if data.spec(a).size > 10_000)
    with _serve(data, fault_cut_download=1.0) as srv, httpx.Client(auth=srv.auth) as c:
        loc = c.get(f"{srv.base_url}/rest/api/3/attachment/content/{aid}").headers["location"]
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(loc)
        assert srv.stats.cut_downloads == 1
    with _serve(data, fault_5xx=1.0) as srv, httpx.Client(auth=srv.auth) as c:
        codes = {c.get(f"{srv.base_url}/rest/api/3/myself").status_code for _ in range(12)}
        assert codes <= {500, 502, 503} and srv.stats.errors_5xx == 12
    with _serve(data, fault_429_burst=1.0) as srv, httpx.Client(auth=srv.auth) as c:
        r = c.get(f"{srv.base_url}/rest/api/3/myself")
        assert r.status_code == 429 and r.headers["retry-after"] == "1"


def test_latency_overlaps_and_keepalive_is_fast(data):
    with _serve(data, latency_s=0.5) as srv:
        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            codes = list(
                pool.map(
                    lambda _: (
                        httpx.get(srv.base_url + "/rest/api/3/myself", auth=srv.auth).status_code
                    ),
                    range(8),
                )
            )
        # One after another they would take 8 x 0.5 s = 4 s; overlapped, one latency and the
        # cost of eight clients (generous: the machine may be busy)
        assert codes == [200] * 8 and time.perf_counter() - started < 2.5
    with _serve(data) as srv, httpx.Client(base_url=srv.base_url, auth=srv.auth) as c:
        started = time.perf_counter()
        for _ in range(100):
            c.post(SEARCH, json={"jql": JQL, "maxResults": 5})
        assert time.perf_counter() - started < 4.0  # a 44 ms Nagle stall each would add 4.4 s


def test_hidden_projects_and_project_search(data):
    with (
        _serve(data, hidden_projects=("HR",)) as srv,
        httpx.Client(base_url=srv.base_url, auth=srv.auth) as c,
    ):
        page = c.get("/rest/api/3/project/search", params={"maxResults": 3}).json()
        keys = [p["key"] for p in page["values"]]
        assert page["total"] == 7 and not page["isLast"] and len(keys) == 3
        rest = c.get("/rest/api/3/project/search", params={"startAt": 3}).json()
        assert "HR" not in keys + [p["key"] for p in rest["values"]] and rest["isLast"]
        assert c.post(SEARCH, json={"jql": "project = HR"}).status_code == 400
        ids = set(_page_all(c, "POST", JQL, 5000))
        hr = {data.issue_id(i) for i in data.project_issues[5]}
        assert ids and not ids & hr
        r = c.post("/rest/api/3/issue/bulkfetch", json={"issueIdsOrKeys": [sorted(hr)[0]]})
        assert r.json()["issues"] == [] and len(r.json()["issueErrors"]) == 1
        assert "HR" not in srv.truth().projects


def test_server_info_deployment(data):
    with _serve(data, deployment="Server") as srv:
        info = httpx.get(srv.base_url + "/rest/api/3/serverInfo", auth=srv.auth).json()
        assert info["deploymentType"] == "Server"
        tenant = httpx.get(srv.base_url + "/_edge/tenant_info", auth=srv.auth).json()
        assert tenant["cloudId"] == data.cloud_id


# ---- command line ---------------------------------------------------------------------------


def test_cli_options_and_serve_forever():
    parser = argparse.ArgumentParser()
    add_demo_site_arguments(parser)
    args = parser.parse_args(
        [
            "--port",
            "0",
            "--issues",
            "120",
            "--faults",
            "--rate-limit",
            "5",
            "--latency-ms",
            "20",
            "--fault-5xx",
            "0.1",
        ]
    )
    data, options, ports = options_from_args(args)
    assert data.issue_count == 120 and ports == (0, 0)
    assert options.fault_5xx == 0.1 and options.fault_cut_download > 0
    assert options.rate_limit_rps == 5 and options.latency_s == pytest.approx(0.02)
    stop = threading.Event()
    out = io.StringIO()
    result: list[int] = []
    with contextlib.redirect_stdout(out):
        t = threading.Thread(target=lambda: result.append(serve_forever(args, stop)))
        t.start()
        time.sleep(0.5)
        stop.set()
        t.join(5)
    text = out.getvalue()
    assert result == [0]
    assert "http://127.0.0.1:" in text and "demo-token" in text and "duplicate groups" in text

"""Demo site: rate limits scoped as Jira scopes them, media link lifetime, permissions,
comments and uploads (with the site's truth following the changes)."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime

import httpx
import pytest

from aa_tui.demo import DemoOptions, DemoServer, generate_site
from aa_tui.demo import catalog as cat

CONTENT = "GET /rest/api/3/attachment/content/{id}"
SEARCH = "/rest/api/3/search/jql"
JQL = "attachments IS NOT EMPTY"
DELETE_PERMS = {"permissions": "DELETE_ALL_ATTACHMENTS,DELETE_OWN_ATTACHMENTS"}


@pytest.fixture(scope="module")
def data():
    return generate_site(seed=11, issues=300)


def _serve(data, **options) -> DemoServer:
    return DemoServer(data, DemoOptions(**options))


def _client(srv: DemoServer, auth=None) -> httpx.Client:
    return httpx.Client(base_url=srv.base_url, auth=auth or srv.auth, timeout=10)


def _readable(data, n: int = 1) -> list[str]:
    return [
        data.attachment_id(j)
        for j in range(data.attachment_count)
        if data.download_status(j) == 200 and data.attachment_size(j) > 0
    ][:n]


def _adf(text: str) -> dict:
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": text}]}
    return {"type": "doc", "version": 1, "content": [paragraph]}


def test_burst_limits_are_per_endpoint_and_method(data):
    aid = _readable(data)[0]
    with (
        _serve(
            data,
            rate_limit_rps=100.0,
            burst=50,
            rate_scope="endpoint",
            endpoint_rates=((CONTENT, 0.5, 2),),
        ) as srv,
        _client(srv) as c,
    ):
        codes = [c.get(f"/rest/api/3/attachment/content/{aid}").status_code for _ in range(4)]
        assert codes == [303, 303, 429, 429]
        limited = c.get(f"/rest/api/3/attachment/content/{aid}")
        assert limited.headers["ratelimit-reason"] == "jira-burst-based"
        assert limited.headers["x-ratelimit-limit"] == "2"
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.headers["x-ratelimit-reset"].endswith("Z")  # an ISO-8601 time
        # Search and bulkfetch keep their own budgets while content is throttled.
        page = c.post(SEARCH, json={"jql": JQL, "maxResults": 5})
        assert page.status_code == 200 and page.headers["x-ratelimit-limit"] == "50"
        assert page.headers["x-ratelimit-remaining"] == "49"
        ids = [i["id"] for i in page.json()["issues"]]
        bulk = c.post("/rest/api/3/issue/bulkfetch", json={"issueIdsOrKeys": ids})
        assert bulk.status_code == 200 and bulk.headers["x-ratelimit-remaining"] == "49"
        # GET and POST of one path are two endpoints.
        assert c.get(SEARCH, params={"jql": JQL}).headers["x-ratelimit-remaining"] == "49"
        by = srv.stats.snapshot()["throttled_by"]
        assert by == {f"jira-burst-based {CONTENT}": 3}
    with (
        _serve(data, rate_limit_rps=0.5, burst=2) as srv,  # rate_scope "site": one budget
        _client(srv) as c,
    ):
        assert [c.get(f"/rest/api/3/attachment/content/{aid}").status_code for _ in range(2)] == [
            303,
            303,
        ]
        assert c.post(SEARCH, json={"jql": JQL}).status_code == 429


def test_per_issue_write_limit(data):
    issues = [i for i in range(data.issue_count) if len(data.attachments_of(i)) >= 2][:2]
    a, b = (data.issue_key(i) for i in issues)
    with _serve(data, issue_write_limit=(3, 30.0)) as srv, _client(srv) as c:
        body = {"body": _adf("checked")}
        codes = [c.post(f"/rest/api/3/issue/{a}/comment", json=body).status_code for _ in range(3)]
        assert codes == [201, 201, 201]
        over = c.post(f"/rest/api/3/issue/{a}/comment", json=body)
        assert over.status_code == 429
        assert over.headers["ratelimit-reason"] == "jira-per-issue-on-write"
        assert int(over.headers["retry-after"]) >= 25
        victim = data.attachment_id(data.attachments_of(issues[0])[0])
        assert c.delete(f"/rest/api/3/attachment/{victim}").status_code == 429  # same issue
        assert c.get(f"/rest/api/3/issue/{a}").status_code == 200  # reads are not writes
        other = data.attachment_id(data.attachments_of(issues[1])[0])
        assert c.delete(f"/rest/api/3/attachment/{other}").status_code == 204  # another issue
        assert c.post(f"/rest/api/3/issue/{b}/comment", json=body).status_code == 201
        assert len(srv.changes.comments[issues[0]]) == 3
        assert srv.truth().total_files == data.truth.total_files - 1


def test_media_links_expire(data):
    aid = _readable(data)[0]
    # A link lives more than TTL - 1 s (its expiry is whole seconds): 1 s could be 0 s.
    with _serve(data, media_token_ttl_s=3.0) as srv, _client(srv) as c:
        link = c.get(f"/rest/api/3/attachment/content/{aid}").headers["location"]
        assert httpx.get(link).status_code == 200
        assert httpx.get(link, headers={"Range": "bytes=0-9"}).status_code == 206  # reusable
        time.sleep(3.5)
        expired = httpx.get(link)
        assert expired.status_code == 401 and "expired" in expired.json()["error"]["title"]
        fresh = c.get(f"/rest/api/3/attachment/content/{aid}").headers["location"]
        assert httpx.get(fresh).content == data.read(aid)  # ask Jira again: a new link works


def test_delete_needs_permission(data):
    aid = _readable(data)[0]
    with _serve(data) as srv:
        viewer = (srv.viewer_email, srv.viewer_token)
        with _client(srv, viewer) as v:
            assert v.get("/rest/api/3/myself").json()["emailAddress"] == srv.viewer_email
            perms = v.get("/rest/api/3/mypermissions", params=DELETE_PERMS | {"projectKey": "OPS"})
            assert {k: p["havePermission"] for k, p in perms.json()["permissions"].items()} == {
                "DELETE_ALL_ATTACHMENTS": False,
                "DELETE_OWN_ATTACHMENTS": False,
            }
            assert v.get(f"/rest/api/3/attachment/{aid}").status_code == 200  # may browse
            r = v.delete(f"/rest/api/3/attachment/{aid}")
            assert r.status_code == 403 and "permission" in r.json()["errorMessages"][0]
            key = data.issue_key(0)
            assert (
                v.post(f"/rest/api/3/issue/{key}/comment", json={"body": _adf("x")}).status_code
                == 403
            )
        assert srv.truth().total_files == data.truth.total_files and not srv.deleted
        with _client(srv) as c:
            perms = c.get("/rest/api/3/mypermissions", params=DELETE_PERMS).json()["permissions"]
            assert all(p["havePermission"] for p in perms.values())
            assert c.delete(f"/rest/api/3/attachment/{aid}").status_code == 204
    for mode in ("none", "own"):
        with _serve(data, delete_permission=mode) as srv, _client(srv) as c:
            perms = c.get("/rest/api/3/mypermissions", params=DELETE_PERMS).json()["permissions"]
            assert perms["DELETE_ALL_ATTACHMENTS"]["havePermission"] is False
            assert perms["DELETE_OWN_ATTACHMENTS"]["havePermission"] is (mode == "own")
            assert c.delete(f"/rest/api/3/attachment/{aid}").status_code == 403
            up = c.post(
                f"/rest/api/3/issue/{data.issue_key(0)}/attachments",
                files={"file": ("mine.txt", b"my own file", "text/plain")},
                headers={"X-Atlassian-Token": "no-check"},
            ).json()[0]
            own = c.delete(f"/rest/api/3/attachment/{up['id']}").status_code
            assert own == (204 if mode == "own" else 403)


def seconds(jira_time: str) -> float:
    return datetime.strptime(jira_time, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


def on_site_clock(jira_time: str) -> bool:
    """Whether ``jira_time`` lies within the demo site's first hour (its clock starts at the
    catalog's reference date, whatever day the test runs)."""
    return 0 <= seconds(jira_time) - cat.REFERENCE_EPOCH < 3600


def test_comments_are_recorded_per_issue(data):
    i = 7
    key = data.issue_key(i)
    with _serve(data) as srv, _client(srv) as c:
        before = c.get(f"/rest/api/3/issue/{key}/comment").json()["total"]
        text = "Removed 2 duplicate copies; the kept copy is on OPS-1."
        r = c.post(f"/rest/api/3/issue/{key}/comment", json={"body": _adf(text)})
        assert r.status_code == 201 and r.json()["body"] == _adf(text)
        assert on_site_clock(r.json()["created"])
        assert r.json()["author"]["emailAddress"] == srv.email
        page = c.get(f"/rest/api/3/issue/{key}/comment").json()
        assert page["total"] == before + 1 and page["comments"][-1]["id"] == r.json()["id"]
        v2 = c.get(f"/rest/api/2/issue/{key}/comment/{r.json()['id']}").json()
        assert v2["body"] == text  # plain text in v2
        assert (
            c.post(f"/rest/api/2/issue/{key}/comment", json={"body": "v2 text"}).status_code == 201
        )
        assert set(srv.changes.comments) == {i}
        assert [cm.text for cm in srv.changes.comments[i]] == [text, "v2 text"]
        assert c.post(f"/rest/api/3/issue/{key}/comment", json={"body": "plain"}).status_code == 400
        assert c.post(f"/rest/api/3/issue/{key}/comment", json={}).status_code == 400


def test_uploads_are_served_searched_and_in_the_truth(data):
    t = data.truth
    group = sorted(sorted(g) for g in t.groups if t.group_size[g] < 300_000)[0]
    bare = next(i for i in range(data.issue_count) if not data.attachments_of(i))
    with _serve(data) as srv, _client(srv) as c:
        assert data.issue_id(bare) not in {
            i["id"] for i in c.post(SEARCH, json={"jql": JQL, "maxResults": 5000}).json()["issues"]
        }
        content = data.read(group[0])
        xsrf = {"X-Atlassian-Token": "no-check"}
        path = f"/rest/api/3/issue/{data.issue_key(bare)}/attachments"
        assert c.post(path, files={"file": ("x.bin", content)}).status_code == 403  # no XSRF header
        r = c.post(path, files={"file": ("copy.bin", content, "application/pdf")}, headers=xsrf)
        assert r.status_code == 200
        new = r.json()[0]
        assert new["size"] == len(content) and new["filename"] == "copy.bin"
        assert new["mimeType"] == "application/pdf"
        # Served like any attachment: metadata, issue field, search, bytes through the 303.
        assert c.get(f"/rest/api/3/attachment/{new['id']}").json()["id"] == int(new["id"])
        issue = c.get(
            f"/rest/api/3/issue/{data.issue_key(bare)}", params={"fields": "attachment,updated"}
        ).json()["fields"]
        assert [a["id"] for a in issue["attachment"]] == [new["id"]]
        # stamped on the site's clock, as the issue's ``updated`` (not the machine's, weeks on)
        assert on_site_clock(new["created"]) and on_site_clock(issue["updated"])
        assert abs(seconds(new["created"]) - seconds(issue["updated"])) < 60
        ids = {
            i["id"] for i in c.post(SEARCH, json={"jql": JQL, "maxResults": 5000}).json()["issues"]
        }
        assert data.issue_id(bare) in ids
        link = c.get(f"/rest/api/3/attachment/content/{new['id']}").headers["location"]
        got = httpx.get(link).content
        assert hashlib.sha256(got).digest() == hashlib.sha256(content).digest()
        # The truth follows: one more file, in the group of the file it copies.
        truth = srv.truth()
        assert truth.total_files == t.total_files + 1
        assert truth.issues_with_attachments == t.issues_with_attachments + 1
        assert truth.group_of(new["id"]) == frozenset([*group, new["id"]])
        assert truth.duplicate_files == t.duplicate_files + 1
        assert truth.duplicate_size == t.duplicate_size + len(content)
        # Delete a copy and restore it: the same groups come back (the restored id is new).
        victim = group[-1]
        assert c.delete(f"/rest/api/3/attachment/{victim}").status_code == 204
        assert c.delete(f"/rest/api/3/attachment/{new['id']}").status_code == 204
        assert srv.truth().duplicate_files == t.duplicate_files - 1
        owner = data.issue_key(data.att_issue[int(victim) - 30000])
        restored = c.post(
            f"/rest/api/3/issue/{owner}/attachments",
            files={"file": ("restored", data.read(victim))},
            headers=xsrf,
        ).json()[0]
        after = srv.truth()
        assert after.duplicate_files == t.duplicate_files
        assert after.group_of(restored["id"]) == (frozenset(group) - {victim}) | {restored["id"]}
        # Two uploads with equal new bytes are a group of their own.
        for name in ("a.txt", "b.txt"):
            c.post(path, files={"file": (name, b"same new bytes")}, headers=xsrf)
        assert srv.truth().duplicate_groups == t.duplicate_groups + 1

"""Real Jira clients, with their default settings, against the demo site on 127.0.0.1.

pycontribs ``jira`` 3.10.5 (REST v2: serverInfo at construction, ``/field`` before a search
with fields, the enhanced search under v2) and ``atlassian-python-api`` 5.0.5 (``Jira`` with
``cloud=True``, the setting a Cloud site needs, on v2; ``JiraCloud`` on v3). Each connects,
searches with fields, reads an issue, attachment metadata, downloads one attachment twice
(303 to the media origin) with equal SHA-256, and lists projects. Against the Data Center mode
the same clients as a Data Center script sets them up (pycontribs with ``token_auth=`` or
``basic_auth=``; ``Jira(url, token=..., cloud=False)`` or with username and password) page
the search by ``startAt``, read an issue, download from ``/secure/attachment``, comment in
wiki markup and delete. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import socket

import pytest

from aa_tui.demo import DemoOptions, DemoServer, generate_site
from aa_tui.demo import catalog as cat

JQL = "attachments IS NOT EMPTY"
jira_lib = pytest.importorskip("jira", reason="pycontribs jira is a test dependency")
atlassian = pytest.importorskip("atlassian", reason="atlassian-python-api is a test dependency")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Any connection to another host than 127.0.0.1 fails the test (no network, no proxy)."""
    real_connect = socket.socket.connect

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        assert host in ("127.0.0.1", "localhost"), f"connection to {address!r}"
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("NETRC", "/nonexistent")


@pytest.fixture(scope="module")
def data():
    return generate_site(seed=11, issues=300)


@pytest.fixture(scope="module")
def server(data):
    with DemoServer(data) as srv:
        yield srv


def _with_files(data) -> list[int]:
    return [i for i in range(data.issue_count) if data.attachments_of(i)]


def _readable(data, i: int) -> int:
    """A readable attachment of issue ``i`` (or of a later issue)."""
    return next(
        j
        for k in range(i, data.issue_count)
        for j in data.attachments_of(k)
        if data.download_status(j) == 200 and data.attachment_size(j) > 0
    )


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# ---- pycontribs jira ------------------------------------------------------------------------


@pytest.fixture()
def pycontribs(server):
    client = jira_lib.JIRA(server=server.base_url, basic_auth=server.auth)
    yield client
    client.close()


def test_pycontribs_connects(pycontribs, server):
    info = pycontribs.server_info()
    assert info["deploymentType"] == "Cloud" and info["baseUrl"] == server.base_url
    assert pycontribs._is_cloud
    assert pycontribs.myself()["emailAddress"] == server.email


def test_pycontribs_searches_with_fields(pycontribs, data):
    issues = pycontribs.search_issues(JQL, fields="attachment,summary,status", maxResults=10)
    want = _with_files(data)
    assert [int(x.id) - 10000 for x in issues] == want[:10]
    for issue in issues:
        i = int(issue.id) - 10000
        assert issue.key == data.issue_key(i) and issue.fields.summary == data.summary(i)
        ids = [int(a.id) - 30000 for a in issue.fields.attachment]
        assert ids == list(data.attachments_of(i))
        assert issue.fields.status.statusCategory.key in ("new", "indeterminate", "done")
    everything = pycontribs.search_issues(JQL, fields="attachment", maxResults=False)
    assert [int(x.id) - 10000 for x in everything] == want  # paged on nextPageToken
    either = pycontribs.search_issues("project = OPS OR key = WEB-1", fields="summary")
    assert {x.key.split("-")[0] for x in either} == {"OPS", "WEB"}
    assert pycontribs.approximate_issue_count(JQL) == len(want)


def test_pycontribs_reads_an_issue(pycontribs, data):
    i = _with_files(data)[3]
    issue = pycontribs.issue(data.issue_key(i))
    assert issue.id == data.issue_id(i) and issue.fields.summary == data.summary(i)
    assert isinstance(issue.fields.description, str)  # v2: plain text
    assert issue.fields.project.key == cat.PROJECTS[data.issue_project[i]].key
    assert len(issue.fields.attachment) == len(data.attachments_of(i))
    for comment in pycontribs.comments(issue.key):
        assert isinstance(comment.body, str) and comment.author.displayName
    reporter = issue.fields.reporter
    assert pycontribs.user(reporter.accountId).displayName == reporter.displayName


def test_pycontribs_attachment_meta_and_download_twice(pycontribs, data, server):
    j = _readable(data, 0)
    meta = pycontribs.attachment(data.attachment_id(j))
    assert meta.filename == data.att_name[j] and meta.size == data.attachment_size(j)
    assert meta.mimeType == data.mime_type(j)
    before = server.stats.snapshot()
    first, second = meta.get(), meta.get()
    assert _sha(first) == _sha(second) == _sha(data.read(data.attachment_id(j)))
    after = server.stats.snapshot()
    assert after["redirects"] - before["redirects"] == 2  # 303 to the media origin, twice
    assert after["media_requests"] - before["media_requests"] == 2
    assert after["media_auth_header_requests"] == 0  # credentials never went to the media host
    assert pycontribs.attachment_meta()["enabled"] is True


def test_pycontribs_lists_projects(pycontribs):
    projects = pycontribs.projects()
    assert sorted(p.key for p in projects) == sorted(p.key for p in cat.PROJECTS)
    assert pycontribs.project("OPS").name == "Operations"


# ---- atlassian-python-api -------------------------------------------------------------------


@pytest.fixture(params=["Jira(cloud=True)", "JiraCloud"])
def atl(request, server):
    email, token = server.auth
    if request.param == "JiraCloud":
        client = atlassian.JiraCloud(server.base_url, username=email, password=token)
    else:
        client = atlassian.Jira(server.base_url, username=email, password=token, cloud=True)
    yield client
    client.close()


def _is_v3(atl) -> bool:
    return str(atl.api_version) == "3"


def test_atlassian_connects(atl, server):
    me = atl.get_current_user() if _is_v3(atl) else atl.myself()
    assert me["emailAddress"] == server.email
    info = atl.get_server_info()
    assert info["deploymentType"] == "Cloud"


def test_atlassian_searches_with_fields(atl, data):
    want = _with_files(data)
    page = atl.enhanced_jql(JQL, fields="attachment,summary", limit=10)
    assert [int(x["id"]) - 10000 for x in page["issues"]] == want[:10]
    for issue in page["issues"]:
        i = int(issue["id"]) - 10000
        assert issue["fields"]["summary"] == data.summary(i)
        assert [a["id"] for a in issue["fields"]["attachment"]] == [
            data.attachment_id(j) for j in data.attachments_of(i)
        ]
    if not _is_v3(atl):
        assert atl.jql(JQL, fields="summary", limit=5)["issues"]  # routed to the enhanced search
        everything = atl.enhanced_jql_get_list_of_tickets(JQL, fields="id", limit=None)
        assert [int(x["id"]) - 10000 for x in everything] == want


def test_atlassian_reads_an_issue(atl, data):
    i = _with_files(data)[5]
    issue = atl.get_issue(data.issue_key(i))
    assert issue["key"] == data.issue_key(i) and issue["fields"]["summary"] == data.summary(i)
    description = issue["fields"]["description"]
    assert isinstance(description, dict if _is_v3(atl) else str)
    assert len(issue["fields"]["attachment"]) == len(data.attachments_of(i))


def test_atlassian_attachment_meta_and_download_twice(atl, data, server):
    j = _readable(data, 10)
    aid = data.attachment_id(j)
    meta = atl.get_attachment(aid)
    assert meta["filename"] == data.att_name[j] and meta["size"] == data.attachment_size(j)
    before = server.stats.snapshot()["media_requests"]
    if _is_v3(atl):
        first = atl.get_attachment_content(aid, not_json_response=True)
        second = atl.get_attachment_content(aid, not_json_response=True)
    else:
        first, second = atl.get_attachment_content(aid), atl.get_attachment_content(aid)
    assert _sha(first) == _sha(second) == _sha(data.read(aid))
    assert server.stats.snapshot()["media_requests"] - before == 2
    assert server.stats.media_auth_header_requests == 0


def test_atlassian_lists_projects(atl):
    projects = atl.get_all_projects()
    assert sorted(p["key"] for p in projects) == sorted(p.key for p in cat.PROJECTS)


# ---- the Data Center mode -------------------------------------------------------------------


@pytest.fixture()
def dc_server(data):
    """A fresh site per test: each one deletes a file."""
    with DemoServer(data, DemoOptions(data_center=True)) as srv:
        yield srv


@pytest.fixture(params=["token_auth", "basic_auth"])
def pycontribs_dc(request, dc_server):
    if request.param == "token_auth":
        client = jira_lib.JIRA(server=dc_server.base_url, token_auth=dc_server.token)
    else:
        client = jira_lib.JIRA(server=dc_server.base_url, basic_auth=dc_server.basic_auth)
    yield client
    client.close()


def test_pycontribs_on_data_center(pycontribs_dc, data, dc_server):
    assert not pycontribs_dc._is_cloud and pycontribs_dc._version[0] == 9
    assert pycontribs_dc.myself()["name"] == dc_server.username
    want = _with_files(data)
    page = pycontribs_dc.search_issues(JQL, fields="attachment,summary", maxResults=10, startAt=5)
    assert [int(x.id) - 10000 for x in page] == want[5:15] and page.total == len(want)
    before = dc_server.stats.snapshot()["requests"].get("GET /rest/api/2/search", 0)
    everything = pycontribs_dc.search_issues(JQL, fields="id", maxResults=False)
    assert [int(x.id) - 10000 for x in everything] == want  # startAt pages up to total
    assert dc_server.stats.snapshot()["requests"]["GET /rest/api/2/search"] - before >= 2
    i = want[3]
    issue = pycontribs_dc.issue(data.issue_key(i))
    assert issue.fields.summary == data.summary(i) and isinstance(issue.fields.description, str)
    assert pycontribs_dc.user(issue.fields.reporter.name).displayName == (
        issue.fields.reporter.displayName
    )
    j = _readable(data, i)
    meta = pycontribs_dc.attachment(data.attachment_id(j))
    assert "/secure/attachment/" in meta.content
    assert _sha(meta.get()) == _sha(data.read(data.attachment_id(j)))
    key = data.issue_key(data.att_issue[j])
    comment = pycontribs_dc.add_comment(key, "Duplicate removed; the kept copy is on *OPS-1*.")
    assert comment.body == "Duplicate removed; the kept copy is on *OPS-1*."
    pycontribs_dc.delete_attachment(meta.id)
    assert data.attachment_id(j) not in {a.id for a in pycontribs_dc.issue(key).fields.attachment}
    assert dc_server.stats.snapshot()["media_requests"] == 0


@pytest.fixture(params=["token", "basic"])
def atl_dc(request, dc_server):
    if request.param == "token":
        client = atlassian.Jira(dc_server.base_url, token=dc_server.token, cloud=False)
    else:
        name, password = dc_server.basic_auth
        client = atlassian.Jira(dc_server.base_url, username=name, password=password, cloud=False)
    yield client
    client.close()


def test_atlassian_on_data_center(atl_dc, data, dc_server):
    assert atl_dc.get_server_info()["deploymentType"] == "Server"
    assert atl_dc.myself()["name"] == dc_server.username
    want = _with_files(data)
    page = atl_dc.jql(JQL, fields="summary", start=20, limit=7)
    assert [int(x["id"]) - 10000 for x in page["issues"]] == want[20:27]
    assert page["total"] == len(want)
    everything = atl_dc.jql_get_list_of_tickets(JQL, fields="id")
    assert [int(x["id"]) - 10000 for x in everything] == want
    i = want[30]
    issue = atl_dc.get_issue(data.issue_key(i))
    assert issue["fields"]["summary"] == data.summary(i)
    j = _readable(data, i)
    aid = data.attachment_id(j)
    assert _sha(atl_dc.get_attachment_content(aid)) == _sha(data.read(aid))
    key = data.issue_key(data.att_issue[j])
    assert atl_dc.issue_add_comment(key, "Removed by aa-tui.")["body"] == "Removed by aa-tui."
    atl_dc.remove_attachment(aid)
    with pytest.raises(Exception, match="does not exist"):
        atl_dc.get_attachment(aid)
    assert sorted(p["key"] for p in atl_dc.get_all_projects()) == sorted(
        p.key for p in cat.PROJECTS
    )

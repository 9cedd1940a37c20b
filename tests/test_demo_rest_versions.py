"""REST v2 and v3 of the demo site: the same resources, plain text vs ADF, links that resolve."""

from __future__ import annotations

import httpx
import pytest

from aa_tui.demo import DemoServer, generate_site


@pytest.fixture(scope="module")
def data():
    return generate_site(seed=5, issues=200)


@pytest.fixture(scope="module")
def server(data):
    with DemoServer(data) as srv:
        yield srv


@pytest.fixture()
def client(server):
    with httpx.Client(base_url=server.base_url, auth=server.auth, timeout=10) as c:
        yield c


def _commented_issue(data) -> str:
    from aa_tui.demo.issue_view import SiteView, comments_of
    from aa_tui.demo.views import Links

    view = SiteView(data, Links(""))
    i = next(i for i in range(data.issue_count) if comments_of(view, i) and data.attachments_of(i))
    return data.issue_key(i)


def _self_links(node, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "self" and isinstance(v, str):
                out.add(v)
            else:
                _self_links(v, out)
    elif isinstance(node, list):
        for v in node:
            _self_links(v, out)
    return out


def test_v2_is_plain_text_where_v3_is_adf(client, data):
    key = _commented_issue(data)
    v3 = client.get(f"/rest/api/3/issue/{key}").json()
    v2 = client.get(f"/rest/api/2/issue/{key}").json()
    assert v3["id"] == v2["id"] and v3["key"] == v2["key"] == key
    assert set(v3["fields"]) == set(v2["fields"])
    doc = v3["fields"]["description"]
    assert doc["type"] == "doc" and doc["version"] == 1
    text = doc["content"][0]["content"][0]["text"]
    assert v2["fields"]["description"] == text
    c3 = v3["fields"]["comment"]["comments"]
    c2 = v2["fields"]["comment"]["comments"]
    assert c3 and [c["id"] for c in c3] == [c["id"] for c in c2]
    assert all(isinstance(c["body"], dict) and c["body"]["type"] == "doc" for c in c3)
    assert [c["body"] for c in c2] == [c["body"]["content"][0]["content"][0]["text"] for c in c3]
    for version, issue in (("3", v3), ("2", v2)):
        links = _self_links(issue, set())
        assert links and all(f"/rest/api/{version}/" in link for link in links), version
        for att in issue["fields"]["attachment"]:
            assert att["content"].endswith(f"/rest/api/{version}/attachment/content/{att['id']}")


def test_every_self_link_resolves(client, data, server):
    key = _commented_issue(data)
    links: set[str] = set()
    for version in ("2", "3"):
        _self_links(client.get(f"/rest/api/{version}/issue/{key}").json(), links)
        _self_links(client.get(f"/rest/api/{version}/project").json(), links)
        _self_links(client.get(f"/rest/api/{version}/myself").json(), links)
        page = client.post(
            f"/rest/api/{version}/search/jql",
            json={"jql": "attachments IS NOT EMPTY", "fields": ["*all"], "maxResults": 20},
        ).json()
        _self_links(page, links)
    assert len(links) > 40
    for link in sorted(links):
        assert link.startswith(server.base_url), link
        r = client.get(link)
        assert r.status_code == 200, (link, r.text[:200])
        assert r.json().get("self", link).split("?")[0] == link.split("?")[0], link


def test_fields_all_navigable_and_the_field_list(client, data):
    listed = client.get("/rest/api/2/field").json()
    ids = {f["id"] for f in listed}
    assert {"summary", "attachment", "description", "comment", "reporter"} <= ids
    assert all(f["clauseNames"] and "schema" in f for f in listed)
    key = data.issue_key(3)
    every = client.get(f"/rest/api/3/issue/{key}", params={"fields": "*all"}).json()["fields"]
    assert set(every) == ids
    default = client.get(f"/rest/api/3/issue/{key}").json()["fields"]
    assert set(default) == ids  # GET issue defaults to *all
    navigable = {f["id"] for f in listed if f["navigable"]}
    nav = client.get(f"/rest/api/3/issue/{key}", params={"fields": "*navigable"}).json()
    assert set(nav["fields"]) == navigable and "comment" not in navigable
    minus = client.get(f"/rest/api/3/issue/{key}", params={"fields": "*all,-comment"}).json()
    assert set(minus["fields"]) == ids - {"comment"}
    some = client.get(f"/rest/api/3/issue/{key}", params={"fields": "summary,status,nope"})
    assert set(some.json()["fields"]) == {"summary", "status"}


def test_expand_names_and_schema(client):
    body = {
        "jql": "attachments IS NOT EMPTY",
        "fields": ["summary", "attachment"],
        "expand": "names,schema",
        "maxResults": 3,
    }
    page = client.post("/rest/api/3/search/jql", json=body).json()
    assert page["names"] == {"summary": "Summary", "attachment": "Attachment"}
    assert page["schema"]["attachment"] == {
        "type": "array",
        "items": "attachment",
        "system": "attachment",
    }
    plain = client.post("/rest/api/3/search/jql", json=body | {"expand": ""}).json()
    assert "names" not in plain and "schema" not in plain
    got = client.get("/rest/api/2/search/jql", params={**body, "fields": "summary"}).json()
    assert got["names"] == {"summary": "Summary"}


def test_users_and_status_categories(client):
    from aa_tui.demo import catalog as cat

    for info in cat.USERS:
        r = client.get("/rest/api/3/user", params={"accountId": info.account_id})
        assert r.status_code == 200 and r.json()["displayName"] == info.display_name
        assert r.json()["active"] is info.active
    assert client.get("/rest/api/3/user", params={"accountId": "x"}).status_code == 404
    assert client.get("/rest/api/3/user").status_code == 404
    for key, (cid, name, _) in cat.STATUS_CATEGORIES.items():
        for ident in (key, str(cid)):
            got = client.get(f"/rest/api/2/statuscategory/{ident}").json()
            assert (got["id"], got["key"], got["name"]) == (cid, key, name)

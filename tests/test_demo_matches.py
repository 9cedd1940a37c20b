"""The demo site's searches: which issues have files is one table per state of the site and a
date bound narrows the candidates first (:mod:`aa_tui.demo.matches`); what they find equals
each issue tested clause by clause, after files were deleted and uploaded, issues deleted,
moved and touched."""

from __future__ import annotations

import calendar
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from aa_tui.demo import DemoOptions, DemoServer, state
from aa_tui.demo import catalog as cat
from aa_tui.demo.jql import Clause, Node
from aa_tui.demo.matches import _OPS, live_issues

QUERIES = [
    "attachments IS NOT EMPTY ORDER BY id ASC",
    "attachments IS EMPTY ORDER BY id ASC",
    "attachments IS NOT EMPTY AND updated >= -90m ORDER BY id ASC",
    "attachments IS NOT EMPTY AND updated > -3d AND id >= {mid} ORDER BY id ASC",
    "updated <= -400d AND attachments IS NOT EMPTY ORDER BY id ASC",
    "created < -200d AND created >= -800d AND attachments IS EMPTY ORDER BY id ASC",
    "attachments IS NOT EMPTY AND id >= {low} AND id < {mid} ORDER BY id ASC",
    "(attachments IS NOT EMPTY OR updated >= -1d) AND id < {mid} ORDER BY id ASC",
    "NOT attachments IS EMPTY AND statusCategory = Done ORDER BY id ASC",
    "project = {project} AND attachments IS NOT EMPTY AND updated < -30d ORDER BY id ASC",
    "NOT updated >= -1d AND NOT (attachments IS EMPTY OR created > -300d) ORDER BY id ASC",
    "{many} OR attachments IS EMPTY ORDER BY id ASC",  # 1,200 clauses: within the recursion limit
]


def one_by_one(server: DemoServer, node: Node | Clause, i: int) -> bool:
    """Issue ``i`` tested against ``node`` clause by clause, its files looked at one by one."""
    if isinstance(node, Node):
        results = [one_by_one(server, child, i) for child in node.children]
        if node.kind == "not":
            return not results[0]
        return all(results) if node.kind == "and" else any(results)
    data, deleted, uploads = server.data, *server.changes.snapshot()[::2]
    if node.field == "attachments":
        files = i in uploads or any(
            j not in deleted for j in range(data.att_start[i], data.att_start[i + 1])
        )
        return files == (node.op == "not empty")
    if node.field in ("created", "updated"):
        dates = data.issue_created if node.field == "created" else data.issue_updated
        return _OPS[node.op](dates[i], node.epoch)
    if node.field == "idcmp":
        return _OPS[node.op](cat.ISSUE_ID_BASE + i, node.number)
    if node.field == "key":
        return (i in node.values) != (node.op == "not in")
    if node.field == "project":
        return (data.issue_project[i] in node.values) != (node.op == "not in")
    if node.field == "statuscategory":
        cats = {tuple(cat.STATUS_CATEGORIES)[c] for c in node.values}
        inside = cat.STATUSES[data.issue_status[i]].category in cats
        return inside != (node.op == "not in")
    raise AssertionError(f"not in these queries: {node.field}")


def test_searches_equal_each_issue_tested_one_by_one(small_site):
    with DemoServer(small_site, DemoOptions()) as server:
        data = server.data
        with_files = [
            i for i in range(data.issue_count) if data.att_start[i + 1] > data.att_start[i]
        ]
        found_before = server.query("attachments IS NOT EMPTY ORDER BY id ASC")[1]
        for n, i in enumerate(with_files[::7]):  # each change sets ``updated``, as Jira does
            kind = n % 5
            if kind == 0:
                for j in range(data.att_start[i], data.att_start[i + 1]):
                    server.delete_attachment(j)  # no file left: out of the scope
            elif kind == 1:
                server.delete_attachment(data.att_start[i])
                server.touch(i)
            elif kind == 2:
                server.delete_issue(i)
            elif kind == 3:
                server.move_issue(i, (data.issue_project[i] + 1) % len(cat.PROJECTS))
            else:
                server.touch(i)
        empty = [i for i in range(data.issue_count) if i not in set(with_files)]
        emptied = with_files[::35]  # (kind 0 above: every generated file deleted)
        for i in empty[:5] + emptied[:2]:  # files uploaded where there were none (left)
            server.changes.add_upload(i, "new.bin", "application/octet-stream", b"x" * 10)
            server.touch(i)
        again = server.changes.add_upload(empty[5], "gone.bin", "text/plain", b"y")
        server.delete_attachment(again.j)  # an upload deleted again: no file there
        data = server.data  # (its own arrays, since the first change)
        mid = cat.ISSUE_ID_BASE + data.issue_count // 2
        many = " OR ".join(f"id = {cat.ISSUE_ID_BASE + n % data.issue_count}" for n in range(1200))
        values = dict(low=cat.ISSUE_ID_BASE + 40, mid=mid, project=cat.PROJECTS[1].key, many=many)
        assert len(server.query(QUERIES[0])[1]) != len(found_before)  # the site did change
        for text in QUERIES:
            jql = text.format(**values)
            query, found = server.query(jql)
            expected = [i for i in range(data.issue_count) if one_by_one(server, query.where, i)]
            assert list(found) == expected, jql
            assert 0 < len(expected) < data.issue_count or "IS EMPTY" in jql, jql


@pytest.mark.parametrize("op", [">=", ">", "<=", "<"])
def test_a_date_bound_keeps_the_issues_on_its_edge_as_its_operator_says(small_site, op):
    with DemoServer(small_site, DemoOptions()) as server:
        data = server.data
        edge = calendar.timegm((2024, 3, 1, 12, 0, 0))
        on_edge = [i for i in range(data.issue_count) if data.att_start[i + 1] > data.att_start[i]]
        on_edge = on_edge[::9]
        server.touch(on_edge[0])  # the site's own arrays from here on (never the fixture's)
        data = server.data
        assert data.issue_updated is not small_site.issue_updated
        for i in on_edge:
            data.issue_updated[i] = edge
        jql = f'attachments IS NOT EMPTY AND updated {op} "2024-03-01 12:00" ORDER BY id ASC'
        query, found = server.query(jql)
        expected = [i for i in range(data.issue_count) if one_by_one(server, query.where, i)]
        assert list(found) == expected
        kept = set(on_edge) & set(found)
        assert kept == (set(on_edge) if "=" in op else set())


def test_searches_at_once_after_a_change_build_the_files_table_once(small_site, monkeypatch):
    """A rescan's 17 first searches come together: the table of which issues have files is
    built once for them, and not at all for a search that does not ask."""
    built: list[int] = []

    def counted(*args):
        built.append(1)
        time.sleep(0.05)  # long enough for the others to ask meanwhile
        return live_issues(*args)

    monkeypatch.setattr(state, "live_issues", counted)
    with DemoServer(small_site, DemoOptions()) as server:
        server.delete_attachment(0)
        jqls = [
            f"attachments IS NOT EMPTY AND id >= {cat.ISSUE_ID_BASE + n} ORDER BY id ASC"
            for n in range(16)
        ]
        with ThreadPoolExecutor(16) as pool:
            found = list(pool.map(lambda jql: len(server.query(jql)[1]), jqls))
        assert built == [1] and found == sorted(found, reverse=True) and found[0] > 0
        server.query("updated >= -1d ORDER BY id ASC")
        server.touch(1)
        server.query("updated >= -2d ORDER BY id ASC")  # no attachments clause: no table
        assert built == [1]
        server.query(jqls[0])  # the site changed since: built again
        assert built == [1, 1]

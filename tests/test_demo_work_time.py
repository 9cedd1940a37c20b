"""The demo site's modelled answer time (``per_id_s``, ``per_issue_s``) holds its own work: a
page that takes the demo long to find answers in the model's time, not in the model's time
plus the demo's (it was added on top, so a loaded demo site answered a 0.37 s page in up to
1.7 s)."""

from __future__ import annotations

import time

import httpx

from aa_tui.demo import DemoOptions, DemoServer, state

SEARCH = "/rest/api/3/search/jql"
JQL = "attachments IS NOT EMPTY ORDER BY id ASC"
IDS = 100  # a page's ids
PER_ID = 0.006  # 0.6 s a page, modelled


def _page_time(server: DemoServer, jql: str) -> float:
    with httpx.Client(base_url=server.base_url, auth=server.auth, timeout=30) as client:
        started = time.perf_counter()
        answer = client.post(SEARCH, json={"jql": jql, "maxResults": IDS})
        took = time.perf_counter() - started
    assert answer.status_code == 200 and len(answer.json()["issues"]) == IDS
    return took


def test_a_page_takes_the_modelled_time(small_site):
    with DemoServer(small_site, DemoOptions(per_id_s=PER_ID)) as server:
        took = _page_time(server, JQL)
    assert IDS * PER_ID <= took < IDS * PER_ID + 0.5  # (room for a busy machine)


def test_the_demo_s_own_work_counts_in_the_modelled_time(small_site, monkeypatch):
    slow = 0.5  # the demo's search, made slow: within the page's 0.6 s

    def slow_query(self, jql):
        time.sleep(slow)
        return found(self, jql)

    found = state.SiteState.query
    monkeypatch.setattr(state.SiteState, "query", slow_query)
    with DemoServer(small_site, DemoOptions(per_id_s=PER_ID)) as server:
        took = _page_time(server, JQL)
    # on top, it took at least 1.1 s (0.4 s of room for a busy machine)
    assert IDS * PER_ID <= took < IDS * PER_ID + slow - 0.1

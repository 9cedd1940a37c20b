"""Search paging asks for the next page while its reader works on this one."""

from __future__ import annotations

import threading
import time

import pytest

from aa_tui.jira.cloud.search import id_pages
from aa_tui.jira.errors import NotJiraError


def site(pages: list[dict]):
    asked: list[tuple[str | None, float]] = []

    def fetch(token):
        asked.append((token, time.monotonic()))
        return pages[0 if token is None else int(token)]

    return fetch, asked


def test_the_next_page_is_asked_for_before_the_reader_is_done():
    pages = [
        {"issues": [{"id": 1}], "nextPageToken": "1"},
        {"issues": [{"id": 2}], "nextPageToken": "2"},
        {"issues": [{"id": "3"}], "isLast": True},
    ]
    fetch, asked = site(pages)
    got = []
    for page in id_pages(fetch):
        got.append(page)
        done_reading = time.monotonic() + 0.2
        time.sleep(0.2)  # the reader's work on this page (bulkfetch calls...)
        if len(got) < 3:
            assert asked[len(got)][1] < done_reading  # already asked meanwhile
    assert got == [["1"], ["2"], ["3"]]
    assert [t for t, _ in asked] == [None, "1", "2"]


def test_a_reader_that_stops_early_does_not_wait_for_the_page_ahead():
    release = threading.Event()

    def fetch(token):
        if token is not None:
            release.wait(5)
        return {"issues": [{"id": 1}], "nextPageToken": "1"}

    pages = id_pages(fetch)
    assert next(pages) == ["1"]
    started = time.monotonic()
    pages.close()
    assert time.monotonic() - started < 3  # waiting for the page ahead would take 5 s
    release.set()


def test_a_page_without_an_issue_list_is_not_jira():
    fetch, _ = site([{"issues": 7}])
    with pytest.raises(NotJiraError):
        list(id_pages(fetch))

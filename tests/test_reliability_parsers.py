"""Generated answers thrown at the client's paging and bulkfetch parsing, then at parse_issue.

Hypothesis builds search pages and bulkfetch answers (well-formed, oddly typed, not JSON at
all, or error statuses) and serves them through ``httpx.MockTransport`` to the real
``CloudClient`` (its HTTP client swapped for one on the mock transport: the narrow part under
test is what the client does with the bytes). Every outcome must be either a clean result
(string ids; records with string ids and non-negative integer sizes) or a clean
:class:`JiraError` carrying a sentence; paging must always end.
"""

from __future__ import annotations

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aa_tui.jira.auth import ApiToken
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.jira.cloud.search import MAX_EMPTY_PAGES
from aa_tui.jira.errors import JiraError
from aa_tui.jira.governor import RateGovernor, RetryPolicy
from aa_tui.jira.parse import ParseResult, parse_issue

SITE = "http://127.0.0.1:9"
#: No waiting: two tries, no backoff, any Retry-After cut to nothing.
INSTANT = RetryPolicy(max_tries=2, base_delay_s=0.0, max_delay_s=0.0, max_retry_after_s=0.0)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False),
    st.text(max_size=12),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
ids = st.one_of(
    st.integers(min_value=0, max_value=10**12),
    st.text(max_size=8),
    st.none(),
    json_values,
)
tokens = st.one_of(st.none(), st.sampled_from(["t1", "t2", "t3", ""]), json_values)
search_pages = st.one_of(
    st.fixed_dictionaries(
        {"issues": st.lists(st.fixed_dictionaries({"id": ids}) | json_values, max_size=6)},
        optional={"nextPageToken": tokens, "isLast": st.one_of(st.booleans(), json_values)},
    ),
    json_values,
)
attachments = st.fixed_dictionaries(
    {},
    optional={
        "id": ids,
        "filename": st.one_of(st.text(max_size=300), json_values),
        "size": st.one_of(st.integers(min_value=-5, max_value=2**40), json_values),
        "mimeType": json_values,
        "created": st.one_of(st.just("2024-01-02T03:04:05.000+0000"), json_values),
        "author": st.one_of(
            st.none(), st.fixed_dictionaries({"displayName": json_values, "accountId": json_values})
        ),
    },
)
issues = st.fixed_dictionaries(
    {},
    optional={
        "id": ids,
        "key": json_values,
        "fields": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {},
                optional={
                    "attachment": st.one_of(st.lists(attachments, max_size=4), json_values),
                    "status": json_values,
                    "project": st.one_of(json_values, st.fixed_dictionaries({"key": json_values})),
                    "updated": json_values,
                },
            ),
        ),
    },
)
bulk_answers = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "issues": st.one_of(st.lists(issues, max_size=5), json_values),
            "issueErrors": json_values,
        },
    ),
    json_values,
)


def answer(body) -> st.SearchStrategy:
    """Mostly a 200 with ``body``; sometimes bytes that are not JSON, or an error status."""
    return st.one_of(
        st.tuples(st.just(200), st.just("application/json"), body.map(orjson.dumps)),
        st.tuples(
            st.just(200),
            st.just("application/json"),
            body.map(lambda b: orjson.dumps(b)[:-1] or b"{"),
        ),
        st.tuples(st.just(200), st.just("text/html"), st.just(b"<html>hello</html>")),
        st.tuples(
            st.sampled_from([400, 401, 403, 404, 410, 429, 500, 503]),
            st.just("application/json"),
            body.map(orjson.dumps),
        ),
    )


class MockSite:
    """One client for the whole module (building one loads CA bundles: slow), whose Jira
    origin answers ``serve()``'s answers in turn, the last one forever."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, str, bytes]] = []
        self.calls = 0
        self.client = CloudClient(SITE, ApiToken("a@example.com", "tok"))
        self.client._api.close()
        self.client._api = httpx.Client(base_url=SITE, transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        status, kind, raw = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        headers = {"content-type": kind}
        if status in (429, 503):
            headers["retry-after"] = "7"
        return httpx.Response(status, content=raw, headers=headers)

    def serve(self, answers: list[tuple[int, str, bytes]]) -> CloudClient:
        self.answers, self.calls = answers, 0
        self.client.governor = RateGovernor(policy=INSTANT)  # no pacing learned from before
        return self.client


@pytest.fixture(scope="module")
def site():
    mock = MockSite()
    yield mock
    mock.client.close()


def clean_error(exc: JiraError) -> None:
    text = str(exc)
    assert text and "\n" not in text and "Traceback" not in text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=st.lists(answer(search_pages), min_size=1, max_size=6))
# Found by this test: an unhashable token (it was looked up in a set of used tokens).
@example(answers=[(200, "application/json", b'{"issues":[{"id":1}],"nextPageToken":{"a":1}}')])
def test_paging_ends_with_string_ids_or_a_clean_error(site, answers):
    client = site.serve(answers)
    notes: list[str] = []
    try:
        pages = list(client.iter_issue_id_pages("attachments IS NOT EMPTY", notes=notes))
    except JiraError as exc:
        clean_error(exc)
    else:
        assert all(isinstance(i, str) for page in pages for i in page)
        assert all(page for page in pages)  # empty pages are not handed on
    assert all(isinstance(n, str) and n for n in notes)
    # Bounded: every answer at most once per try, plus the empty pages it may follow.
    assert site.calls <= INSTANT.max_tries * (len(answers) + MAX_EMPTY_PAGES + 2)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(served=answer(bulk_answers))
# Found by this test: "issues" that is not a list (it was iterated).
@example(served=(200, "application/json", b'{"issues":true}'))
@example(served=(200, "application/json", b'{"issues":7,"issueErrors":"x"}'))
def test_bulkfetch_answers_parse_to_clean_records_or_a_clean_error(site, served):
    client = site.serve([served])
    try:
        found, errors = client.fetch_issues(["10000", "10001"])
    except JiraError as exc:
        clean_error(exc)
        return
    assert isinstance(found, list) and all(isinstance(i, dict) for i in found)
    assert isinstance(errors, list)
    parsed = ParseResult()
    for issue in found:
        parse_issue(issue, parsed)
    for record in parsed.records:
        assert isinstance(record.attachment_id, str) and record.attachment_id
        assert isinstance(record.size, int) and not isinstance(record.size, bool)
        assert record.size >= 0
        for name in ("issue_id", "issue_key", "project_key", "file_name", "mime_type", "author"):
            assert isinstance(getattr(record, name), str), name
    assert all(isinstance(reason, str) for reason in parsed.skipped)

"""Narrow unit tests: JQL building, site URLs, retry policy, response parsing."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aa_tui.jira.errors import InsecureURLError, UsageError
from aa_tui.jira.governor import RateGovernor, RetryPolicy, parse_retry_after
from aa_tui.jira.jql import build_scan_jql, quote
from aa_tui.jira.parse import parse_issue
from aa_tui.jira.site import normalize_site_url


def test_jql_is_bounded_and_quotes_project_keys():
    assert build_scan_jql() == "attachments IS NOT EMPTY ORDER BY id ASC"
    assert build_scan_jql(("ops", "Web")) == (
        'attachments IS NOT EMPTY AND project in ("OPS", "WEB") ORDER BY id ASC'
    )


@pytest.mark.parametrize("key", ['A" OR project = B', "A,B", "1ABC", "A B", "A)"])
def test_injection_in_project_keys_is_refused(key):
    with pytest.raises(UsageError):
        build_scan_jql((key,))


def test_user_jql_is_parenthesised_and_order_by_refused():
    assert build_scan_jql(user_jql="created >= -30d OR updated >= -1d") == (
        "attachments IS NOT EMPTY AND (created >= -30d OR updated >= -1d) ORDER BY id ASC"
    )
    with pytest.raises(UsageError):
        build_scan_jql(user_jql="project = A ORDER BY created")
    with pytest.raises(UsageError):
        build_scan_jql(user_jql="project = A) OR (project = B")
    # "order by" inside a string is just text
    assert "ORDER BY id" in build_scan_jql(user_jql='summary ~ "order by"')


def test_quote_escapes():
    assert quote('a"b\\c') == '"a\\"b\\\\c"'


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("acme.atlassian.net", "https://acme.atlassian.net"),
        ("https://acme.atlassian.net/jira/software/projects/X/board", "https://acme.atlassian.net"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
        ("http://localhost:1", "http://localhost:1"),
        (
            "https://api.atlassian.com/ex/jira/abc-123/rest",
            "https://api.atlassian.com/ex/jira/abc-123",
        ),
    ],
)
def test_site_urls_normalise(raw, expected):
    assert normalize_site_url(raw) == expected


def test_plain_http_is_refused_off_loopback():
    with pytest.raises(InsecureURLError):
        normalize_site_url("http://acme.atlassian.net")
    assert normalize_site_url("http://intranet", allow_insecure_http=True) == "http://intranet"


@pytest.mark.parametrize(
    "raw", ["", "not a url", "ftp://x", "https://", "https://a:99999", "http://[::1"]
)
def test_bad_site_urls_say_so(raw):
    with pytest.raises(UsageError):
        normalize_site_url(raw)


def test_retry_after_parsing():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=0) > 0


def test_backoff_is_capped_exponential_with_jitter():
    policy = RetryPolicy(base_delay_s=2, max_delay_s=30)
    rng = random.Random(1)
    delays = [policy.backoff(n, rng) for n in range(1, 8)]
    assert 1.4 <= delays[0] <= 2.6
    assert all(d <= 30 * 1.3 for d in delays)
    assert delays[5] >= 30 * 0.7


def test_governor_halves_on_429_and_grows_back():
    gov = RateGovernor(max_concurrency=8)
    gov.on_response(429)
    assert gov.stats.limit == 4
    for _ in range(100):
        gov.on_response(200)
    assert gov.stats.limit == 8
    assert gov.stats.throttled == 1


def issue(**fields):
    return {"id": "10001", "key": "OPS-1", "fields": fields}


def test_parse_tolerates_missing_author_and_bad_sizes():
    result = parse_issue(
        issue(
            project={"key": "OPS"},
            status={"name": "Closed", "statusCategory": {"key": "done", "name": "Done"}},
            attachment=[
                {
                    "id": "1",
                    "filename": "a.png",
                    "size": 10,
                    "created": "2025-01-01T00:00:00.000+0000",
                },
                {"id": "2", "filename": "b.png", "size": -1},
                {"id": "3", "filename": "c.png"},
                {"id": "4", "filename": "d.png", "size": None, "author": None},
                "junk",
            ],
        )
    )
    assert [r.attachment_id for r in result.records] == ["1"]
    assert result.records[0].author == "(unknown user)"
    assert result.records[0].status_category == "Done"
    assert len(result.skipped) == 4


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)
attachment = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=5), st.integers(), st.none()),
        "filename": json_values,
        "size": st.one_of(st.integers(min_value=-5), st.none(), st.text(max_size=3), st.booleans()),
        "author": json_values,
        "created": json_values,
        "mimeType": json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        json_values,
        st.fixed_dictionaries(
            {
                "id": json_values,
                "fields": st.fixed_dictionaries(
                    {},
                    optional={
                        "attachment": st.one_of(st.lists(attachment, max_size=4), json_values),
                        "status": json_values,
                        "project": json_values,
                        "updated": json_values,
                    },
                ),
            },
            optional={"key": json_values},
        ),
    )
)
def test_parser_never_crashes_on_generated_issues(data):
    result = parse_issue(data)
    for record in result.records:
        assert isinstance(record.size, int) and record.size >= 0
        assert isinstance(record.attachment_id, str)
        assert isinstance(record.file_name, str) and isinstance(record.author, str)


def test_registered_secrets_are_redacted():
    from aa_tui.logs import redact, register_secret

    register_secret("tok-Redact-Me-42")
    assert redact("Bad token tok-Redact-Me-42 given") == "Bad token [redacted] given"
